import type { SnsEnvelope } from "../../src/sns/types";
import type { SnsTestSigner } from "../../src/testing/sns-signer-types";

/**
 * POST an envelope the way SNS does: text/plain JSON with the x-amz-sns-* headers, first without
 * credentials, and again with the basic-auth credentials from the subscription URL after a 401.
 */
export async function postLikeSns(
  url: string,
  signer: SnsTestSigner,
  envelope: SnsEnvelope,
  secret: string,
): Promise<number> {
  const send = (auth?: string) =>
    fetch(url, {
      method: "POST",
      headers: { ...signer.httpHeaders(envelope), ...(auth === undefined ? {} : { authorization: auth }) },
      body: JSON.stringify(envelope),
    });
  const first = await send();
  if (first.status !== 401) {
    return first.status;
  }
  const second = await send(`Basic ${Buffer.from(secret).toString("base64")}`);
  return second.status;
}

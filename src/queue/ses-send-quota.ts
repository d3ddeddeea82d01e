/**
 * Reading the account's sending rate from SES.
 *
 * @module
 */
import { GetAccountCommand } from "@aws-sdk/client-sesv2";
import type { GetAccountCommandOutput } from "@aws-sdk/client-sesv2";

import { ApiError } from "../errors";
import type { SesClientLike } from "../ses/options";
import { toApiError } from "../ses/response";

/**
 * Read SESv2 `GetAccount` `SendQuota.MaxSendRate`: the recipients per second the account may
 * send. Needs the `ses:GetAccount` permission (send-only IAM policies often lack it: then set
 * the rate explicitly).
 *
 * @throws ApiError when the call fails or the answer has no usable MaxSendRate
 * @example
 * ```ts
 * import { readSesMaxSendRate } from "mailroom-ses/queue";
 *
 * const perSecond = await readSesMaxSendRate(new SESv2Client({ region: "us-east-1" })); // e.g. 14
 * ```
 */
export async function readSesMaxSendRate(client: SesClientLike): Promise<number> {
  let output: GetAccountCommandOutput;
  try {
    output = (await client.send(new GetAccountCommand({}))) as GetAccountCommandOutput;
  } catch (err) {
    throw toApiError(err, "GetAccount");
  }
  const rate = output?.SendQuota?.MaxSendRate;
  if (typeof rate !== "number" || !(rate > 0)) {
    throw new ApiError(`Amazon SES GetAccount returned no usable SendQuota.MaxSendRate (${String(rate)})`, {
      response: output,
    });
  }
  return rate;
}

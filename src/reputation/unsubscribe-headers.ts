/**
 * RFC 8058 one-click unsubscribe headers, one signed link per recipient: in the message headers
 * for a single-recipient message, in each bulk entry's ReplacementHeaders (through mergeHeaders)
 * for a template send.
 *
 * @module
 */
import { ConfigurationError, InvalidMessageError } from "../errors";
import type { NormalizedMessage } from "../message/types";
import { ACCOUNT_SCOPE } from "../store/suppression-store";
import { isTemplateSend } from "../message/template-send";
import type { UnsubscribeTokens } from "./unsubscribe-token";

/**
 * The mailer's `unsubscribe` option: where the unsubscribe handler is served, and the tokens.
 *
 * @example
 * ```ts
 * import { createUnsubscribeTokens } from "mailroom-ses";
 * const unsubscribe: UnsubscribeLinkOptions = {
 *   url: "https://example.com/mailroom/unsubscribe",
 *   tokens: createUnsubscribeTokens({ secrets: [process.env.UNSUBSCRIBE_KEY ?? ""] }),
 * };
 * ```
 */
export interface UnsubscribeLinkOptions {
  /** The https URL the unsubscribe handler answers at; `?token=…` is added per recipient. */
  url: string;
  /** The token signer (the handler verifies with the same secrets). */
  tokens: UnsubscribeTokens;
}

/**
 * The header that makes the https link one-click (RFC 8058 §3.1).
 *
 * @example
 * ```ts
 * headers["List-Unsubscribe-Post"] = ONE_CLICK;
 * ```
 */
export const ONE_CLICK = "List-Unsubscribe=One-Click";

/**
 * Check the mailer's unsubscribe option once, when the mailer is created.
 *
 * @example
 * ```ts
 * checkUnsubscribeOptions({ url: "https://example.com/u", tokens });
 * ```
 */
export function checkUnsubscribeOptions(options: UnsubscribeLinkOptions): void {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ConfigurationError("unsubscribe.url must be an absolute https URL");
  }
  // RFC 8058 §3.1: the one-click URI must be https.
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "") {
    throw new ConfigurationError("unsubscribe.url must be an https URL without credentials (RFC 8058)");
  }
  if (typeof options.tokens?.sign !== "function") {
    throw new ConfigurationError("unsubscribe.tokens must come from createUnsubscribeTokens()");
  }
}

function headerValue(
  options: UnsubscribeLinkOptions,
  recipient: string,
  scope: string,
  mailto: string | undefined,
): string {
  const token = options.tokens.sign({ recipient, scope });
  const url = new URL(options.url);
  url.searchParams.set("token", token);
  const https = `<${url.href}>`;
  return mailto === undefined ? https : `${https}, <mailto:${mailto}?subject=unsubscribe%20${token}>`;
}

const NAMES = new Set(["list-unsubscribe", "list-unsubscribe-post"]);

/**
 * Add the one-click unsubscribe headers a message asked for (`message.unsubscribe`). A plain
 * message must have exactly one recipient: a link names one recipient, and in a message to
 * several, each could unsubscribe the others. A template send gets one link per `to` recipient
 * (each bulk entry is its own message) and must have no cc or bcc (they receive the `to`
 * recipients' copies, links included).
 *
 * @throws ConfigurationError when the mailer has no `unsubscribe` option; InvalidMessageError for a
 *   message with several recipients
 * @example
 * ```ts
 * const withHeaders = addUnsubscribeHeaders(normalized, { url: "https://example.com/u", tokens });
 * ```
 */
export function addUnsubscribeHeaders(
  message: NormalizedMessage,
  options: UnsubscribeLinkOptions | undefined,
): NormalizedMessage {
  const asked = message.unsubscribe;
  if (asked === undefined) {
    return message;
  }
  if (options === undefined) {
    throw new ConfigurationError(
      "message.unsubscribe needs the mailer's `unsubscribe` option (the handler URL and the token secrets)",
    );
  }
  const scope = asked.scope ?? message.suppression?.scope ?? ACCOUNT_SCOPE;
  if (isTemplateSend(message)) {
    if (message.cc.length + message.bcc.length > 0) {
      throw new InvalidMessageError(
        "One-click unsubscribe with cc or bcc: they get copies of each `to` message, links included; send them separately",
        "unsubscribe",
      );
    }
    const mergeHeaders: Record<string, Record<string, string>> = { ...message.mergeHeaders };
    for (const to of message.to) {
      mergeHeaders[to.addrSpec] = {
        ...mergeHeaders[to.addrSpec],
        "List-Unsubscribe": headerValue(options, to.addrSpec, scope, asked.mailto),
        "List-Unsubscribe-Post": ONE_CLICK,
      };
    }
    return { ...message, mergeHeaders };
  }
  const recipients = [...message.to, ...message.cc, ...message.bcc];
  if (recipients.length !== 1) {
    throw new InvalidMessageError(
      "One-click unsubscribe links are per recipient: send a message with one recipient (mailer.sendMany for many), or a template send (one message per `to`)",
      "unsubscribe",
    );
  }
  const recipient = (recipients[0] as { addrSpec: string }).addrSpec;
  const headers: [string, string][] = [
    ...message.headers.filter(([name]) => !NAMES.has(name.toLowerCase())),
    ["List-Unsubscribe", headerValue(options, recipient, scope, asked.mailto)],
    ["List-Unsubscribe-Post", ONE_CLICK],
  ];
  return { ...message, headers };
}

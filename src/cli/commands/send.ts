/**
 * `mailroom send`: send one message through Amazon SES from flags or a JSON message file, or
 * print the request(s) it would make (`--dry-run`).
 *
 * @module
 */
import { createMailer } from "../../mailer";
import { normalizeMessage } from "../../message/normalize";
import type { EmailMessage } from "../../message/types";
import { amazonSes, isTemplateSend } from "../../ses/index";
import type { SesClientLike } from "../../ses/options";
import { COMMON_OPTIONS, parseCommandLine } from "../args";
import type { CliCommand } from "../command";
import { clientFor } from "../deps";
import { ExitCode } from "../exit-codes";
import { buildDryRun, dryRunJson } from "../send/dry-run";
import { readMessageFile } from "../send/message-file";
import { messageFromFlags } from "../send/message-flags";
import { statusJson, statusText } from "../send/status-output";

const OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: "string" },
  to: { type: "string", multiple: true },
  cc: { type: "string", multiple: true },
  bcc: { type: "string", multiple: true },
  "reply-to": { type: "string", multiple: true },
  subject: { type: "string" },
  text: { type: "string" },
  html: { type: "string" },
  "text-file": { type: "string" },
  "html-file": { type: "string" },
  attach: { type: "string", multiple: true },
  tag: { type: "string", multiple: true },
  metadata: { type: "string", multiple: true },
  header: { type: "string", multiple: true },
  template: { type: "string" },
  "merge-data": { type: "string" },
  "merge-global-data": { type: "string" },
  message: { type: "string" },
  "configuration-set": { type: "string" },
  region: { type: "string" },
  endpoint: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

const HELP = `Usage: mailroom send [flags]
       mailroom send --message <file.json> [flags]

Send one email through Amazon SES (SESv2 SendEmail with raw MIME; SendBulkEmail for templates).

Message:
  --from <addr>                 sender, e.g. "Shop <shop@example.com>"
  --to <addr>                   recipient (repeatable; "a@x.com, B <b@x.com>" lists work too)
  --cc <addr>, --bcc <addr>     copies (repeatable)
  --reply-to <addr>             Reply-To (repeatable)
  --subject <text>
  --text <text>, --html <html>  bodies (or --text-file <path>, --html-file <path>)
  --attach <file>               attachment (repeatable; type guessed from the file name)
  --tag <tag>                   tag returned on tracking events (repeatable)
  --metadata <key=value>        metadata returned on tracking events (repeatable)
  --header "<Name: value>"      extra header (repeatable)
  --template <name|arn>         a stored SES template (sends with SendBulkEmail)
  --merge-data <json>           per-recipient template data: {"a@x.com": {"name": "Ann"}}
  --merge-global-data <json>    template data shared by every recipient
  --message <file.json>         an EmailMessage as JSON; the flags above override its fields.
                                Attachments: {"filename", "path"} (relative to the file) or
                                {"filename", "content"} with base64 content; sendAt as ISO 8601.

SES:
  --configuration-set <name>    send through this configuration set (event publishing)
  --region <region>             AWS region (default: the AWS SDK chain, e.g. AWS_REGION)
  --endpoint <url>              SES endpoint (e.g. a local emulator)

Output:
  --dry-run                     print the SES request(s) as JSON (raw MIME as text); sends nothing
                                and needs no AWS credentials
  --json                        print the send status as JSON

Exit codes: 0 sent; 1 SES refused or failed; 2 invalid flags or message; 3 credentials/region/IAM.

IAM: sending needs ses:SendEmail and ses:SendRawEmail; template sends need ses:SendBulkEmail and
ses:SendBulkTemplatedEmail (plus the configuration set as a resource when one is used).

Examples:
  mailroom send --from shop@example.com --to alice@example.com --subject Hi --text Hello --dry-run
  mailroom send --message order.json --configuration-set Tracking --json
  mailroom send --from shop@example.com --to a@x.com --to b@x.com --template Welcome \\
    --merge-data '{"a@x.com": {"name": "Ann"}, "b@x.com": {"name": "Bob"}}'`;

/**
 * The `mailroom send` command.
 *
 * @example
 * ```ts
 * await sendCommand.run({ args: ["--dry-run", "--from", "a@x.com", "--to", "b@x.com"], io, deps });
 * ```
 */
export const sendCommand: CliCommand = {
  path: ["send"],
  summary: "Send a message through Amazon SES (or --dry-run to print the request)",
  help: HELP,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, OPTIONS);
    const fromFile: EmailMessage = values.message === undefined ? {} : await readMessageFile(values.message);
    const message: EmailMessage = { ...fromFile, ...(await messageFromFlags(values)) };
    const configurationSetName = values["configuration-set"];

    if (values["dry-run"] === true) {
      io.out(dryRunJson(await buildDryRun(message, { configurationSetName })));
      return ExitCode.ok;
    }

    const operation = isTemplateSend(normalizeMessage(message)) ? "SendBulkEmail" : "SendEmail";
    const client: SesClientLike = await clientFor(deps, "sesv2", {
      region: values.region,
      endpoint: values.endpoint,
    });
    const mailer = createMailer({ backend: amazonSes({ client, configurationSetName }) });
    io.progress(`Sending with Amazon SES ${operation}…`);
    const status = await mailer.send(message);
    io.out(
      values.json === true ? JSON.stringify(statusJson(status), null, 2) : statusText(status, operation),
    );
    return ExitCode.ok;
  },
};

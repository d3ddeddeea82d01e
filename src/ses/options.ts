import type { SESv2ClientConfig } from "@aws-sdk/client-sesv2";

/**
 * The part of an SESv2 client Mailroom uses: anything with the SDK's `send(command)` works,
 * so a pre-configured `SESv2Client` (or a test double) can be injected.
 */
export interface SesClientLike {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Options of {@link amazonSes}.
 *
 * @example
 * ```ts
 * amazonSes({ region: "eu-west-1", configurationSetName: "Tracking", messageTagName: "Type" });
 * ```
 */
export interface AmazonSesOptions {
  /** An SESv2 client to use instead of creating one (its own configuration then applies). */
  client?: SesClientLike | undefined;
  /** AWS region; the SDK's default chain (AWS_REGION...) applies when absent. */
  region?: string | undefined;
  /** Credentials; the SDK's default credential chain applies when absent. */
  credentials?: SESv2ClientConfig["credentials"] | undefined;
  /** Any further SESv2 client configuration (endpoint, retries, requestHandler...). */
  clientConfig?: SESv2ClientConfig | undefined;
  /** SES configuration set for every send (event publishing); `espExtra` can override it per message. */
  configurationSetName?: string | undefined;
  /**
   * When set, the message's single tag is also sent as the SES message tag with this name
   * (`EmailTags` / `DefaultEmailTags`), so it shows in SES metrics and event `mail.tags`.
   */
  messageTagName?: string | undefined;
  /** Recipients per SendBulkEmail call for template sends (default 50, SES's limit). */
  batchSize?: number | undefined;
  /** SendBulkEmail calls in flight at once for one message (default 4). */
  batchConcurrency?: number | undefined;
}

/** The options the pure payload builders read. */
export type SesPayloadOptions = Pick<AmazonSesOptions, "configurationSetName" | "messageTagName">;

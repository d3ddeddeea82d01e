/**
 * Mailroom: send email through Amazon SES and normalize what SES reports back.
 *
 * @example
 * ```ts
 * import { createMailer, amazonSes } from "mailroom-ses";
 *
 * const mailer = createMailer({ backend: amazonSes({ region: "us-east-1" }) });
 * await mailer.send({ from: "shop@example.com", to: "alice@example.com", subject: "Hi", text: "Hello" });
 * ```
 *
 * @module
 */

// The mailer and its send algorithm
export { createMailer } from "./mailer";
export type { Mailer, MailerOptions, PreSendControl, PreSendHook, PostSendHook } from "./mailer";
export type { MailerBackend, SendContext, BackendResult, ReportedResponse } from "./backend";

// The message model
export type {
  AddressInput,
  AddressObject,
  Alternative,
  Attachment,
  EmailMessage,
  JsonObject,
  JsonValue,
  MessageField,
  NormalizedAttachment,
  NormalizedMessage,
  PerRecipient,
  MessageSuppression,
  MessageUnsubscribe,
  ListManagement,
} from "./message/types";
export { uncheckedEspExtra } from "./message/esp-extra";
export type { EspExtra, SesEspExtra, UncheckedEspExtra } from "./message/esp-extra";
export { EmailAddress, parseAddressList, parseSingleAddress } from "./message/address";
export type { AddressFormatOptions } from "./message/address";
export { inlineImage, makeContentId, guessContentType } from "./message/attachments";
export { applySendDefaults, SEND_DEFAULT_RULES } from "./message/send-defaults";
export type { MergeRule } from "./message/send-defaults";
export { normalizeMessage } from "./message/normalize";

// Send results
export { RecipientStatusValue } from "./send-status";
export type { RecipientStatus, SendStatus, SuppressedRecipient } from "./send-status";

// Errors
export {
  ApiError,
  ConfigurationError,
  ErrorCode,
  InvalidAddressError,
  InvalidMessageError,
  isMailroomError,
  MailroomError,
  QueueUnavailableError,
  RecipientsRefusedError,
  SerializationError,
  UnsupportedFeatureError,
} from "./errors";
export type { ApiErrorDetails } from "./errors";

export { VERSION } from "./version";

// Tracking events
export { EventType, InboundEventType, RejectReason, TrackingEventType } from "./events";
export type {
  BouncedEvent,
  ClickedEvent,
  ComplainedEvent,
  ComplaintFeedbackType,
  DeferredEvent,
  DeliveredEvent,
  FailedEvent,
  OpenedEvent,
  RejectedEvent,
  SentEvent,
  SesBounceSubType,
  SesBounceType,
  SesDelayType,
  SubscribedEvent,
  TrackingEvent,
  TrackingEventBase,
  TrackingEventDetails,
  TrackingEventOf,
  UnknownTrackingEvent,
  UnsubscribedEvent,
} from "./events";
export { WebhookValidationError } from "./errors";

// Inbound email
export { parseInboundMessage, HeaderMap, InboundAddress, InboundParseError } from "./inbound";
export type {
  DmarcPolicy,
  HeaderEntry,
  InboundAttachment,
  InboundMessage,
  InboundParseLimit,
  InboundReceiptInfo,
  ReceiptVerdicts,
  VerdictStatus,
} from "./inbound";
export type { InboundEvent } from "./events";

// Sending many, and delayed sends through a queue (mailroom-ses/queue)
export type { MailScheduler } from "./mailer";
export type { SendManyOptions, SendManyResult } from "./queue/send-many";

// The Amazon SES backend, the SES tracking and inbound webhooks, and SNS verification pieces.
// (Before 0.2 these were the `mailroom/ses` subpath.)
export * from "./ses/index";

// Effectively-once event handling: the deduplication store every intake route claims ids in.
export { createMemoryDedupeStore } from "./store/memory-dedupe-store";
export type { MemoryDedupeStoreOptions } from "./store/memory-dedupe-store";
export { createRedisDedupeStore } from "./store/redis-dedupe-store";
export type { RedisDedupeStore, RedisDedupeStoreOptions } from "./store/redis-dedupe-store";
export { DEFAULT_DEDUPE_KEEP_MS, DEFAULT_DEDUPE_LEASE_MS } from "./store/dedupe-store";
export type { ClaimResult, DedupeStore } from "./store/dedupe-store";
export { runOnce } from "./store/dedupe-run-once";
export type { RunOnceOptions, RunOnceResult } from "./store/dedupe-run-once";
export { deriveSesEventId } from "./intake/event-id";
export type { RedisInput } from "./store/redis-connection";

// Reputation: the suppression list (memory or Redis), fed by tracking events, checked before every send.
export { ACCOUNT_SCOPE, SUPPRESSION_REASONS } from "./store/suppression-store";
export type {
  SuppressionEntry,
  SuppressionPage,
  SuppressionReason,
  SuppressionStore,
} from "./store/suppression-store";
export { suppressionKey } from "./message/suppression-key";
export { createMemorySuppressionStore } from "./store/memory-suppression-store";
export type { MemorySuppressionStoreOptions } from "./store/memory-suppression-store";
export { createRedisSuppressionStore } from "./store/redis-suppression-store";
export type { RedisSuppressionStoreOptions } from "./store/redis-suppression-store";
export { createSuppressionFeed } from "./reputation/suppression-feed";
export type {
  SuppressionFeedOptions,
  SuppressionFeedOutcome,
  TransientBouncePolicy,
} from "./reputation/suppression-feed";
export { filterSuppressed, suppressedStatus } from "./reputation/suppression-filter";
export type { SuppressionFilterResult } from "./reputation/suppression-filter";

// Durable intake: the SQS consumer, EventBridge (API destination, envelope), the shared intake.
// (The Lambda adapters for SQS and EventBridge are in mailroom-ses/lambda.)
export { consumeSesEvents } from "./intake/sqs-consumer";
export type {
  ConsumeSesEventsOptions,
  SesConsumerStats,
  SesEventConsumer,
  SqsClientLike,
  SqsPollingOptions,
} from "./intake/sqs-consumer";
export { createSesIntake } from "./intake/ses-intake";
export type {
  InboundIntakeOptions,
  IntakeResult,
  SesIntake,
  SesIntakeCommonOptions,
  SesIntakeOptions,
  TrackingIntakeOptions,
} from "./intake/ses-intake";
export type { SesBodyFormat } from "./intake/sqs-body";
export { amazonSesEventBridgeWebhook } from "./intake/eventbridge-webhook";
export type {
  AmazonSesEventBridgeWebhookOptions,
  EventBridgeApiKey,
  EventBridgeWebhookHandler,
} from "./intake/eventbridge-webhook";
export { isEventBridgeEvent, parseEventBridgeEvent, SES_DETAIL_TYPES } from "./intake/eventbridge-envelope";
export type { EventBridgeEvent, ParsedEventBridgeEvent } from "./intake/eventbridge-envelope";

// Reputation: bounce and complaint rates, alerts, automatic pause (state in memory or Redis).
export { createReputationMonitor, SES_REPUTATION_LEVELS } from "./reputation/rate-monitor";
export type {
  RateLevel,
  RateThresholds,
  RateWindowOptions,
  ReputationAlert,
  ReputationMonitor,
  ReputationMonitorOptions,
  ReputationRates,
} from "./reputation/rate-monitor";
export { SendingPausedError } from "./reputation/sending-paused-error";
export type { PauseState, ReputationCounts, ReputationStore } from "./store/reputation-store";
export { createMemoryReputationStore } from "./store/memory-reputation-store";
export { createRedisReputationStore } from "./store/redis-reputation-store";
export type { RedisReputationStoreOptions } from "./store/redis-reputation-store";

// Reputation: one-click unsubscribe (RFC 8058): signed per-recipient links and their endpoint.
export { createUnsubscribeTokens, MAX_TOKEN_LENGTH } from "./reputation/unsubscribe-token";
export type {
  UnsubscribeClaims,
  UnsubscribeTokenOptions,
  UnsubscribeTokens,
} from "./reputation/unsubscribe-token";
export { addUnsubscribeHeaders, ONE_CLICK } from "./reputation/unsubscribe-headers";
export type { UnsubscribeLinkOptions } from "./reputation/unsubscribe-headers";
export { createUnsubscribeHandler } from "./reputation/unsubscribe-handler";
export type { UnsubscribeEvent, UnsubscribeHandlerOptions } from "./reputation/unsubscribe-handler";

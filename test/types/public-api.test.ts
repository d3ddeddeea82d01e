/**
 * Type-level tests of the public API: what compiles, what does not, and what a narrowed value's
 * type is. `npm run typecheck` (tsc over test/) is what checks them; a `@ts-expect-error` line
 * that compiles fails the type check. Vitest runs them too (expectTypeOf does nothing at run time).
 */
import { describe, expectTypeOf, it } from "vitest";

import type {
  ConfigurationError,
  InboundParseError,
  QueueUnavailableError,
  RecipientsRefusedError,
  SendingPausedError,
  WebhookValidationError,
} from "../../src/index";
import {
  amazonSes,
  createMailer,
  isMailroomError,
  uncheckedEspExtra,
  ApiError,
  MailroomError,
  type EmailMessage,
  type ErrorCode,
  type InboundEvent,
  type SendStatus,
  type SesBounceSubType,
  type SesSendResponse,
  type TrackingEvent,
  type TrackingEventOf,
  type TrackingEventType,
} from "../../src/index";
import { createMemoryBackend } from "../../src/testing/index";

declare const suppressions: { add(address: string): Promise<void> };

/**
 * Type-checks `body` with a value of type `T` without running it: at run time there is no such
 * value (the checks are the compiler's), so the body is only compiled.
 */
function withValue<T>(body: (value: T) => void): void {
  void body;
}

describe("TrackingEvent narrows on eventType", () => {
  it("gives a bounced event its recipient and bounce fields (the docs' suppressions.add line)", () => {
    withValue<TrackingEvent>((event) => {
      if (event.eventType === "bounced") {
        expectTypeOf(event.recipient).toEqualTypeOf<string>();
        expectTypeOf(event.bounceType).toEqualTypeOf<"Permanent" | "Transient" | "Undetermined">();
        expectTypeOf(event.bounceSubType).toEqualTypeOf<SesBounceSubType>();
        expectTypeOf(event.rejectReason).toEqualTypeOf<"bounced">();
        expectTypeOf(event.description).toEqualTypeOf<string>();
        void suppressions.add(event.recipient);
      }
      if (event.eventType === "bounced" && event.bounceType === "Permanent") {
        void suppressions.add(event.recipient);
      }
    });
  });

  it("keeps the bounce subtype open but autocompleted", () => {
    expectTypeOf<"MailboxFull">().toExtend<SesBounceSubType>();
    expectTypeOf<"SomethingSesAddsLater">().toExtend<SesBounceSubType>();
  });

  it("gives clicked its clickUrl, deferred its delay fields, complained its feedback type", () => {
    withValue<TrackingEvent>((event) => {
      if (event.eventType === "clicked") {
        expectTypeOf(event.clickUrl).toEqualTypeOf<string>();
      }
      if (event.eventType === "deferred") {
        expectTypeOf(event.expirationTime).toEqualTypeOf<Date | undefined>();
        expectTypeOf(event.delayType).toExtend<string | undefined>();
      }
      if (event.eventType === "complained") {
        expectTypeOf(event.rejectReason).toEqualTypeOf<"spam">();
      }
      if (event.eventType === "sent") {
        expectTypeOf(event.bounceType).toEqualTypeOf<undefined>();
        expectTypeOf(event.clickUrl).toEqualTypeOf<undefined>();
      }
    });
  });

  it("keeps every Anymail detail field readable before narrowing", () => {
    withValue<TrackingEvent>((event) => {
      expectTypeOf(event.recipient).toEqualTypeOf<string>();
      expectTypeOf(event.mtaResponse).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.clickUrl).toEqualTypeOf<string | undefined>();
      // @ts-expect-error delay fields exist only on deferred events
      void event.delayType;
    });
  });

  it("needs no dead branch in an exhaustive switch, and no SES-foreign type", () => {
    function label(e: TrackingEvent): string {
      switch (e.eventType) {
        case "sent":
        case "rejected":
        case "failed":
        case "bounced":
        case "deferred":
        case "delivered":
        case "opened":
        case "clicked":
        case "complained":
        case "unsubscribed":
        case "subscribed":
        case "unknown":
          return e.eventType;
        default:
          return e satisfies never;
      }
    }
    void label;
    expectTypeOf<TrackingEvent["eventType"]>().toEqualTypeOf<TrackingEventType>();
    expectTypeOf<"queued">().not.toExtend<TrackingEventType>();
    expectTypeOf<"inbound">().not.toExtend<TrackingEventType>();
    expectTypeOf<InboundEvent["eventType"]>().toEqualTypeOf<"inbound">();
    expectTypeOf<TrackingEventOf<"clicked">["clickUrl"]>().toEqualTypeOf<string>();
  });
});

describe("createMailer", () => {
  it("takes a conditional backend without annotation, and types SendStatus.response by the backend", () => {
    const test = process.env.NODE_ENV === "test";
    const mailer = createMailer({ backend: test ? createMemoryBackend() : amazonSes() });
    expectTypeOf(mailer.send).returns.resolves.toEqualTypeOf<SendStatus<SesSendResponse>>();
    expectTypeOf<SendStatus<SesSendResponse>["response"]>().toEqualTypeOf<SesSendResponse | undefined>();
  });
});

describe("espExtra", () => {
  it("takes SESv2 parameters, checked against the SDK's types", () => {
    const message: EmailMessage = {
      espExtra: {
        ConfigurationSetName: "NoTracking",
        ListManagementOptions: { TopicName: "Newsletter" },
        EmailTags: [{ Name: "campaign", Value: "spring" }],
      },
    };
    void message;
  });

  it("refuses misspelt keys and wrong values, at every level", () => {
    // @ts-expect-error misspelt key
    const typo: EmailMessage = { espExtra: { ConfigurationSetNme: "NoTracking" } };
    // @ts-expect-error a misspelt key next to a valid one
    const mixed: EmailMessage = { espExtra: { ConfigurationSetName: "NoTracking", Tennant: "t" } };
    // @ts-expect-error misspelt nested key
    const nested: EmailMessage = { espExtra: { ListManagementOptions: { ContactListNme: "x" } } };
    // @ts-expect-error wrong value type
    const value: EmailMessage = { espExtra: { ConfigurationSetName: 5 } };
    // @ts-expect-error the content Mailroom builds cannot be replaced
    const content: EmailMessage = { espExtra: { Content: { Simple: {} } } };
    void [typo, mixed, nested, value, content];
  });

  it("has an explicit escape for parameters newer than the SDK", () => {
    const message: EmailMessage = { espExtra: uncheckedEspExtra({ SomeNewSesParameter: "on" }) };
    void message;
  });
});

describe("errors", () => {
  it("narrows each class's code to its literal", () => {
    withValue<unknown>((caught) => {
      expectTypeOf<ApiError["code"]>().toEqualTypeOf<"api_error">();
      expectTypeOf<ConfigurationError["code"]>().toEqualTypeOf<"configuration_error">();
      expectTypeOf<WebhookValidationError["code"]>().toEqualTypeOf<"webhook_validation">();
      expectTypeOf<RecipientsRefusedError["code"]>().toEqualTypeOf<"recipients_refused">();
      expectTypeOf<InboundParseError["code"]>().toEqualTypeOf<"invalid_message">();
      expectTypeOf<QueueUnavailableError["code"]>().toEqualTypeOf<"queue_unavailable">();
      expectTypeOf<SendingPausedError["code"]>().toEqualTypeOf<"sending_paused">();
      if (caught instanceof ApiError) {
        expectTypeOf(caught.code).toEqualTypeOf<"api_error">();
        expectTypeOf(caught.awsCode).toEqualTypeOf<string | undefined>();
      }
      if (caught instanceof MailroomError) {
        expectTypeOf(caught.code).toEqualTypeOf<ErrorCode>();
      }
    });
  });

  it("isMailroomError guards, with or without a code", () => {
    withValue<unknown>((caught) => {
      if (isMailroomError(caught)) {
        expectTypeOf(caught).toEqualTypeOf<MailroomError>();
        expectTypeOf(caught.code).toEqualTypeOf<ErrorCode>();
      }
      if (isMailroomError(caught, "api_error")) {
        expectTypeOf(caught.code).toEqualTypeOf<"api_error">();
      }
      // @ts-expect-error not an error code
      isMailroomError(caught, "api-error");
    });
  });
});

import { describe, expect, it } from "vitest";

import { canonicalString } from "../../src/sns/canonical";
import { lambdaRecordToEnvelope, parseSnsEnvelope } from "../../src/sns/envelope";
import type { SnsEnvelope } from "../../src/sns/types";
import { createSnsVerifier } from "../../src/sns/verify";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import { expectWebhookError } from "../helpers/sns-assertions";

const signer = createSnsTestSigner();
const notification = signer.notification({
  message: { eventType: "Delivery", mail: { messageId: "m1" } },
  subject: "Amazon SES Email Event Notification",
  messageAttributes: { kind: { Type: "String", Value: "delivery" } },
});
const subscription = signer.subscriptionConfirmation();
const unsubscription = signer.unsubscribeConfirmation();
const all: SnsEnvelope[] = [notification, subscription, unsubscription];

function headersOf(envelope: SnsEnvelope): { messageType: string; messageId: string } {
  const headers = signer.httpHeaders(envelope);
  return {
    messageType: headers["x-amz-sns-message-type"] ?? "",
    messageId: headers["x-amz-sns-message-id"] ?? "",
  };
}

describe("parseSnsEnvelope: accepted bodies", () => {
  it.each(all.map((e) => [e.Type, e] as const))("parses a %s with its SNS headers", (_type, envelope) => {
    expect(parseSnsEnvelope(JSON.stringify(envelope), headersOf(envelope))).toEqual(envelope);
  });

  it("checks nothing against absent or null headers", () => {
    expect(parseSnsEnvelope(JSON.stringify(notification))).toEqual(notification);
    expect(
      parseSnsEnvelope(JSON.stringify(notification), {
        messageType: null,
        messageId: null,
        rawDelivery: null,
      }),
    ).toEqual(notification);
    expect(parseSnsEnvelope(JSON.stringify(notification), { rawDelivery: "false" })).toEqual(notification);
  });

  it("drops keys SNS does not define and keeps an empty Subject", () => {
    const parsed = parseSnsEnvelope(JSON.stringify({ ...notification, Subject: "", Extra: "x" }));
    expect(parsed).not.toHaveProperty("Extra");
    expect(parsed).toMatchObject({ Type: "Notification", Subject: "" });
  });

  it("does not let a __proto__ key in the body or in MessageAttributes touch prototypes", () => {
    const body = JSON.stringify(notification).replace(
      '"MessageAttributes":{',
      '"__proto__":{"polluted":true},"MessageAttributes":{"__proto__":{"Type":"String","Value":"v"},',
    );
    const parsed = parseSnsEnvelope(body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed).not.toHaveProperty("polluted");
    const attributes = (parsed as typeof notification).MessageAttributes ?? {};
    expect(Object.getOwnPropertyDescriptor(attributes, "__proto__")?.value).toEqual({
      Type: "String",
      Value: "v",
    });
  });
});

describe("parseSnsEnvelope: refused bodies (400)", () => {
  it("refuses malformed JSON", async () => {
    await expectWebhookError(() => parseSnsEnvelope("{not json", {}), 400, /malformed JSON/);
    await expectWebhookError(() => parseSnsEnvelope("", {}), 400, /malformed JSON/);
  });

  it.each(["[]", "null", "42", '"Notification"'])("refuses the non-object body %s", async (body) => {
    await expectWebhookError(() => parseSnsEnvelope(body), 400, /JSON object/);
  });

  it("refuses raw message delivery announced by the header, naming the fix", async () => {
    const error = await expectWebhookError(
      () => parseSnsEnvelope(JSON.stringify(notification), { rawDelivery: "true" }),
      400,
    );
    expect(error.message).toMatch(/raw message delivery OFF/);
    await expectWebhookError(
      () => parseSnsEnvelope("{}", { rawDelivery: " TRUE " }),
      400,
      /raw message delivery OFF/,
    );
  });

  it.each([
    ["a sending event", { eventType: "Bounce", mail: { messageId: "m" }, bounce: {} }],
    ["a receipt notification", { notificationType: "Received", mail: {}, receipt: {} }],
    ["the setup notification", { notificationType: "AmazonSnsSubscriptionSucceeded", message: "ok" }],
  ])("recognizes %s posted raw (no envelope) even without the header", async (_name, body) => {
    await expectWebhookError(
      () => parseSnsEnvelope(JSON.stringify(body), {}),
      400,
      /raw message delivery OFF/,
    );
  });

  it("refuses a body without Type that is not an SES event", async () => {
    await expectWebhookError(() => parseSnsEnvelope('{"hello":"world"}'), 400, /no Type/);
  });

  it("refuses an unknown Type", async () => {
    for (const type of ["Notifications", "notification", "", 1]) {
      await expectWebhookError(
        () => parseSnsEnvelope(JSON.stringify({ ...notification, Type: type })),
        400,
        /Unknown SNS message type/,
      );
    }
  });

  it("refuses a message-type header that does not match the body", async () => {
    await expectWebhookError(
      () =>
        parseSnsEnvelope(JSON.stringify(subscription), {
          ...headersOf(subscription),
          messageType: "Notification",
        }),
      400,
      /x-amz-sns-message-type/,
    );
  });

  it("refuses a message-id header that does not match the body", async () => {
    await expectWebhookError(
      () =>
        parseSnsEnvelope(JSON.stringify(notification), { ...headersOf(notification), messageId: "other" }),
      400,
      /x-amz-sns-message-id/,
    );
  });

  const required: [SnsEnvelope, string[]][] = [
    [
      notification,
      [
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
      ],
    ],
    [
      subscription,
      [
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "Token",
        "SubscribeURL",
      ],
    ],
    [
      unsubscription,
      [
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "Token",
        "SubscribeURL",
      ],
    ],
  ];
  const missingCases = required.flatMap(([envelope, fields]) =>
    fields.map((field) => [envelope.Type, field, envelope] as const),
  );
  it.each(missingCases)(
    "refuses a %s without %s, or with a non-string one",
    async (_type, field, envelope) => {
      const without = Object.fromEntries(Object.entries(envelope).filter(([key]) => key !== field));
      await expectWebhookError(
        () => parseSnsEnvelope(JSON.stringify(without)),
        400,
        new RegExp(`field ${field}$`),
      );
      await expectWebhookError(
        () => parseSnsEnvelope(JSON.stringify({ ...envelope, [field]: 12 })),
        400,
        new RegExp(field),
      );
    },
  );

  it("refuses a non-string Subject and malformed MessageAttributes", async () => {
    await expectWebhookError(
      () => parseSnsEnvelope(JSON.stringify({ ...notification, Subject: null })),
      400,
      /Subject/,
    );
    await expectWebhookError(
      () => parseSnsEnvelope(JSON.stringify({ ...notification, MessageAttributes: [] })),
      400,
      /MessageAttributes/,
    );
    await expectWebhookError(
      () =>
        parseSnsEnvelope(JSON.stringify({ ...notification, MessageAttributes: { a: { Type: "String" } } })),
      400,
      /MessageAttributes/,
    );
  });
});

describe("lambdaRecordToEnvelope", () => {
  function lambdaShape(envelope: SnsEnvelope, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const renamed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(envelope)) {
      renamed[key.replace(/URL$/, "Url")] = value;
    }
    return { ...renamed, ...extra };
  }
  const verifier = createSnsVerifier({ fetchCertificate: signer.fetchCertificate });

  it("renames the Url fields, drops a null Subject and MessageAttributes, and the result verifies", async () => {
    const plain = signer.notification({ message: "hello" });
    const sns = lambdaShape(plain, {
      Subject: null,
      MessageAttributes: { kind: { Type: "String", Value: "x" } },
    });
    expect(sns).toHaveProperty("SigningCertUrl");
    const envelope = lambdaRecordToEnvelope({ Sns: sns });
    expect(envelope).toEqual(plain);
    await expect(verifier.verify(envelope)).resolves.toBeUndefined();
  });

  it("keeps a real Subject (it is signed)", async () => {
    const withSubject = signer.notification({ message: "hello", subject: "Hi" });
    const envelope = lambdaRecordToEnvelope({ Sns: lambdaShape(withSubject) });
    expect(envelope).toMatchObject({ Subject: "Hi" });
    await expect(verifier.verify(envelope)).resolves.toBeUndefined();
  });

  it("renames SubscribeUrl for confirmations", async () => {
    const envelope = lambdaRecordToEnvelope({ Sns: lambdaShape(subscription) });
    expect(envelope).toEqual(subscription);
    await expect(verifier.verify(envelope)).resolves.toBeUndefined();
  });

  it("prefers the HTTP spelling when both spellings are present", () => {
    const envelope = lambdaRecordToEnvelope({
      Sns: { ...notification, SigningCertUrl: "https://elsewhere.example/x.pem" },
    });
    expect(envelope.SigningCertURL).toBe(notification.SigningCertURL);
  });

  it("refuses records without an Sns object or with missing fields", async () => {
    await expectWebhookError(
      () => lambdaRecordToEnvelope({ Sns: null as unknown as Record<string, unknown> }),
      400,
    );
    const sns = lambdaShape(notification);
    delete sns.SigningCertUrl;
    await expectWebhookError(() => lambdaRecordToEnvelope({ Sns: sns }), 400, /SigningCertURL/);
  });
});

describe("envelope strictness (issue 11 §7)", () => {
  it("requires the x-amz-sns-message-type and x-amz-sns-message-id headers when asked to (the HTTP path)", async () => {
    const body = JSON.stringify(notification);
    const strict = { requireSnsHeaders: true };
    expect(parseSnsEnvelope(body, headersOf(notification), strict)).toEqual(notification);
    await expectWebhookError(
      () => parseSnsEnvelope(body, { messageId: notification.MessageId }, strict),
      400,
      /x-amz-sns-message-type header is missing/,
    );
    await expectWebhookError(
      () => parseSnsEnvelope(body, { messageType: "Notification", messageId: null }, strict),
      400,
      /x-amz-sns-message-id header is missing/,
    );
  });

  it("refuses a signed Subject shifted into MessageId through the canonical string", async () => {
    const signed = signer.notification({ message: "m", subject: "Hello" });
    const { Subject: _subject, ...withoutSubject } = signed;
    const shifted = { ...withoutSubject, MessageId: `${signed.MessageId}\nSubject\nHello` };
    // The attack itself: the canonical string, hence the signature, is unchanged.
    expect(canonicalString(shifted as SnsEnvelope)).toBe(canonicalString(signed));
    const verifier = createSnsVerifier({ fetchCertificate: signer.fetchCertificate });
    await expectWebhookError(
      () => verifier.verify(shifted as SnsEnvelope),
      400,
      /MessageId contains a control/,
    );
    await expectWebhookError(
      () => parseSnsEnvelope(JSON.stringify(shifted)),
      400,
      /MessageId contains a control character/,
    );
  });

  const controls: [string, string][] = [
    ["CR LF", "\r\n"],
    ["LF", "\n"],
    ["NUL", "\u0000"],
    ["ESC", "\u001b"],
    ["DEL", "\u007f"],
    ["NEL (U+0085)", "\u0085"],
  ];
  const fields: [SnsEnvelope, string][] = [
    [notification, "MessageId"],
    [notification, "TopicArn"],
    [notification, "Timestamp"],
    [notification, "Subject"],
    [subscription, "Token"],
    [subscription, "SubscribeURL"],
    [unsubscription, "Token"],
  ];
  it.each(
    fields.flatMap(([envelope, field]) =>
      controls.map(([name, char]) => [envelope.Type, field, name, char, envelope] as const),
    ),
  )("refuses a %s whose %s contains %s", async (_type, field, _name, char, envelope) => {
    const record = envelope as unknown as Record<string, string>;
    const changed = { ...envelope, [field]: `${record[field]?.slice(0, 5)}${char}x` };
    await expectWebhookError(
      () => parseSnsEnvelope(JSON.stringify(changed)),
      400,
      new RegExp(`${field} contains a control character`),
    );
  });

  it("refuses control characters other than tab, CR and LF in Message, and keeps those three", async () => {
    for (const char of ["\u0000", "\u0007", "\u001b", "\u007f"]) {
      const changed = { ...notification, Message: `a${char}b` };
      await expectWebhookError(
        () => parseSnsEnvelope(JSON.stringify(changed)),
        400,
        /Message contains a control character/,
      );
    }
    // A SubscriptionConfirmation's Message is two lines of text.
    expect(subscription.Message).toContain("\n");
    const text = { ...notification, Message: "line 1\r\nline 2\tend" };
    expect(parseSnsEnvelope(JSON.stringify(text)).Message).toBe("line 1\r\nline 2\tend");
  });

  it("applies the same checks to SNS-triggered Lambda records", async () => {
    const { SigningCertURL, UnsubscribeURL, ...rest } = notification as typeof notification & {
      UnsubscribeURL: string;
    };
    const record = { Sns: { ...rest, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL } };
    expect(lambdaRecordToEnvelope(record).MessageId).toBe(notification.MessageId);
    await expectWebhookError(
      () => lambdaRecordToEnvelope({ Sns: { ...record.Sns, TopicArn: `${notification.TopicArn}\r\nX` } }),
      400,
      /TopicArn contains a control character/,
    );
  });
});

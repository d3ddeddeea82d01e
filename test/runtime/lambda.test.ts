/**
 * The Lambda adapter, fed realistic event objects: API Gateway REST (payload 1.0) and HTTP API
 * (2.0), a Function URL with a base64 body, and SNS-triggered records in Lambda's key casing.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { toLambdaHandler } from "../../src/adapters/lambda";
import type { ApiGatewayV1Event, ApiGatewayV2Event, SnsLambdaEvent } from "../../src/adapters/lambda-types";
import type { SnsEnvelope } from "../../src/sns/types";
import { basic, deliveryNotification, SECRET, signer, trackingUnderTest } from "../helpers/runtime";

const HOST = "abc123defg.execute-api.us-east-1.amazonaws.com";

/** The headers SNS sends, spelled the way API Gateway REST passes them on (original case). */
function restHeaders(envelope: SnsEnvelope, auth?: string): Record<string, string> {
  return {
    "Content-Type": "text/plain; charset=UTF-8",
    Host: HOST,
    "User-Agent": "Amazon Simple Notification Service Agent",
    "X-Amz-Sns-Message-Id": envelope.MessageId,
    "X-Amz-Sns-Message-Type": envelope.Type,
    "X-Amz-Sns-Topic-Arn": envelope.TopicArn,
    "X-Forwarded-For": "54.240.197.1",
    "X-Forwarded-Proto": "https",
    ...(auth === undefined ? {} : { Authorization: auth }),
  };
}

function restEvent(envelope: SnsEnvelope, auth?: string): ApiGatewayV1Event {
  const headers = restHeaders(envelope, auth);
  return {
    resource: "/mailroom/ses/tracking",
    path: "/mailroom/ses/tracking",
    httpMethod: "POST",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: { domainName: HOST, stage: "prod", requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" },
    body: JSON.stringify(envelope),
    isBase64Encoded: false,
  } as ApiGatewayV1Event;
}

function httpApiEvent(envelope: SnsEnvelope, auth?: string, base64 = false): ApiGatewayV2Event {
  const headers = Object.fromEntries(
    Object.entries(restHeaders(envelope, auth)).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const body = JSON.stringify(envelope);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/mailroom/ses/tracking",
    rawQueryString: "",
    headers,
    requestContext: {
      domainName: HOST,
      http: {
        method: "POST",
        path: "/mailroom/ses/tracking",
        protocol: "HTTP/1.1",
        sourceIp: "54.240.197.1",
      },
    },
    body: base64 ? Buffer.from(body, "utf8").toString("base64") : body,
    isBase64Encoded: base64,
  } as ApiGatewayV2Event;
}

/** An SNS-triggered event: Lambda spells SigningCertUrl / UnsubscribeUrl and sends Subject null. */
function snsEvent(envelope: SnsEnvelope): SnsLambdaEvent {
  const { SigningCertURL, ...rest } = envelope;
  const sns: Record<string, unknown> = {
    ...rest,
    SigningCertUrl: SigningCertURL,
    Subject: null,
    MessageAttributes: {},
  };
  if ("UnsubscribeURL" in envelope) {
    delete sns.UnsubscribeURL;
    sns.UnsubscribeUrl = envelope.UnsubscribeURL;
  }
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${envelope.TopicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        Sns: sns,
      } as SnsLambdaEvent["Records"][number],
    ],
  };
}

describe("mailroom-ses/lambda: toLambdaHandler", () => {
  let subject = trackingUnderTest();
  let lambda = toLambdaHandler(subject.handler);
  beforeEach(() => {
    subject = trackingUnderTest();
    lambda = toLambdaHandler(subject.handler);
  });

  it("API Gateway REST: 401 challenge first, then the delivery with credentials", async () => {
    const envelope = deliveryNotification();
    const challenge = await lambda(restEvent(envelope));
    expect(challenge?.statusCode).toBe(401);
    expect(challenge?.headers["www-authenticate"]).toBe('Basic realm="Mailroom webhook"');
    const delivery = await lambda(restEvent(envelope, basic(SECRET)));
    expect(delivery).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(subject.events.map((e) => e.recipient)).toEqual(["recipient@example.com"]);
  });

  it("API Gateway REST: reads multiValueHeaders alone, whatever the header case", async () => {
    const event = restEvent(deliveryNotification(), basic(SECRET));
    event.headers = null;
    expect((await lambda(event))?.statusCode).toBe(200);
  });

  it("API Gateway REST: reads headers alone when there are no multiValueHeaders", async () => {
    const event = restEvent(deliveryNotification(), basic(SECRET));
    event.multiValueHeaders = null;
    expect((await lambda(event))?.statusCode).toBe(200);
  });

  it("API Gateway REST: refuses a forged body with 403", async () => {
    const envelope = { ...deliveryNotification(), Message: '{"eventType":"Delivery"}' };
    expect((await lambda(restEvent(envelope, basic(SECRET))))?.statusCode).toBe(403);
    expect(subject.events).toHaveLength(0);
  });

  it("HTTP API (payload 2.0): delivers, and answers HEAD", async () => {
    const envelope = deliveryNotification();
    expect((await lambda(httpApiEvent(envelope, basic(SECRET))))?.statusCode).toBe(200);
    expect(subject.events).toHaveLength(1);
    const head = httpApiEvent(envelope);
    head.requestContext.http.method = "HEAD";
    expect(await lambda(head)).toMatchObject({ statusCode: 200, body: "" });
  });

  it("Function URL: decodes a base64 body", async () => {
    expect((await lambda(httpApiEvent(deliveryNotification(), basic(SECRET), true)))?.statusCode).toBe(200);
    expect(subject.events).toHaveLength(1);
  });

  it("SNS-triggered: verifies the record in Lambda's casing and delivers its events", async () => {
    await expect(lambda(snsEvent(deliveryNotification()))).resolves.toBeUndefined();
    expect(subject.events.map((e) => e.eventType)).toEqual(["delivered"]);
  });

  it("SNS-triggered: a forged record never reaches the app and is not retried", async () => {
    const forged = { ...deliveryNotification(), Message: '{"eventType":"Delivery"}' };
    await expect(lambda(snsEvent(forged))).resolves.toBeUndefined();
    expect(subject.events).toHaveLength(0);
    expect(subject.log.entries.some((e) => e.level === "warn" && e.details.status === 403)).toBe(true);
  });

  it("SNS-triggered: rejects (so Lambda retries) when onEvent throws", async () => {
    subject.failing.on = true;
    await expect(lambda(snsEvent(deliveryNotification()))).rejects.toThrow(/500/);
  });

  it("SNS-triggered: rejects a record that is not an SNS envelope", async () => {
    await expect(
      lambda({ Records: [{ EventSource: "aws:sns", Sns: { Type: "Notification" } }] }),
    ).rejects.toThrow();
    expect(subject.events).toHaveLength(0);
  });

  it("SNS-triggered: refuses a subscription confirmation (no credentials on this path)", async () => {
    await expect(lambda(snsEvent(signer.subscriptionConfirmation()))).resolves.toBeUndefined();
    expect(subject.sns.commands).toHaveLength(0);
  });

  describe("requests Fetch cannot represent (issue 11 §5)", () => {
    it("delivers despite a header value Fetch refuses (a character above U+00FF)", async () => {
      const envelope = deliveryNotification();
      const event = httpApiEvent(envelope, basic(SECRET));
      event.headers = { ...event.headers, "x-note": "caf\u00e9 \u20ac" };
      const result = await lambda(event);
      expect(result?.statusCode).toBe(200);
      expect(subject.events).toHaveLength(1);
    });

    it("answers a TRACE request 405 (webhook) or 400 (plain Fetch handler), never a failed invocation", async () => {
      const event = httpApiEvent(deliveryNotification(), basic(SECRET));
      event.requestContext = {
        ...event.requestContext,
        http: { ...event.requestContext.http, method: "TRACE" },
      };
      expect((await lambda(event))?.statusCode).toBe(405);
      const plain = toLambdaHandler(async () => new Response("ok"));
      const result = await plain(event);
      expect(result?.statusCode).toBe(400);
      expect(result?.body).not.toMatch(/\n\s+at |TypeError/);
    });
  });

  it("refuses events it does not know, and SNS events for a plain Fetch handler", async () => {
    await expect(lambda({ hello: "world" } as never)).rejects.toThrow(TypeError);
    const plain = toLambdaHandler(async () => new Response("ok"));
    await expect(plain(snsEvent(deliveryNotification()))).rejects.toThrow(TypeError);
  });
});

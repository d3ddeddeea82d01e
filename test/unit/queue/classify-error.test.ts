import { describe, expect, it } from "vitest";

import { ApiError, InvalidAddressError } from "../../../src/errors";
import { classifySesError } from "../../../src/queue/classify-error";
import type { ErrorKind } from "../../../src/queue/classify-error";

const api = (
  awsCode: string | undefined,
  httpStatus: number | undefined,
  message: string,
  outcomeUnknown = false,
) =>
  new ApiError(`Amazon SES SendEmail failed: ${awsCode ?? ""}: ${message}`, {
    awsCode,
    httpStatus,
    outcomeUnknown,
  });

/** An error shaped like the AWS SDK's (name + $metadata), before Mailroom wrapped it. */
const sdk = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

const nodeError = (code: string) => Object.assign(new Error(`socket: ${code}`), { code });

const table: [string, unknown, ErrorKind, boolean][] = [
  // [case, error, kind, outcomeUnknown]
  [
    "SESv2 rate (429 TooManyRequestsException)",
    api("TooManyRequestsException", 429, "Maximum sending rate exceeded."),
    "throttling",
    false,
  ],
  [
    "SES v1 rate (400 Throttling)",
    api("Throttling", 400, "Maximum sending rate exceeded."),
    "throttling",
    false,
  ],
  ["ThrottlingException", api("ThrottlingException", 400, "Rate exceeded"), "throttling", false],
  [
    "raw SDK throttling error",
    sdk("TooManyRequestsException", 429, "Maximum sending rate exceeded."),
    "throttling",
    false,
  ],
  ["any HTTP 429", api("Unknown", 429, "slow down"), "throttling", false],
  [
    "rate text on an unnamed error",
    api("Unknown", 400, "Maximum sending rate exceeded."),
    "throttling",
    false,
  ],
  [
    "daily quota as 429 TooManyRequests",
    api("TooManyRequestsException", 429, "Daily message quota exceeded."),
    "daily-quota",
    false,
  ],
  [
    "daily quota as LimitExceeded",
    api("LimitExceededException", 400, "Daily message quota exceeded."),
    "daily-quota",
    false,
  ],
  [
    "daily quota as v1 Throttling",
    api("Throttling", 400, "Daily message quota exceeded."),
    "daily-quota",
    false,
  ],
  [
    "daily quota, raw SDK error",
    sdk("ThrottlingException", 400, "Daily message quota exceeded"),
    "daily-quota",
    false,
  ],
  ["MessageRejected", api("MessageRejected", 400, "Email address is not verified."), "permanent", false],
  [
    "MailFromDomainNotVerifiedException",
    api("MailFromDomainNotVerifiedException", 400, "x"),
    "permanent",
    false,
  ],
  ["AccountSuspendedException", api("AccountSuspendedException", 400, "x"), "permanent", false],
  ["SendingPausedException", api("SendingPausedException", 400, "x"), "permanent", false],
  ["BadRequestException", api("BadRequestException", 400, "x"), "permanent", false],
  ["InvalidParameterValue", api("InvalidParameterValue", 400, "x"), "permanent", false],
  ["InvalidParameterCombination", api("InvalidParameterCombination", 400, "x"), "permanent", false],
  ["NotFoundException", api("NotFoundException", 404, "x"), "permanent", false],
  [
    "LimitExceeded without quota text",
    api("LimitExceededException", 400, "Too many configuration sets"),
    "permanent",
    false,
  ],
  ["another 4xx", api("Unknown", 403, "forbidden"), "permanent", false],
  ["500 InternalFailure", api("InternalFailure", 500, "x"), "server", false],
  ["503 ServiceUnavailable", api("ServiceUnavailable", 503, "x"), "server", false],
  ["unnamed 502", api("Unknown", 502, "bad gateway"), "server", false],
  ["reset after sending (ApiError)", api("ECONNRESET", undefined, "socket hang up", true), "network", true],
  ["refused (ApiError)", api("ECONNREFUSED", undefined, "connect ECONNREFUSED"), "network", false],
  ["raw ECONNRESET", nodeError("ECONNRESET"), "network", true],
  ["raw ECONNREFUSED", nodeError("ECONNREFUSED"), "network", false],
  ["SDK TimeoutError", Object.assign(new Error("timed out"), { name: "TimeoutError" }), "network", true],
  [
    "an unusable 200 answer",
    new ApiError("Error parsing Amazon SES send result: no MessageId"),
    "permanent",
    false,
  ],
  ["a plain Error", new Error("boom"), "permanent", false],
  ["an invalid address", new InvalidAddressError("bad", "to", "x"), "permanent", false],
  ["a non-error", "string thrown", "permanent", false],
];

describe("classifySesError", () => {
  it.each(table)("%s", (_case, error, kind, outcomeUnknown) => {
    const classification = classifySesError(error);
    expect(classification.kind).toBe(kind);
    expect(classification.retryable).toBe(kind === "throttling" || kind === "server" || kind === "network");
    expect(classification.outcomeUnknown).toBe(outcomeUnknown);
  });

  it("reports the AWS name or the network code", () => {
    expect(classifySesError(api("TooManyRequestsException", 429, "x")).code).toBe("TooManyRequestsException");
    expect(classifySesError(nodeError("ECONNRESET")).code).toBe("ECONNRESET");
    expect(classifySesError(sdk("MessageRejected", 400, "x")).code).toBe("MessageRejected");
  });
});

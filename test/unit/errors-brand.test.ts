/**
 * `instanceof` and `isMailroomError` across two copies of the error classes: the ESM and CommonJS
 * builds of the package loaded in one process each have their own. Here the second copy is the
 * same module loaded again (a fresh module registry); test/exports-errors.test.ts does the same
 * with the built ESM and CJS files.
 */
import { describe, expect, it, vi } from "vitest";

import * as errors from "../../src/errors";

async function otherCopy(): Promise<typeof errors> {
  vi.resetModules();
  const copy = await import("../../src/errors");
  expect(copy.MailroomError).not.toBe(errors.MailroomError);
  return copy;
}

describe("MailroomError brand", () => {
  it("makes instanceof work for errors made by another copy of the classes", async () => {
    const other = await otherCopy();
    const api = new other.ApiError("SES said no", { awsCode: "MessageRejected" });
    expect(api).toBeInstanceOf(errors.ApiError);
    expect(api).toBeInstanceOf(errors.MailroomError);
    expect(api instanceof errors.ConfigurationError).toBe(false);
    expect(errors.isMailroomError(api)).toBe(true);
    expect(errors.isMailroomError(api, "api_error")).toBe(true);
    expect(errors.isMailroomError(api, "configuration_error")).toBe(false);

    const mine = new errors.WebhookValidationError("bad");
    expect(mine).toBeInstanceOf(other.WebhookValidationError);
    expect(mine).toBeInstanceOf(other.MailroomError);
    expect(mine instanceof other.ApiError).toBe(false);
  });

  it("keeps subclass checks exact: a base MailroomError is not an ApiError", () => {
    const base = new errors.MailroomError("api_error", "made by hand");
    expect(base).toBeInstanceOf(errors.MailroomError);
    expect(base instanceof errors.ApiError).toBe(false);
    expect(errors.isMailroomError(base, "api_error")).toBe(true);
  });

  it("brands subclasses defined outside errors.ts by their own class", async () => {
    class CustomError extends errors.MailroomError<"invalid_message"> {
      constructor() {
        super("invalid_message", "custom");
      }
    }
    const custom = new CustomError();
    expect(custom).toBeInstanceOf(CustomError);
    expect(custom).toBeInstanceOf(errors.MailroomError);
    expect(custom instanceof errors.InvalidMessageError).toBe(false);
    const other = await otherCopy();
    expect(custom).toBeInstanceOf(other.MailroomError);
    expect(new other.InvalidMessageError("x", "to") instanceof CustomError).toBe(false);
  });

  it("answers false for anything else, without throwing", () => {
    for (const value of [undefined, null, 0, "api_error", {}, [], new Error("x"), { code: "api_error" }]) {
      expect(value instanceof errors.MailroomError).toBe(false);
      expect(errors.isMailroomError(value)).toBe(false);
    }
    expect(Object.create(null) instanceof errors.ApiError).toBe(false);
  });

  it("keeps the brand out of the error's own enumerable fields and JSON", () => {
    const err = new errors.ApiError("x", { awsCode: "Throttling" });
    expect(Object.keys(err)).not.toContain(String(Symbol.for("mailroom-ses.error-kinds")));
    expect(JSON.parse(JSON.stringify(err))).toEqual(JSON.parse(JSON.stringify({ ...err })));
    expect(err.name).toBe("ApiError");
    expect(err.code).toBe("api_error");
  });
});

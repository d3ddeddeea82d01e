import { expect } from "vitest";

import { WebhookValidationError } from "../../src/errors";

/** The WebhookValidationError `run` throws (or rejects with), after checking its status and message. */
export async function expectWebhookError(
  run: () => unknown,
  httpStatus: number,
  message?: RegExp,
): Promise<WebhookValidationError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WebhookValidationError);
  const error = caught as WebhookValidationError;
  expect(error.code).toBe("webhook_validation");
  expect({ status: error.httpStatus, message: error.message }).toMatchObject({ status: httpStatus });
  if (message !== undefined) {
    expect(error.message).toMatch(message);
  }
  return error;
}

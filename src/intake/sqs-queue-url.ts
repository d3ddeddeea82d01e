/**
 * Reading an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). PURE.
 *
 * @module
 */

/**
 * The region in a queue URL, or `undefined` (a local endpoint, a legacy URL): the SDK's region
 * chain (AWS_REGION…) then decides.
 *
 * @example
 * ```ts
 * sqsRegion("https://sqs.eu-west-1.amazonaws.com/123456789012/ses"); // "eu-west-1"
 * ```
 */
export function sqsRegion(queueUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(queueUrl).hostname;
  } catch {
    return undefined;
  }
  const match = /^sqs[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host);
  return match?.[1];
}

/**
 * The AWS Lambda event and result shapes `mailroom-ses/lambda` handles, declared here (no
 * `@types/aws-lambda` dependency) and only as far as the adapter reads or writes them.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 * @module
 */

/**
 * An API Gateway REST API (payload format 1.0) proxy event.
 *
 * @example
 * ```ts
 * const event: ApiGatewayV1Event = { httpMethod: "POST", path: "/ses", headers: {}, body: "{}", isBase64Encoded: false };
 * ```
 */
export interface ApiGatewayV1Event {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  /** Every value of every header; preferred over `headers` when present. */
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { domainName?: string };
}

/**
 * An API Gateway HTTP API (payload format 2.0) or Lambda Function URL event.
 *
 * @example
 * ```ts
 * const event: ApiGatewayV2Event = { version: "2.0", rawPath: "/ses", rawQueryString: "",
 *   headers: {}, requestContext: { http: { method: "POST" } }, body: "{}", isBase64Encoded: false };
 * ```
 */
export interface ApiGatewayV2Event {
  version: string;
  rawPath: string;
  rawQueryString?: string;
  /** Lower-cased names; repeated headers are joined with commas. */
  headers?: Record<string, string | undefined>;
  /** Cookie headers, split out of `headers`. */
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string }; domainName?: string };
}

/**
 * One record of an SNS-triggered invocation. `Sns` uses Lambda's key casing (`SigningCertUrl`,
 * `UnsubscribeUrl`, `Subject: null`).
 *
 * @example
 * ```ts
 * const record: SnsEventRecord = { EventSource: "aws:sns", Sns: { Type: "Notification", ... } };
 * ```
 */
export interface SnsEventRecord {
  EventSource?: string;
  EventSubscriptionArn?: string;
  Sns: Record<string, unknown>;
}

/**
 * An SNS-triggered invocation (SNS sends one record per invocation).
 *
 * @example
 * ```ts
 * const event: SnsLambdaEvent = { Records: [record] };
 * ```
 */
export interface SnsLambdaEvent {
  Records: SnsEventRecord[];
}

/**
 * Any event `toLambdaHandler` accepts.
 *
 * @example
 * ```ts
 * export const handler = (event: LambdaWebhookEvent) => lambda(event);
 * ```
 */
export type LambdaWebhookEvent = ApiGatewayV1Event | ApiGatewayV2Event | SnsLambdaEvent;

/**
 * The proxy result for API Gateway (both payload formats) and Function URLs.
 *
 * @example
 * ```ts
 * const result: LambdaHttpResult = { statusCode: 200, headers: {}, body: "OK", isBase64Encoded: false };
 * ```
 */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  /** Payload format 1.0 only: headers with several values (Set-Cookie). */
  multiValueHeaders?: Record<string, string[]>;
  /** Payload format 2.0 only. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

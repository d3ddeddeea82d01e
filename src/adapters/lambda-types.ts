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
  /** The request method. */
  httpMethod: string;
  /** The request path. */
  path: string;
  /** The request headers (last value of each). */
  headers?: Record<string, string | undefined> | null;
  /** Every value of every header; preferred over `headers` when present. */
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  /** The query string, every value of each parameter. */
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  /** The query string, last value of each parameter. */
  queryStringParameters?: Record<string, string | undefined> | null;
  /** The request body, as text or base64. */
  body: string | null;
  /** True when `body` is base64. */
  isBase64Encoded?: boolean;
  /** Where the request arrived (the domain name). */
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
  /** The payload format version (`2.0`). */
  version: string;
  /** The request path. */
  rawPath: string;
  /** The query string, undecoded. */
  rawQueryString?: string;
  /** Lower-cased names; repeated headers are joined with commas. */
  headers?: Record<string, string | undefined>;
  /** Cookie headers, split out of `headers`. */
  cookies?: string[];
  /** The request body, as text or base64. */
  body?: string;
  /** True when `body` is base64. */
  isBase64Encoded?: boolean;
  /** The request method and where it arrived. */
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
  /** Always `aws:sns`. */
  EventSource?: string;
  /** The Lambda's subscription to the topic. */
  EventSubscriptionArn?: string;
  /** The SNS notification (the same fields as the HTTP body SNS posts). */
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
  /** The notifications delivered in this invocation. */
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
  /** The HTTP status. */
  statusCode: number;
  /** The response headers. */
  headers: Record<string, string>;
  /** Payload format 1.0 only: headers with several values (Set-Cookie). */
  multiValueHeaders?: Record<string, string[]>;
  /** Payload format 2.0 only. */
  cookies?: string[];
  /** The response body, as text or base64. */
  body: string;
  /** True when `body` is base64. */
  isBase64Encoded: boolean;
}

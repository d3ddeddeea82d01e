/**
 * Confirming an SNS subscription through the `ConfirmSubscription` API (never by fetching
 * `SubscribeURL`: that URL comes from the request body and would make the server fetch whatever
 * it names).
 *
 * @see https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html
 * @module
 */
import type * as SnsSdkModule from "@aws-sdk/client-sns";
import type { SNSClientConfig } from "@aws-sdk/client-sns";

import { awsApiError } from "../aws-api-error";
import { ConfigurationError } from "../errors";
import type { ConfirmSubscription, SnsClientLike } from "./types";

/**
 * Options of {@link createConfirmSubscription}.
 *
 * @example
 * ```ts
 * const options: ConfirmSubscriptionOptions = { snsClientConfig: { maxAttempts: 2 } };
 * ```
 */
export interface ConfirmSubscriptionOptions {
  /** Client settings (credentials, retries…); `region` is overridden by the topic's. */
  snsClientConfig?: SNSClientConfig | undefined;
  /** Creates the client; default `new SNSClient(config)`. */
  createSnsClient?: ((config: SNSClientConfig & { region: string }) => SnsClientLike) | undefined;
}

type SnsSdk = typeof SnsSdkModule;

/**
 * The default {@link ConfirmSubscription}: one short-lived SNS client per call, in the topic's
 * own region (a client in any other region answers "Invalid parameter: TopicArn", anymail #235),
 * with `AuthenticateOnUnsubscribe: "true"` so only the topic owner can unsubscribe the endpoint.
 * `@aws-sdk/client-sns` is imported on first use: confirmations are rare, and applications that
 * never see one never load it. The IAM principal needs `sns:ConfirmSubscription`.
 *
 * @throws ApiError (from the returned function) when the SNS call fails.
 * @example
 * ```ts
 * const confirm = createConfirmSubscription({ snsClientConfig: { maxAttempts: 2 } });
 * await confirm("arn:aws:sns:us-west-2:123456789012:ses", token, "us-west-2");
 * ```
 */
export function createConfirmSubscription(options: ConfirmSubscriptionOptions = {}): ConfirmSubscription {
  let sdk: Promise<SnsSdk> | undefined;
  const load = (): Promise<SnsSdk> => {
    sdk ??= import("@aws-sdk/client-sns").catch((cause: unknown) => {
      sdk = undefined;
      throw new ConfigurationError("Confirming SNS subscriptions needs the @aws-sdk/client-sns package", {
        cause,
      });
    });
    return sdk;
  };
  return async (topicArn, token, region) => {
    const { ConfirmSubscriptionCommand, SNSClient } = await load();
    const config = { ...options.snsClientConfig, region };
    const client: SnsClientLike = options.createSnsClient?.(config) ?? new SNSClient(config);
    try {
      await client.send(
        new ConfirmSubscriptionCommand({
          TopicArn: topicArn,
          Token: token,
          // A string on the wire, as the API defines it.
          AuthenticateOnUnsubscribe: "true",
        }),
      );
    } catch (cause) {
      throw awsApiError(cause, "Amazon SNS ConfirmSubscription failed");
    } finally {
      client.destroy?.();
    }
  };
}

/** (topic, token) pairs remembered as confirmed, at most; the oldest is forgotten first. */
const CONFIRMED_LIMIT = 1024;

/**
 * Wrap `confirm` so that a given (topic, token) pair is confirmed once: a replayed
 * SubscriptionConfirmation (the same request again, or a re-signed copy) resolves without
 * another `ConfirmSubscription` call, and concurrent replays share the first call. A failed
 * call is forgotten, so SNS's retry confirms for real. Remembers the last 1,024 pairs.
 *
 * @example
 * ```ts
 * const confirm = confirmOnce(createConfirmSubscription());
 * await confirm(topicArn, token, "us-east-1");
 * await confirm(topicArn, token, "us-east-1"); // no second API call
 * ```
 */
export function confirmOnce(confirm: ConfirmSubscription): ConfirmSubscription {
  // Insertion order is age: the first key is the oldest.
  const seen = new Map<string, Promise<void>>();
  return (topicArn, token, region) => {
    // JSON keeps the pair unambiguous whatever the two strings hold.
    const key = JSON.stringify([topicArn, token]);
    const known = seen.get(key);
    if (known !== undefined) {
      return known;
    }
    if (seen.size >= CONFIRMED_LIMIT) {
      const oldest = seen.keys().next();
      if (oldest.done !== true) {
        seen.delete(oldest.value);
      }
    }
    const call = Promise.resolve()
      .then(() => confirm(topicArn, token, region))
      .catch((error: unknown) => {
        seen.delete(key);
        throw error;
      });
    seen.set(key, call);
    return call;
  };
}

import { describe, expect, it, vi } from "vitest";

import {
  checkSigningCertUrl,
  createCertUrlPolicy,
  defaultCertUrlPolicy,
  parseTopicArn,
  type CertUrlPolicy,
} from "../../src/sns/cert-url-policy";
import { createSnsVerifier } from "../../src/sns/verify";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import { expectWebhookError } from "../helpers/sns-assertions";

const ID = "0123456789abcdef0123456789abcdef";
const PATH = `/SimpleNotificationService-${ID}.pem`;
const ARN = "arn:aws:sns:us-east-1:123456789012:ses-events";
const GOOD = `https://sns.us-east-1.amazonaws.com${PATH}`;

describe("parseTopicArn", () => {
  it("splits commercial, China, GovCloud and FIFO topic ARNs", () => {
    expect(parseTopicArn(ARN)).toEqual({
      arn: ARN,
      partition: "aws",
      region: "us-east-1",
      accountId: "123456789012",
      name: "ses-events",
    });
    expect(parseTopicArn("arn:aws-cn:sns:cn-north-1:123456789012:t")).toMatchObject({
      partition: "aws-cn",
      region: "cn-north-1",
    });
    expect(parseTopicArn("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t_1")).toMatchObject({
      partition: "aws-us-gov",
      region: "us-gov-west-1",
    });
    expect(parseTopicArn("arn:aws:sns:eu-west-1:123456789012:events.fifo").name).toBe("events.fifo");
  });

  it.each([
    "",
    "not-an-arn",
    "arn:aws:sqs:us-east-1:123456789012:queue",
    "arn:aws:sns:us-east-1:12345:short-account",
    "arn:aws:sns:us-east-1.amazonaws.com.evil:123456789012:t",
    "arn:aws:sns:US-EAST-1:123456789012:t",
    "arn:aws:sns::123456789012:t",
    "arn:aws:sns:us-east-1:123456789012:",
    "arn:aws:sns:us-east-1:123456789012:t:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
    "arn:evil:sns:us-east-1:123456789012:t",
    " arn:aws:sns:us-east-1:123456789012:t",
  ])("refuses %j with 400", async (arn) => {
    await expectWebhookError(() => parseTopicArn(arn), 400, /TopicArn/);
    await expectWebhookError(() => checkSigningCertUrl(GOOD, arn), 400, /TopicArn/);
  });
});

describe("checkSigningCertUrl: accepted", () => {
  it.each([
    [GOOD, ARN],
    [`https://sns.eu-central-1.amazonaws.com${PATH}`, "arn:aws:sns:eu-central-1:123456789012:t"],
    [`https://sns.cn-north-1.amazonaws.com.cn${PATH}`, "arn:aws-cn:sns:cn-north-1:123456789012:t"],
    [`https://sns.us-gov-west-1.amazonaws.com${PATH}`, "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t"],
    [
      "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
      ARN,
    ],
  ])("accepts %s for its topic", (url, arn) => {
    expect(() => checkSigningCertUrl(url, arn)).not.toThrow();
  });
});

const REFUSED: [string, string][] = [
  ["plain http", `http://sns.us-east-1.amazonaws.com${PATH}`],
  ["another scheme", `ftp://sns.us-east-1.amazonaws.com${PATH}`],
  ["s3.amazonaws.com", `https://s3.amazonaws.com${PATH}`],
  ["an S3 bucket host", `https://sns.s3.amazonaws.com${PATH}`],
  ["another region than the topic's", `https://sns.us-west-2.amazonaws.com${PATH}`],
  ["the China suffix for a commercial topic", `https://sns.us-east-1.amazonaws.com.cn${PATH}`],
  ["a suffix look-alike", `https://sns.us-east-1.amazonaws.com.evil.com${PATH}`],
  ["a dash instead of a dot", `https://sns-us-east-1.amazonaws.com${PATH}`],
  ["a prefix look-alike", `https://evilsns.us-east-1.amazonaws.com${PATH}`],
  ["a subdomain of the SNS host", `https://x.sns.us-east-1.amazonaws.com${PATH}`],
  ["a TLD look-alike", `https://sns.us-east-1.amazonaws.co${PATH}`],
  ["a trailing dot", `https://sns.us-east-1.amazonaws.com.${PATH}`],
  ["a Cyrillic homoglyph", `https://sns.us-east-1.amazonаws.com${PATH}`],
  ["the punycode of a homoglyph", `https://sns.us-east-1.xn--amazonws-66g.com${PATH}`],
  ["full-width letters", `https://ｓns.us-east-1.amazonaws.com${PATH}`],
  ["an upper-case host", `https://SNS.US-EAST-1.AMAZONAWS.COM${PATH}`],
  ["a percent-encoded dot", `https://sns.us-east-1.amazonaws%2ecom${PATH}`],
  ["an IP address", `https://52.94.0.1${PATH}`],
  ["a user", `https://user@sns.us-east-1.amazonaws.com${PATH}`],
  ["user and password", `https://user:pass@sns.us-east-1.amazonaws.com${PATH}`],
  ["the SNS host as userinfo", `https://sns.us-east-1.amazonaws.com@evil.example${PATH}`],
  ["an explicit default port", `https://sns.us-east-1.amazonaws.com:443${PATH}`],
  ["another port", `https://sns.us-east-1.amazonaws.com:8443${PATH}`],
  ["a query string", `${GOOD}?x=1`],
  ["an empty query", `${GOOD}?`],
  ["a fragment", `${GOOD}#frag`],
  ["an empty fragment", `${GOOD}#`],
  ["another file name", "https://sns.us-east-1.amazonaws.com/evil.pem"],
  ["another extension", `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${ID}.txt`],
  ["a nested path", `https://sns.us-east-1.amazonaws.com/x${PATH}`],
  ["dot segments", `https://sns.us-east-1.amazonaws.com/x/..${PATH}`],
  ["an encoded slash", `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${ID}%2F.pem`],
  ["an empty id", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-.pem"],
  ["a backslash", `https://sns.us-east-1.amazonaws.com\\${PATH}`],
  ["a relative URL", `//sns.us-east-1.amazonaws.com${PATH}`],
  ["no URL at all", "not a url"],
  ["an empty string", ""],
];

describe("checkSigningCertUrl: refused with 403", () => {
  it.each(REFUSED)("refuses %s", async (_name, url) => {
    await expectWebhookError(() => checkSigningCertUrl(url, ARN), 403, /^SigningCertURL refused: /);
  });

  it("names the reason in a short message", async () => {
    await expectWebhookError(
      () => checkSigningCertUrl(`https://sns.us-west-2.amazonaws.com${PATH}`, ARN),
      403,
      /host is not the SNS endpoint of the topic's region/,
    );
    await expectWebhookError(
      () => checkSigningCertUrl(`http://sns.us-east-1.amazonaws.com${PATH}`, ARN),
      403,
      /https/,
    );
  });
});

describe("refused certificate URLs never reach the network", () => {
  const signer = createSnsTestSigner();

  it.each(REFUSED)("a message signed with %s is refused before any fetch", async (_name, url) => {
    const fetchCertificate = vi.fn(signer.fetchCertificate);
    const verifier = createSnsVerifier({ fetchCertificate });
    // A correct signature: only the URL check can refuse it.
    const envelope = signer.sign({ ...signer.notification({ message: "m" }), SigningCertURL: url });
    await expectWebhookError(() => verifier.verify(envelope), 403, /SigningCertURL refused/);
    expect(fetchCertificate).not.toHaveBeenCalled();
  });

  it("a topic ARN that does not parse is refused (400) before any fetch", async () => {
    const fetchCertificate = vi.fn(signer.fetchCertificate);
    const verifier = createSnsVerifier({ fetchCertificate });
    const envelope = signer.notification({ message: "m", topicArn: "arn:aws:sns:nowhere" });
    await expectWebhookError(() => verifier.verify(envelope), 400, /TopicArn/);
    expect(fetchCertificate).not.toHaveBeenCalled();
  });
});

describe("certificate URL policies", () => {
  it("refuses partitions the default does not know, and accepts them once configured", async () => {
    const arn = "arn:aws-eusc:sns:eusc-de-east-1:123456789012:t";
    const url = `https://sns.eusc-de-east-1.amazonaws.eu${PATH}`;
    await expectWebhookError(() => checkSigningCertUrl(url, arn), 403, /partition aws-eusc/);
    const policy = createCertUrlPolicy({ partitionDnsSuffixes: { "aws-eusc": "amazonaws.eu" } });
    expect(() => checkSigningCertUrl(url, arn, policy)).not.toThrow();
    // Still bound to the topic: the commercial suffix is not accepted for that partition.
    await expectWebhookError(
      () => checkSigningCertUrl(`https://sns.eusc-de-east-1.amazonaws.com${PATH}`, arn, policy),
      403,
    );
  });

  it("passes the parsed URL and topic to a custom policy and reports its reason", async () => {
    const policy = vi.fn<CertUrlPolicy>(() => "not on my list");
    await expectWebhookError(() => checkSigningCertUrl(GOOD, ARN, policy), 403, /not on my list$/);
    const [url, topic] = policy.mock.calls[0] ?? [];
    expect(url?.hostname).toBe("sns.us-east-1.amazonaws.com");
    expect(topic).toMatchObject({ partition: "aws", region: "us-east-1", name: "ses-events" });
    await expectWebhookError(
      () => checkSigningCertUrl(GOOD, ARN, () => false),
      403,
      /certificate URL policy/,
    );
  });

  it("lets a custom policy extend the default (e.g. LocalStack) without lifting the fixed checks", async () => {
    const local = "http://localhost.localstack.cloud:4566/_aws/sns/SimpleNotificationService-abc.pem";
    const policy: CertUrlPolicy = (url, topic) =>
      url.origin === "http://localhost.localstack.cloud:4566" || defaultCertUrlPolicy(url, topic);
    expect(() => checkSigningCertUrl(local, ARN, policy)).not.toThrow();
    expect(() => checkSigningCertUrl(GOOD, ARN, policy)).not.toThrow();
    await expectWebhookError(
      () => checkSigningCertUrl(`https://sns.us-west-2.amazonaws.com${PATH}`, ARN, policy),
      403,
    );
    // Credentials, queries and fragments are refused whatever the policy says.
    const permissive: CertUrlPolicy = () => true;
    for (const url of [`https://u:p@sns.us-east-1.amazonaws.com${PATH}`, `${GOOD}?a=b`, `${GOOD}#x`]) {
      await expectWebhookError(() => checkSigningCertUrl(url, ARN, permissive), 403);
    }
  });
});

/** The S3 part of {@link FakeAws}: buckets and bucket policies. */
import { NotFound, S3ServiceException } from "@aws-sdk/client-s3";

import type { FakeHandler } from "./fake-aws";

export const s3Handlers: Record<string, FakeHandler> = {
  HeadBucket(aws, input) {
    if (!aws.buckets.has(String(input.Bucket))) {
      // HEAD answers have no body: the SDK names the error after the status.
      throw new NotFound({ message: "NotFound", $metadata: { httpStatusCode: 404 } });
    }
    return {};
  },
  CreateBucket(aws, input) {
    const configuration = input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined;
    aws.buckets.set(String(input.Bucket), { region: configuration?.LocationConstraint, policy: undefined });
    return {};
  },
  GetBucketPolicy(aws, input) {
    const policy = aws.buckets.get(String(input.Bucket))?.policy;
    if (policy === undefined) {
      throw new S3ServiceException({
        name: "NoSuchBucketPolicy",
        message: "The bucket policy does not exist",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
      });
    }
    return { Policy: policy };
  },
  PutBucketPolicy(aws, input) {
    const bucket = aws.buckets.get(String(input.Bucket));
    if (bucket === undefined) {
      throw new Error("FakeAws: no such bucket");
    }
    JSON.parse(String(input.Policy));
    bucket.policy = String(input.Policy);
    return {};
  },
};

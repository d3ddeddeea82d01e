/**
 * The SESv2 reputation parts of {@link FakeAws}: the account-level suppression list
 * (Put/Get/Delete/ListSuppressedDestinations, CreateImportJob/GetImportJob), GetAccount, and
 * contact lists. aws-ses-v2-local models none of these, so the CLI's suppression and status
 * commands are tested against this fake, which answers with the SDK's own shapes and exception
 * classes. Like SES, suppression API calls match the address case-sensitively.
 */
import { BadRequestException, NotFoundException } from "@aws-sdk/client-sesv2";

import type { FakeAws, FakeHandler } from "./fake-aws";

const meta = { $metadata: { httpStatusCode: 400 } };

export interface FakeSuppressed {
  reason: "BOUNCE" | "COMPLAINT";
  lastUpdate: Date;
}

/** The fake's SESv2 reputation state, one per FakeAws. */
export interface FakeSesv2State {
  /** The account-level suppression list, keyed by the address exactly as put. */
  suppressed: Map<string, FakeSuppressed>;
  /** What an import job would read: S3 URL -> file content. */
  s3Objects: Map<string, string>;
  importJobs: Map<string, { status: string; processed: number; failed: number }>;
  /** GetAccount's answer. */
  account: Record<string, unknown>;
  contactLists: Map<string, { topics: string[] }>;
}

const states = new WeakMap<FakeAws, FakeSesv2State>();

/** The SESv2 reputation state of a fake (created on first use). */
export function sesv2State(aws: FakeAws): FakeSesv2State {
  let state = states.get(aws);
  if (state === undefined) {
    state = {
      suppressed: new Map(),
      s3Objects: new Map(),
      importJobs: new Map(),
      account: {
        EnforcementStatus: "HEALTHY",
        ProductionAccessEnabled: true,
        SendingEnabled: true,
        SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 1_234 },
        SuppressionAttributes: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
      },
      contactLists: new Map(),
    };
    states.set(aws, state);
  }
  return state;
}

function reasonOf(value: unknown): "BOUNCE" | "COMPLAINT" {
  if (value !== "BOUNCE" && value !== "COMPLAINT") {
    throw new BadRequestException({ message: `Invalid reason: ${String(value)}`, ...meta });
  }
  return value;
}

function address(value: unknown): string {
  if (typeof value !== "string" || !value.includes("@")) {
    throw new BadRequestException({ message: "Invalid email address", ...meta });
  }
  return value;
}

/** Apply an import file: CSV lines "address,REASON" or a JSON array/lines of { EmailAddress, Reason }. */
function parseImport(content: string, format: unknown): { address: string; reason: string }[] {
  if (format === "JSON") {
    return content
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const item = JSON.parse(line) as { EmailAddress?: string; Reason?: string };
        return { address: item.EmailAddress ?? "", reason: item.Reason ?? "" };
      });
  }
  return content
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [addr = "", reason = ""] = line.split(",");
      return { address: addr.trim(), reason: reason.trim().toUpperCase() };
    });
}

export const sesv2ReputationHandlers: Record<string, FakeHandler> = {
  PutSuppressedDestination(aws, input) {
    sesv2State(aws).suppressed.set(address(input.EmailAddress), {
      reason: reasonOf(input.Reason),
      lastUpdate: new Date(),
    });
    return {};
  },
  GetSuppressedDestination(aws, input) {
    const key = address(input.EmailAddress);
    const found = sesv2State(aws).suppressed.get(key);
    if (found === undefined) {
      throw new NotFoundException({ message: `${key} is not on the suppression list`, ...meta });
    }
    return {
      SuppressedDestination: { EmailAddress: key, Reason: found.reason, LastUpdateTime: found.lastUpdate },
    };
  },
  DeleteSuppressedDestination(aws, input) {
    const key = address(input.EmailAddress);
    if (!sesv2State(aws).suppressed.delete(key)) {
      throw new NotFoundException({ message: `${key} is not on the suppression list`, ...meta });
    }
    return {};
  },
  ListSuppressedDestinations(aws, input) {
    const reasons = input.Reasons as string[] | undefined;
    const all = [...sesv2State(aws).suppressed.entries()]
      .filter(([, entry]) => reasons === undefined || reasons.includes(entry.reason))
      .map(([key, entry]) => ({ EmailAddress: key, Reason: entry.reason, LastUpdateTime: entry.lastUpdate }));
    const { items, next } = aws.page(all, input.NextToken);
    return { SuppressedDestinationSummaries: items, NextToken: next };
  },
  CreateImportJob(aws, input) {
    const state = sesv2State(aws);
    const source = input.ImportDataSource as { S3Url?: string; DataFormat?: string } | undefined;
    const action = (
      input.ImportDestination as { SuppressionListDestination?: { SuppressionListImportAction?: string } }
    )?.SuppressionListDestination?.SuppressionListImportAction;
    const content = state.s3Objects.get(source?.S3Url ?? "");
    if (content === undefined) {
      throw new BadRequestException({ message: `Cannot read ${String(source?.S3Url)}`, ...meta });
    }
    let processed = 0;
    let failed = 0;
    for (const row of parseImport(content, source?.DataFormat)) {
      if (action === "DELETE") {
        state.suppressed.delete(row.address);
        processed += 1;
      } else if (row.reason === "BOUNCE" || row.reason === "COMPLAINT") {
        state.suppressed.set(row.address, { reason: row.reason, lastUpdate: new Date() });
        processed += 1;
      } else {
        failed += 1;
      }
    }
    const jobId = `import-${aws.nextId()}`;
    state.importJobs.set(jobId, { status: "COMPLETED", processed, failed });
    return { JobId: jobId };
  },
  GetImportJob(aws, input) {
    const job = sesv2State(aws).importJobs.get(String(input.JobId));
    if (job === undefined) {
      throw new NotFoundException({ message: "No such job", ...meta });
    }
    return {
      JobId: input.JobId,
      JobStatus: job.status,
      ProcessedRecordsCount: job.processed,
      FailedRecordsCount: job.failed,
    };
  },
  GetAccount(aws) {
    return structuredClone(sesv2State(aws).account);
  },
  CreateContactList(aws, input) {
    const name = String(input.ContactListName);
    const topics = ((input.Topics as { TopicName?: string }[] | undefined) ?? []).map((t) =>
      String(t.TopicName),
    );
    sesv2State(aws).contactLists.set(name, { topics });
    return {};
  },
  GetContactList(aws, input) {
    const found = sesv2State(aws).contactLists.get(String(input.ContactListName));
    if (found === undefined) {
      throw new NotFoundException({ message: "List does not exist", ...meta });
    }
    return {
      ContactListName: input.ContactListName,
      Topics: found.topics.map((TopicName) => ({
        TopicName,
        DisplayName: TopicName,
        DefaultSubscriptionStatus: "OPT_IN",
      })),
    };
  },
};

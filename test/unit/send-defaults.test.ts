import { describe, expect, it } from "vitest";

import { applySendDefaults, SEND_DEFAULT_RULES } from "../../src/message/send-defaults";

describe("applySendDefaults", () => {
  it("concatenates lists, defaults first", () => {
    expect(
      applySendDefaults(
        { bcc: ["audit@example.com"], tags: ["app"] },
        { bcc: "x@example.com", tags: ["welcome"] },
      ),
    ).toEqual({
      bcc: ["audit@example.com", "x@example.com"],
      tags: ["app", "welcome"],
    });
  });

  it("lets the message win for scalars and uses the default when the message has none", () => {
    expect(applySendDefaults({ from: "d@example.com", subject: "Default" }, { subject: "Mine" })).toEqual({
      from: "d@example.com",
      subject: "Mine",
    });
  });

  it("merges maps shallowly", () => {
    expect(
      applySendDefaults({ metadata: { app: "shop", nested: { a: 1 } } }, { metadata: { nested: { b: 2 } } }),
    ).toEqual({
      metadata: { app: "shop", nested: { b: 2 } },
    });
  });

  it("merges headers case-insensitively, the message's spelling winning", () => {
    expect(
      applySendDefaults({ headers: { "X-Env": "prod", "X-Keep": "1" } }, { headers: { "x-env": "test" } }),
    ).toEqual({
      headers: { "X-Keep": "1", "x-env": "test" },
    });
  });

  it("merges espExtra deeply (nested objects merge, arrays replace)", () => {
    expect(
      applySendDefaults(
        {
          espExtra: {
            ListManagementOptions: { ContactListName: "list", TopicName: "a" },
            EmailTags: [{ Name: "x", Value: "1" }],
          },
        },
        { espExtra: { ListManagementOptions: { TopicName: "b" }, EmailTags: [{ Name: "y", Value: "2" }] } },
      ),
    ).toEqual({
      espExtra: {
        ListManagementOptions: { ContactListName: "list", TopicName: "b" },
        EmailTags: [{ Name: "y", Value: "2" }],
      },
    });
  });

  it("merges per-recipient maps one level deep", () => {
    expect(
      applySendDefaults(
        { mergeData: { "a@example.com": { site: "x", name: "?" } } },
        { mergeData: { "a@example.com": { name: "Alice" }, "b@example.com": { name: "Bob" } } },
      ),
    ).toEqual({
      mergeData: { "a@example.com": { site: "x", name: "Alice" }, "b@example.com": { name: "Bob" } },
    });
  });

  it("suppresses a default with null on the message", () => {
    expect(
      applySendDefaults({ bcc: ["audit@example.com"], metadata: { a: 1 } }, { bcc: null, subject: "s" }),
    ).toEqual({
      metadata: { a: 1 },
      subject: "s",
    });
  });

  it("does not mutate its inputs", () => {
    const defaults = { tags: ["a"], metadata: { a: 1 } };
    const message = { tags: ["b"], metadata: { b: 2 } };
    applySendDefaults(defaults, message);
    expect(defaults).toEqual({ tags: ["a"], metadata: { a: 1 } });
    expect(message).toEqual({ tags: ["b"], metadata: { b: 2 } });
  });

  it("declares a rule for every field", () => {
    expect(Object.keys(SEND_DEFAULT_RULES).sort()).toEqual(
      [
        "alternatives",
        "attachments",
        "bcc",
        "cc",
        "envelopeSender",
        "espExtra",
        "from",
        "headers",
        "html",
        "listManagement",
        "mergeData",
        "mergeGlobalData",
        "mergeHeaders",
        "mergeMetadata",
        "metadata",
        "replyTo",
        "sendAt",
        "subject",
        "suppression",
        "tags",
        "templateId",
        "text",
        "unsubscribe",
        "to",
        "trackClicks",
        "trackOpens",
      ].sort(),
    );
  });
});

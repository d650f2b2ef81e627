/** Malformed ids in a body, a query or a path are a 400 naming the field, and reach nothing behind the API. */
import { afterEach, describe, expect, test } from "bun:test";
import { checkId } from "../../src/gateway/ids.ts";
import { type ApiHarness, approvalView, postJson, startApi } from "./harness.ts";

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.gateway.stop();
  api = undefined;
});

interface ErrorBody {
  error: string;
  message: string;
}

async function expectBadRequest(response: Response, ...fragments: string[]): Promise<void> {
  expect(response.status).toBe(400);
  const body = (await response.json()) as ErrorBody;
  expect(body.error).toBe("invalid_request");
  for (const fragment of fragments) expect(body.message).toContain(fragment);
}

describe("ids in the chat API", () => {
  test("a NUL or another control character in thread_id or message_id is a 400 naming the field", async () => {
    api = startApi();
    await expectBadRequest(
      await api.call("/api/chat/send", postJson({ text: "hi", thread_id: "t\u0000x" })),
      "thread_id",
      "U+0000",
    );
    await expectBadRequest(
      await api.call("/api/chat/send", postJson({ text: "hi", message_id: "m\u001b[1m" })),
      "message_id",
      "U+001B",
    );
    await expectBadRequest(
      await api.call("/api/chat/send", postJson({ text: "hi", thread_id: "\ud800" })),
      "thread_id",
      "valid Unicode",
    );
    await expectBadRequest(
      await api.call("/api/chat/send", postJson({ text: "hi", thread_id: "t".repeat(201) })),
      "thread_id",
      "at most 200",
    );
    expect(api.chat.sent).toHaveLength(0);
  });

  test("ordinary ids, emoji included, pass", async () => {
    api = startApi();
    const response = await api.call("/api/chat/send", postJson({ text: "hi", thread_id: "näh-🦀-1" }));
    expect(response.status).toBe(200);
    expect(api.chat.sent[0]?.threadId).toBe("näh-🦀-1");
  });

  test("a NUL in the history's thread_id is a 400 naming it", async () => {
    api = startApi();
    await expectBadRequest(await api.call("/api/chat/history?thread_id=a%00b"), "thread_id", "U+0000");
    await expectBadRequest(await api.call("/api/chat/history"), "thread_id");
    expect(api.history.calls).toHaveLength(0);
  });
});

describe("the approval id in the path", () => {
  test("a NUL or a broken escape is a 400 naming the approval id; nothing is decided", async () => {
    api = startApi({}, { rows: [approvalView("appr-1")] });
    await expectBadRequest(
      await api.call("/api/approvals/appr%00-1", postJson({ action: "approve" })),
      "approval id",
      "U+0000",
    );
    await expectBadRequest(
      await api.call("/api/approvals/appr%zz", postJson({ action: "approve" })),
      "approval id",
      "percent-encoding",
    );
    expect(api.approvals.actors).toHaveLength(0);
    expect(api.approvals.rows.get("appr-1")?.status).toBe("pending");
  });
});

describe("checkId", () => {
  test("names the field and the offending character", () => {
    const refused = checkId("ab\u007f", "thread_id");
    expect(refused).toBeInstanceOf(Response);
    expect(checkId("appr-1", "approval id")).toBe("appr-1");
    expect(checkId(42, "thread_id")).toBeInstanceOf(Response);
    expect(checkId("   ", "thread_id")).toBeInstanceOf(Response);
  });
});

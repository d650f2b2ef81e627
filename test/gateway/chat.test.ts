import { afterEach, describe, expect, test } from "bun:test";
import { createHttpReplyResponder } from "../../src/gateway/chat-routes.ts";
import { type ApiHarness, postJson, startApi } from "./harness.ts";

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.gateway.stop();
  api = undefined;
});

interface ErrorBody {
  error: string;
  message: string;
}

describe("POST /api/chat/send", () => {
  test("answers with the turn's reply on the given thread, passing the message id through", async () => {
    api = startApi();
    const response = await api.call(
      "/api/chat/send",
      postJson({ text: "hi", thread_id: "t-1", message_id: "m-1" }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply: "pong: hi", thread_id: "t-1" });
    expect(api.chat.sent).toEqual([{ text: "hi", threadId: "t-1", messageId: "m-1" }]);
  });

  test("without thread_id and message_id both are generated, fresh each time", async () => {
    api = startApi();
    const first = (await (await api.call("/api/chat/send", postJson({ text: "a" }))).json()) as {
      thread_id: string;
    };
    const second = (await (await api.call("/api/chat/send", postJson({ text: "b" }))).json()) as {
      thread_id: string;
    };
    expect(first.thread_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.thread_id).not.toBe(first.thread_id);
    const [a, b] = api.chat.sent;
    expect(a?.threadId).toBe(first.thread_id);
    expect(a?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b?.messageId).not.toBe(a?.messageId);
  });

  test("malformed JSON is a 400 with a message", async () => {
    api = startApi();
    const response = await api.call("/api/chat/send", postJson("{ not json"));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toBe("invalid_json");
    expect(body.message).toContain("not valid JSON");
    expect(api.chat.sent).toHaveLength(0);
  });

  test("a missing, empty or non-string field is a 400 naming the field", async () => {
    api = startApi();
    const cases: [unknown, string][] = [
      [{}, "text"],
      [{ text: "" }, "text"],
      [{ text: "   " }, "text"],
      [{ text: 42 }, "text"],
      [{ text: "hi", thread_id: 7 }, "thread_id"],
      [{ text: "hi", message_id: "" }, "message_id"],
      [["hi"], "object"],
    ];
    for (const [body, field] of cases) {
      const response = await api.call("/api/chat/send", postJson(body));
      expect(response.status).toBe(400);
      const answer = (await response.json()) as ErrorBody;
      expect(answer.error).toBe("invalid_request");
      expect(answer.message).toContain(field);
    }
    expect(api.chat.sent).toHaveLength(0);
  });

  test("a turn that needs approval answers 202 paused with the approval id", async () => {
    api = startApi();
    const response = await api.call("/api/chat/send", postJson({ text: "risky", thread_id: "t-2" }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      status: "paused",
      approval_id: "appr-1",
      thread_id: "t-2",
      tool: "shell",
      summary: "rm -rf /tmp/x",
      expires_at: "2030-01-01T00:00:00.000Z",
    });
  });

  test("a host notice (command reply) is the answer, marked as a notice", async () => {
    api = startApi();
    const response = await api.call("/api/chat/send", postJson({ text: "/help", thread_id: "t-3" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply: "Commands: /new, /help", thread_id: "t-3", notice: true });
  });

  test("no answer within the reply timeout is a 504; the responder keeps working afterwards", async () => {
    api = startApi({ replyTimeoutMs: 30 });
    const response = await api.call("/api/chat/send", postJson({ text: "silent", thread_id: "t-4" }));
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ error: "timeout", thread_id: "t-4" });
    const responder = api.chat.responders[0];
    responder?.onDelta("late");
    expect(await responder?.finish("late answer")).toBeUndefined();
    expect(await responder?.notice("late notice")).toBeUndefined();
  });

  test("a repeated message_id is deduped by the pipeline and ends in the reply timeout", async () => {
    api = startApi({ replyTimeoutMs: 50 });
    const first = await api.call("/api/chat/send", postJson({ text: "hi", message_id: "same" }));
    expect(first.status).toBe(200);
    const again = await api.call("/api/chat/send", postJson({ text: "hi", message_id: "same" }));
    expect(again.status).toBe(504);
    expect(api.chat.sent).toHaveLength(1);
  });

  test("a failure to hand the message over is a 500", async () => {
    api = startApi();
    const response = await api.call("/api/chat/send", postJson({ text: "boom" }));
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error).toBe("internal");
  });
});

describe("the HTTP reply responder", () => {
  test("the first answer wins; later calls are dropped and return no message ref", async () => {
    const { responder, reply } = createHttpReplyResponder("t-9");
    responder.onDelta("partial");
    expect(await responder.finish("first")).toBeUndefined();
    expect(await responder.notice("second")).toBeUndefined();
    expect(
      await responder.askApproval?.({
        approvalId: "x",
        tool: "t",
        summary: "s",
        allowAlways: true,
        expiresAt: new Date(0),
      }),
    ).toBeUndefined();
    const response = await reply;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply: "first", thread_id: "t-9" });
  });
});

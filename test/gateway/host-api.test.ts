/**
 * The API wired to a real host and database: malformed ids are 400s naming the field where the
 * database would have failed, and the limits come from configuration.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { parseByteSize } from "../../src/config-parse.ts";
import { forEachBackend } from "../support/db.ts";
import { postJson } from "./harness.ts";
import { type HostApi, startHostApi } from "./host-harness.ts";

const open: HostApi[] = [];
afterEach(async () => {
  for (const api of open.splice(0)) await api.close();
});

async function expectFieldError(response: Response, field: string): Promise<void> {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe("invalid_request");
  expect(body.message).toStartWith(field);
}

forEachBackend("the API on a real host", ({ database }) => {
  test("a NUL in an id is a 400 naming the field, not a database error", async () => {
    const api = await startHostApi(await database());
    open.push(api);
    await expectFieldError(
      await api.call("/api/approvals/appr%00x", postJson({ action: "approve" })),
      "approval id",
    );
    await expectFieldError(
      await api.call("/api/chat/send", postJson({ text: "/help", thread_id: "t\u0000" })),
      "thread_id",
    );
    await expectFieldError(
      await api.call("/api/chat/send", postJson({ text: "/help", message_id: "\u0000" })),
      "message_id",
    );
    await expectFieldError(await api.call("/api/chat/history?thread_id=%00"), "thread_id");
    // The same routes with well-formed ids reach the database and answer normally.
    expect((await api.call("/api/approvals/appr-x", postJson({ action: "approve" }))).status).toBe(404);
    expect((await api.call("/api/chat/send", postJson({ text: "/help", thread_id: "t-1" }))).status).toBe(
      200,
    );
  });

  test("GATEWAY_RATE_LIMIT and GATEWAY_MAX_BODY set the limits", async () => {
    const api = await startHostApi(await database(), {
      env: { GATEWAY_RATE_LIMIT: "2/1h", GATEWAY_MAX_BODY: "2KiB" },
    });
    open.push(api);
    const tooLarge = await api.call("/api/chat/send", postJson({ text: "x".repeat(3000) }));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { message: string }).message).toContain("2 KiB");
    for (const text of ["/help", "/status"]) {
      expect((await api.call("/api/chat/send", postJson({ text, thread_id: "t-r" }))).status).toBe(200);
    }
    const refused = await api.call("/api/chat/send", postJson({ text: "/help", thread_id: "t-r" }));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3500);
  });
});

describe("GATEWAY_MAX_BODY values", () => {
  test("sizes with binary units or plain bytes, within the bounds", () => {
    const parse = parseByteSize(1024, 64 * 1024 * 1024);
    expect(parse("1MiB")).toBe(1024 * 1024);
    expect(parse("512 KiB")).toBe(512 * 1024);
    expect(parse("2mb")).toBe(2 * 1024 * 1024);
    expect(parse("4096")).toBe(4096);
    expect(() => parse("lots")).toThrow('must be a size such as "1MiB"');
    expect(() => parse("1GiB")).toThrow('must be a size such as "1MiB"');
    expect(() => parse("10")).toThrow("must be from 1024 to 67108864 bytes");
  });
});

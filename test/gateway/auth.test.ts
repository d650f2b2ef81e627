import { afterEach, describe, expect, test } from "bun:test";
import { type ApiHarness, postJson, startApi, token } from "./harness.ts";

let api: ApiHarness;
afterEach(async () => {
  await api.gateway.stop();
});

describe("API auth", () => {
  test("a request without a token gets 401 with WWW-Authenticate", async () => {
    api = startApi();
    const response = await fetch(`${api.url}/api/approvals`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("unauthorized");
    expect(body.message).toContain("Bearer");
  });

  test("a wrong token of the same length and one of another length are both refused", async () => {
    api = startApi();
    const sameLength = `${token.slice(0, -1)}X`;
    for (const candidate of [sameLength, "short", `${token}-and-more`]) {
      const response = await api.call("/api/approvals", {
        headers: { authorization: `Bearer ${candidate}` },
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe("unauthorized");
    }
    const otherScheme = await api.call("/api/approvals", { headers: { authorization: `Basic ${token}` } });
    expect(otherScheme.status).toBe(401);
  });

  test("the right bearer token is accepted", async () => {
    api = startApi();
    const response = await api.call("/api/approvals");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ approvals: [] });
  });

  test("?token= is refused on ordinary routes", async () => {
    api = startApi();
    const list = await fetch(`${api.url}/api/approvals?token=${token}`);
    expect(list.status).toBe(401);
    const send = await fetch(`${api.url}/api/chat/send?token=${token}`, postJson({ text: "hi" }));
    expect(send.status).toBe(401);
    expect(api.chat.sent).toHaveLength(0);
  });

  test("?token= is accepted on the event stream, and a wrong one is not", async () => {
    api = startApi();
    const wrong = await fetch(`${api.url}/api/chat/events?token=nope`);
    expect(wrong.status).toBe(401);
    const abort = new AbortController();
    const response = await fetch(`${api.url}/api/chat/events?token=${token}`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    abort.abort();
  });

  test("health endpoints stay public", async () => {
    api = startApi();
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  test("unknown API paths fall through to 404; a wrong method on a known path is 405", async () => {
    api = startApi();
    const unknown = await api.call("/api/nothing-here");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe("not_found");

    const getSend = await api.call("/api/chat/send");
    expect(getSend.status).toBe(405);
    expect(getSend.headers.get("allow")).toBe("POST");
    const deleteApproval = await api.call("/api/approvals/a1", { method: "DELETE" });
    expect(deleteApproval.status).toBe(405);
    expect(deleteApproval.headers.get("allow")).toBe("POST");
    const postList = await api.call("/api/approvals", postJson({}));
    expect(postList.status).toBe(405);
  });

  test("auth is checked before the method, so strangers learn nothing from 405", async () => {
    api = startApi();
    const response = await fetch(`${api.url}/api/chat/send`);
    expect(response.status).toBe(401);
  });
});

import { afterEach, describe, expect, test } from "bun:test";
import type { TurnResult } from "../../src/gateway/api.ts";
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

const rows = [
  approvalView("a1"),
  approvalView("a2", { tool: "send_email" }),
  approvalView("a3", { status: "approved", decision: "approve", decidedBy: "owner" }),
  approvalView("a4", { status: "expired", decision: "expire" }),
];

describe("GET /api/approvals", () => {
  test("lists all approvals, or those with the given status", async () => {
    api = startApi({}, { rows });
    const all = (await (await api.call("/api/approvals")).json()) as { approvals: { id: string }[] };
    expect(all.approvals.map((row) => row.id)).toEqual(["a1", "a2", "a3", "a4"]);

    const pending = await api.call("/api/approvals?status=pending");
    expect(pending.status).toBe(200);
    const body = (await pending.json()) as { approvals: { id: string; status: string }[] };
    expect(body.approvals.map((row) => row.id)).toEqual(["a1", "a2"]);
    expect(body.approvals[0]).toEqual(rows[0] as never);

    const expired = (await (await api.call("/api/approvals?status=expired")).json()) as {
      approvals: unknown[];
    };
    expect(expired.approvals).toHaveLength(1);
  });

  test("an unknown status is a 400", async () => {
    api = startApi({}, { rows });
    const response = await api.call("/api/approvals?status=maybe");
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).message).toContain("status");
  });
});

describe("POST /api/approvals/{id}", () => {
  test("approving decides as the API actor and answers with the resumed turn's result", async () => {
    api = startApi({}, { rows });
    const response = await api.call("/api/approvals/a1", postJson({ action: "approve" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: "a1",
      outcome: "approved",
      turn: { status: "completed", reply: "ran shell" },
    });
    expect(api.approvals.actors).toEqual([
      { id: "a1", decision: "approve", actor: { channel: "api", userId: "api" } },
    ]);
    const pending = (await (await api.call("/api/approvals?status=pending")).json()) as {
      approvals: { id: string }[];
    };
    expect(pending.approvals.map((row) => row.id)).toEqual(["a2"]);
  });

  test("deny and always report their outcome", async () => {
    api = startApi({}, { rows });
    const denied = await api.call("/api/approvals/a1", postJson({ action: "deny" }));
    expect(await denied.json()).toMatchObject({ outcome: "denied", turn: { status: "completed" } });
    const always = await api.call("/api/approvals/a2", postJson({ action: "always" }));
    expect(await always.json()).toMatchObject({ id: "a2", outcome: "always" });
  });

  test("a second decision on the same approval is a 409", async () => {
    api = startApi({}, { rows });
    expect((await api.call("/api/approvals/a1", postJson({ action: "approve" }))).status).toBe(200);
    const again = await api.call("/api/approvals/a1", postJson({ action: "deny" }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error).toBe("already_decided");
  });

  test("each refusal maps to its status code with the service's message", async () => {
    api = startApi({}, { rows, mandatoryTools: ["send_email"], tampered: ["a1"] });
    const cases: [string, string, number, string][] = [
      ["missing", "approve", 404, "not_found"],
      ["a4", "approve", 409, "expired"],
      ["a2", "always", 400, "always_not_allowed"],
      ["a1", "approve", 409, "fingerprint_mismatch"],
    ];
    for (const [id, action, status, reason] of cases) {
      const response = await api.call(`/api/approvals/${id}`, postJson({ action }));
      expect(response.status).toBe(status);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toBe(reason);
      expect(body.message.length).toBeGreaterThan(0);
    }
  });

  test("an actor who is not the owner is a 403", async () => {
    api = startApi({}, { rows, ownerChannels: ["telegram"] });
    const response = await api.call("/api/approvals/a1", postJson({ action: "approve" }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error).toBe("forbidden");
  });

  test("malformed JSON and bad actions are 400s and decide nothing", async () => {
    api = startApi({}, { rows });
    const malformed = await api.call("/api/approvals/a1", postJson("{"));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error).toBe("invalid_json");
    for (const body of [{ action: "maybe" }, {}, { action: 1 }]) {
      const response = await api.call("/api/approvals/a1", postJson(body));
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error).toBe("invalid_action");
    }
    expect(api.approvals.actors).toHaveLength(0);
  });

  test("a turn still running at the deadline is reported as running", async () => {
    api = startApi({ replyTimeoutMs: 30 }, { rows, resume: () => new Promise<TurnResult>(() => {}) });
    const response = await api.call("/api/approvals/a1", postJson({ action: "approve" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: "a1", outcome: "approved", turn: { status: "running" } });
  });

  test("a resumed turn that throws is reported as failed", async () => {
    api = startApi({}, { rows, resume: () => Promise.reject(new Error("tool crashed")) });
    const response = await api.call("/api/approvals/a1", postJson({ action: "approve" }));
    expect(await response.json()).toMatchObject({ turn: { status: "failed", message: "tool crashed" } });
  });

  test("the id is taken from the path, URL-decoded", async () => {
    api = startApi({}, { rows: [approvalView("id with space")] });
    const response = await api.call("/api/approvals/id%20with%20space", postJson({ action: "approve" }));
    expect(response.status).toBe(200);
    expect(api.approvals.actors[0]?.id).toBe("id with space");
  });
});

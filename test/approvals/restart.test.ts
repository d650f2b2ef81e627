/**
 * The real process, killed with SIGKILL while a turn waits for approval: after a restart the
 * approval is still pending, deciding it over the HTTP API runs the stored call, and the turn's
 * answer comes back. Expiries that fell due while the process was down are applied at start-up.
 */
import { afterAll, expect, test } from "bun:test";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { childEnv, gatewayApi, runCli, startAssistant, temporaryHome } from "../support/cli.ts";
import { sentMessages } from "../support/llm-requests.ts";

const token = "test-gateway-token-0123456789";
const llm = startOpenAiFake();
const hits: string[] = [];
const target = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (request) => {
    hits.push(new URL(request.url).pathname);
    return new Response("inventory: 3 widgets");
  },
});

afterAll(async () => {
  await llm.close();
  await target.stop(true);
});

function envFor(home: string, extra: Record<string, string> = {}) {
  return childEnv({
    IRONCLAW_HOME: home,
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "gpt-test",
    GATEWAY_AUTH_TOKEN: token,
    HTTP_ALLOW_HOSTS: "127.0.0.1",
    ...extra,
  });
}

const api = (base: string, path: string, body?: unknown) => gatewayApi(base, token, path, body);

const fetchCall = () => ({
  toolCalls: [
    {
      id: "h1",
      name: "http_request",
      arguments: JSON.stringify({ method: "GET", url: `http://127.0.0.1:${target.port}/stock` }),
    },
  ],
});

test("SIGKILL while awaiting approval: after restart, approving resumes the turn and the answer arrives", async () => {
  const home = temporaryHome();
  const first = startAssistant(envFor(home));
  const base = (await first.waitFor(/gateway=(http:\/\/\S+)/))[1] as string;
  llm.enqueue(fetchCall());
  const paused = await api(base, "/api/chat/send", { text: "how many widgets?" });
  expect(paused.status).toBe(202);
  expect(paused.body.status).toBe("paused");
  const approvalId = paused.body.approval_id as string;
  const killed = await first.stop("SIGKILL");
  expect(killed.exitCode).not.toBe(0);
  expect(hits).toEqual([]);

  const second = startAssistant(envFor(home));
  const base2 = (await second.waitFor(/gateway=(http:\/\/\S+)/))[1] as string;
  const pending = await api(base2, "/api/approvals?status=pending");
  expect((pending.body.approvals as { id: string; tool: string }[]).map((row) => [row.id, row.tool])).toEqual(
    [[approvalId, "http_request"]],
  );
  llm.enqueue({ text: "You have 3 widgets." });
  const decided = await api(base2, `/api/approvals/${approvalId}`, { action: "approve" });
  expect(decided.status).toBe(200);
  expect(decided.body.turn).toEqual({ status: "completed", reply: "You have 3 widgets." });
  expect(hits).toEqual(["/stock"]);
  const toolMessage = sentMessages(llm.requests.at(-1)).find((m) => m.role === "tool");
  expect(toolMessage?.content).toContain("inventory: 3 widgets");

  const again = await api(base2, `/api/approvals/${approvalId}`, { action: "approve" });
  expect(again.status).toBe(409);
  expect(hits).toEqual(["/stock"]);
  await second.stop();

  // The audit trail: who decided, when, and through what.
  const audit = await runCli(["approvals", "list"], envFor(home));
  expect(audit.exitCode).toBe(0);
  expect(audit.stdout).toContain(approvalId);
  expect(audit.stdout).toMatch(/approved +http_request .* approve by api via api at \d{4}-/);
}, 60_000);

test("an approval that expired while the process was down is applied at start-up", async () => {
  const home = temporaryHome();
  const env = envFor(home, { APPROVAL_TIMEOUT: "1s" });
  const first = startAssistant(env);
  const base = (await first.waitFor(/gateway=(http:\/\/\S+)/))[1] as string;
  llm.enqueue(fetchCall());
  const paused = await api(base, "/api/chat/send", { text: "check stock" });
  expect(paused.status).toBe(202);
  await first.stop("SIGKILL");
  await Bun.sleep(1200);

  llm.enqueue({ text: "The request expired, so I did not check." });
  const second = startAssistant(env);
  await second.waitFor(/approval expired/);
  const base2 = (await second.waitFor(/gateway=(http:\/\/\S+)/))[1] as string;
  const all = await api(base2, "/api/approvals");
  expect((all.body.approvals as { status: string }[])[0]?.status).toBe("expired");
  await second.waitFor(/turn completed/);
  const toolMessage = sentMessages(llm.requests.at(-1)).find((m) => m.role === "tool");
  expect(toolMessage?.content).toContain("expired without a decision");
  await second.stop();
}, 60_000);

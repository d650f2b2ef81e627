/**
 * "Check before asking": a call the tool would refuse anyway (http_request to a loopback
 * address that HTTP_ALLOW_HOSTS does not name) comes back to the model as an error at once;
 * no approval is stored and the owner is not asked. A call that passes the check still asks,
 * and is checked again when it runs.
 */
import { afterEach, expect, test } from "bun:test";
import { approvals, toolCalls } from "../../src/db/schema/index.ts";
import { createToolPorts } from "../../src/plugin/ports/index.ts";
import { createHttpRequestTool } from "../../tools/http-request/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

/** The host's ports with fakes at the network edge: public DNS for api.example, a recording fetch. */
function httpPorts(fetched: string[]) {
  return createToolPorts({
    allowHosts: [],
    lookup: async (hostname) => (hostname === "api.example" ? [{ address: "93.184.216.34", family: 4 }] : []),
    fetch: async (url) => {
      fetched.push(url.href);
      return new Response("public answer", { headers: { "content-type": "text/plain" } });
    },
  });
}

function httpHarness(handle: Parameters<typeof startHostHarness>[0], fetched: string[]) {
  return startHostHarness(handle, {
    tools: [createHttpRequestTool()],
    overrides: { toolPorts: httpPorts(fetched) },
  });
}

const callHttp = (url: string) => ({
  toolCalls: [{ id: "h1", name: "http_request", arguments: JSON.stringify({ method: "GET", url }) }],
});

forEachBackend("pre-approval checks", ({ database }) => {
  test("a request the SSRF policy refuses fails at once: no approval, no prompt, no connection", async () => {
    const handle = await database();
    const fetched: string[] = [];
    const h = await httpHarness(handle, fetched);
    open.push(h);
    h.llmServer.enqueue(callHttp("http://127.0.0.1:9/admin"), { text: "That address is not allowed." });
    await h.channel.deliver("open http://127.0.0.1:9/admin");
    await h.channel.waitFor(() => h.channel.texts().includes("That address is not allowed."));

    expect(h.channel.sent.some((message) => message.prompt || message.text.startsWith("Approval"))).toBe(
      false,
    );
    expect(await handle.db.select().from(approvals)).toHaveLength(0);
    expect(fetched).toEqual([]);
    const tool = sentMessages(h.llmServer.requests[1]).find((message) => message.role === "tool");
    expect(tool?.content).toContain("Refused to connect to 127.0.0.1: it is a loopback address");
    const [recorded] = await handle.db.select().from(toolCalls);
    expect(recorded?.status).toBe("failed");
  });

  test("a request that passes the check still asks the owner, and runs after approval", async () => {
    const handle = await database();
    const fetched: string[] = [];
    const h = await httpHarness(handle, fetched);
    open.push(h);
    h.llmServer.enqueue(callHttp("https://api.example/status"), { text: "The API answered." });
    await h.channel.deliver("check the API");
    await h.channel.waitFor(() => h.channel.sent.some((message) => message.prompt?.tool === "http_request"));
    expect(fetched).toEqual([]);

    const prompt = h.channel.sent.find((message) => message.prompt)?.prompt;
    expect(prompt?.allowAlways).toBe(true);
    await h.channel.press(prompt?.approvalId ?? "", "approve");
    await h.channel.waitFor(() => h.channel.texts().includes("The API answered."));
    expect(fetched).toEqual(["https://api.example/status"]);
  });
});

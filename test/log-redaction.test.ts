/**
 * The whole process, as the owner runs it: start-up hands the configured secrets to the logger,
 * so a key the LLM server echoes back never shows in the `turn failed` line (or any other).
 */
import { afterAll, expect, test } from "bun:test";
import { redactionMarker } from "../src/log-redact.ts";
import { startOpenAiFake } from "./fakes/llm/openai-fake.ts";
import { childEnv, startAssistant, temporaryHome } from "./support/cli.ts";

const apiKey = "sk-proj-Zq8vX2kLm4Np6Rt9";
const gatewayToken = "gateway-token-for-the-test-0042";
const llm = startOpenAiFake({ apiKey });
afterAll(() => llm.close());

test("a key echoed in a 401 body is redacted in the running assistant's log", async () => {
  llm.enqueue({ fault: "unauthorized", echoKey: true });
  const assistant = startAssistant(
    childEnv({
      IRONCLAW_HOME: temporaryHome(),
      OPENAI_API_KEY: apiKey,
      OPENAI_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: "gpt-test",
      GATEWAY_AUTH_TOKEN: gatewayToken,
      HEARTBEAT_ENABLED: "false",
    }),
  );
  try {
    const url = (await assistant.waitFor(/INFO +ready gateway=(http:\/\/\S+)/))[1] as string;
    const sent = await fetch(`${url}/api/chat/send`, {
      method: "POST",
      headers: { authorization: `Bearer ${gatewayToken}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "hello" }),
    });
    await sent.body?.cancel();
    const line = (await assistant.waitFor(/WARN +turn failed.*/))[0];
    expect(line).toContain(`Incorrect API key provided: ${redactionMarker}`);
    expect(llm.requests.at(-1)?.headers.authorization).toBe(`Bearer ${apiKey}`); // it was sent
  } finally {
    const { output } = await assistant.stop("SIGTERM");
    expect(output).not.toContain(apiKey);
    expect(output).not.toContain(gatewayToken);
  }
}, 60_000);

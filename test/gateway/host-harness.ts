/**
 * The real API on a real host: the host harness (real pipeline, agent, approvals, a test
 * database, the fake OpenAI server) with the `api` surface on a thread feed, and a gateway
 * mounting `createHostApiRoutes` the way app.ts does. The host starts (and recovers what the
 * database holds) before the gateway, as in the real process.
 */
import type { DatabaseHandle } from "../../src/db/client.ts";
import { createHostApiRoutes } from "../../src/gateway/host-api.ts";
import { type Gateway, startGateway } from "../../src/gateway/server.ts";
import { createThreadFeed } from "../../src/gateway/thread-feed.ts";
import { silentLogger } from "../../src/log.ts";
import type { Script } from "../fakes/llm/scripted-server.ts";
import { startHostHarness } from "../support/host.ts";
import { token } from "./harness.ts";

export interface HostApiHarnessOptions {
  env?: Record<string, string>;
  script?: Script[];
}

export async function startHostApi(database: DatabaseHandle, options: HostApiHarnessOptions = {}) {
  const feed = createThreadFeed();
  const harness = await startHostHarness(database, {
    env: { GATEWAY_AUTH_TOKEN: token, ...options.env },
    script: options.script,
    overrides: { surfaces: { api: (conversation) => feed.responderFor(conversation.chatId) } },
  });
  const gateway: Gateway = startGateway({
    host: "127.0.0.1",
    port: 0,
    log: silentLogger,
    readiness: async () => ({ ok: true, checks: {} }),
    maxBodyBytes: harness.config.gateway.maxBodyBytes,
    routes: createHostApiRoutes({
      host: harness.host,
      db: database.db,
      config: harness.config,
      feed,
      log: silentLogger,
    }),
  });
  return {
    ...harness,
    feed,
    gateway,
    call(path: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      return fetch(`${gateway.url}${path}`, { ...init, headers });
    },
    async close() {
      await gateway.stop();
      await harness.close();
    },
  };
}

export type HostApi = Awaited<ReturnType<typeof startHostApi>>;

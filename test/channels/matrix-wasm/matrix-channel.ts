/**
 * Loads the Matrix WASM channel the way the host does, for tests: built from
 * channels/matrix-wasm/matrix-wasm.ts by the production builder (once per test process — the
 * build takes seconds), its manifest parsed by the host's parser, run by the real channel
 * runtime with the real state store on the test database, the real secret store and credential
 * injector (the access token is stored as `matrix_access_token` and mapped as the manifest
 * grants it) and the host's guarded HTTP port. The only fake is the network edge: requests for
 * matrix.example.org go to the fake homeserver on loopback, headers and all.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "../../../src/db/client.ts";
import { createDatabaseChannelStateStore } from "../../../src/db/wasm-channel-state.ts";
import { type Logger, silentLogger } from "../../../src/log.ts";
import type { Channel } from "../../../src/plugin/channel.ts";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import { createStoreSecretsPort } from "../../../src/plugin/ports/secrets-port.ts";
import { buildWasmChannel } from "../../../src/plugin/wasm/build/index.ts";
import { createWasmChannelRuntime } from "../../../src/plugin/wasm/channel-host.ts";
import type { WasmChannelArtifact, WasmChannelManifest } from "../../../src/plugin/wasm/contract.ts";
import { ensureGrantMappings } from "../../../src/plugin/wasm/credential-grants.ts";
import { parseChannelManifest } from "../../../src/plugin/wasm/manifest-channel.ts";
import { createCredentialInjector } from "../../../src/secrets/injector.ts";
import { createSecretStore } from "../../../src/secrets/store.ts";
import type { MatrixFake } from "../../fakes/matrix/matrix-fake.ts";

const folder = join(import.meta.dir, "../../../channels/matrix-wasm");
export const homeserverHost = "matrix.example.org";

let build: Promise<WasmChannelArtifact> | undefined;
/** One prepared-component cache per test process: preparing (transpile, meter) takes seconds. */
const cacheDir = mkdtempSync(join(tmpdir(), "ironclaw-matrix-wasm-cache-"));
process.once("exit", () => rmSync(cacheDir, { recursive: true, force: true }));

/** The channel built from source with its manifest (once per test process). */
export function buildMatrixArtifact(): Promise<WasmChannelArtifact> {
  build ??= (async () => {
    const manifestPath = join(folder, "matrix-wasm.capabilities.json");
    const manifest = parseChannelManifest(await Bun.file(manifestPath).json(), manifestPath);
    const built = await buildWasmChannel({
      source: await Bun.file(join(folder, "matrix-wasm.ts")).text(),
      language: "ts",
    });
    if (!built.ok) throw new Error(`matrix-wasm does not build: ${built.error}`);
    return { name: manifest.name, component: built.component, sha256: built.sha256, manifest };
  })();
  return build;
}

/** `fetch` for the HTTP port: matrix.example.org is the fake; every other host is unreachable. */
export function routeToMatrixFake(fake: MatrixFake) {
  return {
    fetch: (url: URL, init?: RequestInit) => {
      if (url.hostname !== homeserverHost)
        return Promise.reject(new Error(`test network: no route to ${url.host}`));
      return fetch(`${fake.url}${url.pathname}${url.search}`, { ...init, redirect: "manual" });
    },
    lookup: async (_hostname: string) => [{ address: "93.184.216.34", family: 4 }],
  };
}

export interface MatrixChannelOptions {
  fake: MatrixFake;
  handle: DatabaseHandle;
  log?: Logger;
  /** The token stored as `matrix_access_token`; default the fake's (undefined: none stored). */
  token?: string | null;
  /** Changes to the manifest's `config` (e.g. a shorter long-poll). */
  config?: Record<string, unknown>;
}

/** Makes loaders for one database: each `load()` is one host start's channel instance. */
export async function createMatrixChannelLoader(options: MatrixChannelOptions) {
  const log = options.log ?? silentLogger;
  const home = mkdtempSync(join(tmpdir(), "ironclaw-matrix-wasm-"));
  const { db } = options.handle;
  const store = createSecretStore({ db, home, environmentKey: "m".repeat(40) });
  const artifact = await buildMatrixArtifact();
  const manifest: WasmChannelManifest = {
    ...artifact.manifest,
    config: { ...artifact.manifest.config, ...options.config },
  };
  const token = options.token === undefined ? options.fake.accessToken : options.token;
  if (token !== null) await store.set("matrix_access_token", token);
  await ensureGrantMappings(db, manifest.credentials);
  const ports = createToolPorts({
    ...routeToMatrixFake(options.fake),
    credentials: createCredentialInjector({ db, store, log }),
    secrets: createStoreSecretsPort(store.exists),
  });
  const runtime = createWasmChannelRuntime({
    cacheDir: join(home, "cache"),
    cacheKey: new Uint8Array(32).fill(9),
    log,
  });
  return {
    manifest,
    async load(): Promise<Channel> {
      return runtime.load(
        { ...artifact, manifest },
        {
          state: createDatabaseChannelStateStore(db),
          http: ports.http,
          secrets: ports.secrets,
          revealSecret: (name) => store.reveal(name),
          log,
        },
      );
    },
    async close(): Promise<void> {
      await runtime.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

// The Matrix channel the way the owner runs it: built from source, installed through the install
// path (review → commit, which maps the stored token to the homeserver), loaded at start by the
// host's own wiring (src/host/wasm-channels.ts) with the manifest's owner_id, and talking to the
// fake homeserver through the host's HTTP port. The owner is answered, a stranger is not, and
// the token is only ever on the wire to the homeserver.
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostToolNames } from "../../../src/host/host-tool-names.ts";
import { createInstalledChannelSet } from "../../../src/host/wasm-setup.ts";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import { createStoreSecretsPort } from "../../../src/plugin/ports/secrets-port.ts";
import { commitInstall, installWasmPlugin } from "../../../src/plugin/wasm/install.ts";
import { createCredentialInjector } from "../../../src/secrets/injector.ts";
import { createSecretStore } from "../../../src/secrets/store.ts";
import { forEachBackend } from "../../support/db.ts";
import { startHostHarness } from "../../support/host.ts";
import { buildMatrixArtifact, routeToMatrixFake } from "./matrix-channel.ts";
import {
  captureLog,
  chatOf,
  closeAfterEach,
  matrixTestTimeout,
  owner,
  startHomeserver,
  stranger,
  waitForChat,
} from "./matrix-host.ts";
import { untilListening } from "./matrix-platform.ts";

closeAfterEach();
const manifestPath = join(import.meta.dir, "../../../channels/matrix-wasm/matrix-wasm.capabilities.json");

forEachBackend("matrix-wasm: installed", ({ database }) => {
  test(
    "installed with owner_id and loaded by the host: the owner is answered, a stranger never reaches the model",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const captured = captureLog();
      const home = mkdtempSync(join(tmpdir(), "ironclaw-matrix-installed-"));
      const store = createSecretStore({ db: handle.db, home, environmentKey: "i".repeat(40) });
      await store.set("matrix_access_token", fake.accessToken);
      const artifact = await buildMatrixArtifact();
      const manifest = { ...(await Bun.file(manifestPath).json()), owner_id: owner };
      const review = await installWasmPlugin({
        db: handle.db,
        bytes: artifact.component,
        manifest,
        manifestSource: "matrix-wasm.capabilities.json",
        reservedNames: hostToolNames(),
      });
      await commitInstall(handle.db, review, hostToolNames());

      const harness = await startHostHarness(handle, {
        owner: false,
        channels: [],
        script: [{ text: "Hello from the installed channel." }],
        overrides: {
          log: captured.log,
          secretStore: store,
          wasmChannels: createInstalledChannelSet({
            home,
            db: handle.db,
            log: captured.log,
            revealSecret: (name) => store.reveal(name),
          }),
          toolPorts: createToolPorts({
            ...routeToMatrixFake(fake),
            credentials: createCredentialInjector({ db: handle.db, store, log: captured.log }),
            secrets: createStoreSecretsPort(store.exists),
          }),
        },
      });
      try {
        await untilListening(fake);
        fake.sendDm(stranger, "let me in");
        fake.sendDm(owner, "hello");
        await waitForChat(fake, owner, (shown) => shown.includes("Hello from the installed channel."));
        await untilListening(fake);
        await harness.host.queue.drain();
        expect(harness.llmServer.requests).toHaveLength(1);
        expect(JSON.stringify(harness.llmServer.requests[0]?.body)).not.toContain("let me in");
        expect(chatOf(fake, stranger)).toEqual([]); // owner_id is set: no pairing code either
        for (const request of fake.requests) expect(request.authorization).toBe(`Bearer ${fake.accessToken}`);
        expect(captured.text()).not.toContain(fake.accessToken);
      } finally {
        await harness.close();
      }
    },
    matrixTestTimeout,
  );
});

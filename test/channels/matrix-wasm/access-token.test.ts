// The access token is the host's: it is stored in the secret store, injected as the bearer for
// the homeserver by the host's HTTP port, and appears nowhere the guest can see or write — its
// state, what it emits, the host's log. Without a stored token nothing reaches the homeserver
// and the channel's health says what to run; a wrong token is reported the same way.
import { expect, test } from "bun:test";
import { listChannelState } from "../../../src/db/wasm-channel-state.ts";
import { until } from "../../contracts/contract-support.ts";
import { forEachBackend } from "../../support/db.ts";
import {
  captureLog,
  closeAfterEach,
  createLoader,
  matrixTestTimeout,
  owner,
  startHomeserver,
  startMatrixHost,
  waitForChat,
} from "./matrix-host.ts";
import { untilListening } from "./matrix-platform.ts";

closeAfterEach();

forEachBackend("matrix-wasm: the access token", ({ database }) => {
  test(
    "every request carries the injected bearer; state, messages and the log never hold the token",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const captured = captureLog();
      const loader = await createLoader({ fake, handle, log: captured.log });
      const host = await startMatrixHost({
        loader,
        handle,
        log: captured.log,
        script: [{ text: "Hi there." }],
      });
      await untilListening(fake);
      fake.sendDm(owner, "hello");
      await waitForChat(fake, owner, (shown) => shown.includes("Hi there."));
      await host.host.queue.drain();
      expect(fake.requests.length).toBeGreaterThan(3);
      for (const request of fake.requests) expect(request.authorization).toBe(`Bearer ${fake.accessToken}`);
      const state = [...(await listChannelState(handle.db, "matrix-wasm")).entries()];
      expect(state.map(([key]) => key)).toContain("cursor");
      expect(JSON.stringify(state)).not.toContain(fake.accessToken);
      expect(captured.text()).not.toContain(fake.accessToken);
      expect(JSON.stringify(host.llmServer.requests)).not.toContain(fake.accessToken);
      expect(fake.requests.some((request) => request.body.includes(fake.accessToken))).toBe(false);
    },
    matrixTestTimeout,
  );

  test(
    "no stored token: nothing reaches the homeserver and health says to set it",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle, token: null });
      const host = await startMatrixHost({ loader, handle });
      await until(
        () => host.channel.health?.().ok === false,
        () => `health stayed ${JSON.stringify(host.channel.health?.())}`,
      );
      expect(host.channel.health?.().detail).toContain("ironclaw secrets set matrix_access_token");
      expect(fake.requests).toEqual([]);
    },
    matrixTestTimeout,
  );

  test(
    "a wrong token: the homeserver's M_UNKNOWN_TOKEN shows in health",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle, token: "syt_not_the_right_token_0000000000" });
      const host = await startMatrixHost({ loader, handle });
      await until(
        () => host.channel.health?.().ok === false,
        () => `health stayed ${JSON.stringify(host.channel.health?.())}`,
      );
      expect(host.channel.health?.().detail).toContain("M_UNKNOWN_TOKEN");
      expect(fake.requests.at(-1)?.status).toBe(401);
    },
    matrixTestTimeout,
  );
});

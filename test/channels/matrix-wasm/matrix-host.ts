/**
 * A real host (agent, pipeline, approvals, database) running the Matrix WASM channel against the
 * fake homeserver, for the Matrix-specific tests: the owner is the recorded identity pairing
 * leaves, the log can be captured (to prove the token never reaches it), and closing a host and
 * starting another on the same loader and database is a restart.
 */
import { afterEach, beforeAll } from "bun:test";
import type { DatabaseHandle } from "../../../src/db/client.ts";
import { setOwnerIdentity } from "../../../src/db/identities.ts";
import { createLogger, type Logger } from "../../../src/log.ts";
import type { Tool } from "../../../src/plugin/tool.ts";
import { until } from "../../contracts/contract-support.ts";
import type { Script } from "../../fakes/llm/scripted-server.ts";
import { type MatrixFake, startMatrixFake } from "../../fakes/matrix/matrix-fake.ts";
import { startHostHarness } from "../../support/host.ts";
import {
  buildMatrixArtifact,
  createMatrixChannelLoader,
  type MatrixChannelOptions,
} from "./matrix-channel.ts";
import { matrixUsers } from "./matrix-platform.ts";

export const owner = matrixUsers.owner;
export const stranger = matrixUsers.stranger;

type Loader = Awaited<ReturnType<typeof createMatrixChannelLoader>>;

/** Per test: a real host, a WASM channel and a homeserver take a while on a busy machine. */
export const matrixTestTimeout = 90_000;

const cleanups: (() => Promise<void>)[] = [];
/**
 * Builds the channel once before the file's tests (seconds; a build cut short by a test's
 * timeout would fail them all) and tears down after each test: hosts, then loaders, then fakes.
 */
export function closeAfterEach(): void {
  beforeAll(() => buildMatrixArtifact(), 180_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
}

/** A fake homeserver closed after the test. */
export function startHomeserver(): MatrixFake {
  const fake = startMatrixFake();
  cleanups.push(() => fake.close());
  return fake;
}

/** A captured JSON log (every line the host and the channel runtime write). */
export function captureLog(): { log: Logger; text(): string } {
  const lines: string[] = [];
  return {
    log: createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) }),
    text: () => lines.join("\n"),
  };
}

export async function createLoader(options: MatrixChannelOptions): Promise<Loader> {
  const loader = await createMatrixChannelLoader(options);
  cleanups.push(() => loader.close());
  return loader;
}

export interface MatrixHostOptions {
  loader: Loader;
  handle: DatabaseHandle;
  script?: Script[];
  tools?: Tool[];
  log?: Logger;
  /** Record the owner (default true); false leaves the channel to pairing. */
  paired?: boolean;
}

/** Starts a host with a fresh instance of the channel; `close()` is the process stopping. */
export async function startMatrixHost(options: MatrixHostOptions) {
  if (options.paired !== false)
    await setOwnerIdentity(options.handle.db, {
      channel: "matrix-wasm",
      externalUserId: owner,
      source: "pairing",
    });
  const channel = await options.loader.load();
  const harness = await startHostHarness(options.handle, {
    owner: false,
    channels: [channel],
    script: options.script,
    tools: options.tools,
    overrides: options.log ? { log: options.log } : {},
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await harness.close();
  };
  cleanups.push(close);
  return { ...harness, channel, close };
}

/** The bot's visible message texts in `userId`'s DM room. */
export function chatOf(fake: MatrixFake, userId: string): string[] {
  const roomId = fake.dmRoomOf(userId);
  return roomId
    ? fake
        .botMessages(roomId)
        .filter((message) => !message.redacted)
        .map((message) => message.text)
    : [];
}

export const waitForChat = (fake: MatrixFake, userId: string, predicate: (shown: string[]) => boolean) =>
  until(
    () => predicate(chatOf(fake, userId)),
    () => `chat shows ${JSON.stringify(chatOf(fake, userId))}`,
  );

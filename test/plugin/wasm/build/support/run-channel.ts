/**
 * Runs a built channel component in this process, for the builder's tests: the real jco
 * transpiles it, the glue is instantiated against a scriptable host (`ironclaw:plugin/host` from
 * run-component.ts's shape plus `channel-host`: emits and state recorded, refusals scriptable).
 * No sandbox and no buffering (that is the channel runtime's job); this checks what the channel
 * entry and module make of the author's exports.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";

export interface FakeChannelHost {
  readonly logs: Array<[string, string]>;
  readonly messages: unknown[];
  readonly actions: unknown[];
  readonly state: Map<string, string>;
  readonly httpCalls: Array<{ method: string; url: string; body: string }>;
  /** When set, emit-message answers err with this reason. */
  refuseEmits?: string;
  nowMillis: number;
}

/** The exports as jco's glue gives them; a `result` err is thrown as `{ payload }`. */
export interface ChannelExports {
  onStart(configJson: string): unknown;
  onHttpRequest(request: unknown): { status: number; headersJson: string; body: Uint8Array };
  onPoll(): void;
  onRespond(message: unknown): { chatId: string; messageId: string };
  onEdit(ref: unknown, message: unknown): void;
  onApproval(prompt: unknown): unknown;
  onStatus(chatId: string, status: string): void;
  onActionResult(actionId: string, chatId: string, senderId: string, notice: string): void;
  onShutdown(): void;
}

export interface RunnableChannel {
  readonly exports: ChannelExports;
  readonly host: FakeChannelHost;
}

/** The channel-failure a call threw (jco wraps a result's err in `{ payload }`). */
export function failureOf(call: () => unknown): { message: string; retryAfterMs?: number } {
  try {
    call();
  } catch (error) {
    const payload = (error as { payload?: { message: string; retryAfterMs?: number } }).payload;
    if (payload) return payload;
    throw error;
  }
  throw new Error("the call succeeded");
}

export async function instantiateChannel(component: Uint8Array): Promise<RunnableChannel> {
  const { files } = await transpile(component, { name: "channel", instantiation: "sync", quiet: true });
  const folder = await mkdtemp(join(tmpdir(), "ironclaw-channel-test-"));
  for (const [name, bytes] of Object.entries(files)) await Bun.write(join(folder, name), bytes);
  await writeFile(join(folder, "package.json"), '{"type":"module"}');
  const glue = (await import(join(folder, "channel.js"))) as {
    instantiate(
      getCore: (name: string) => WebAssembly.Module,
      imports: Record<string, unknown>,
    ): ChannelExports;
  };
  const host: FakeChannelHost = {
    logs: [],
    messages: [],
    actions: [],
    state: new Map(),
    httpCalls: [],
    nowMillis: 1_700_000_000_000,
  };
  const imports = {
    "ironclaw:plugin/host": {
      log: (level: string, message: string) => host.logs.push([level, message]),
      nowMillis: () => BigInt(host.nowMillis),
      randomBytes: (length: number) => crypto.getRandomValues(new Uint8Array(length)),
      workspaceRead: () => {
        throw "no workspace in this test";
      },
      httpRequest: (method: string, url: string, _headers: string, body: Uint8Array | undefined) => {
        host.httpCalls.push({ method, url, body: new TextDecoder().decode(body ?? new Uint8Array()) });
        return { status: 201, headersJson: "{}", body: new Uint8Array() };
      },
      secretExists: () => false,
    },
    "ironclaw:plugin/channel-host": {
      emitMessage: (message: unknown) => {
        if (host.refuseEmits) throw host.refuseEmits;
        host.messages.push(message);
      },
      emitAction: (action: unknown) => {
        host.actions.push(action);
      },
      stateRead: (key: string) => host.state.get(key),
      stateWrite: (key: string, value: string | undefined) => {
        if (value === undefined) host.state.delete(key);
        else host.state.set(key, value);
      },
    },
    "ironclaw:plugin/channel-types": {},
  };
  const getCore = (name: string) => new WebAssembly.Module(files[name] as Uint8Array<ArrayBuffer>);
  return { exports: glue.instantiate(getCore, imports), host };
}

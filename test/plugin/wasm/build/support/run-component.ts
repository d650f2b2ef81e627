/**
 * Runs a built component in this process, for the builder's tests: jco transpiles it (the real
 * jco, as the runtime does), the glue is imported from a temp folder and instantiated against a
 * scriptable host. No sandbox here (that is the runtime's job); this checks what the builder and
 * the prelude produce.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";

export interface FakeHttpCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | null;
  readonly timeoutMs: number;
}

export interface FakeHost {
  readonly logs: Array<[string, string]>;
  readonly httpCalls: FakeHttpCall[];
  nowMillis: number;
  /** Answers an HTTP call, or throws `{ kind, message }` for an http-failure. */
  http: (call: FakeHttpCall) => { status: number; headers: Record<string, string>; body: string };
  secrets: Set<string>;
  files: Map<string, string>;
}

export interface RunnableTool {
  description(): string;
  schema(): string;
  /** The execute export: resolves to the ok string, or throws with the tool-failure message. */
  execute(params: unknown, context?: unknown): string;
  readonly host: FakeHost;
}

export async function instantiateTool(component: Uint8Array): Promise<RunnableTool> {
  const { files } = await transpile(component, { name: "tool", instantiation: "sync", quiet: true });
  const folder = await mkdtemp(join(tmpdir(), "ironclaw-build-test-"));
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(folder, name);
    await Bun.write(path, bytes);
  }
  await writeFile(join(folder, "package.json"), '{"type":"module"}');
  const glue = (await import(join(folder, "tool.js"))) as {
    instantiate(getCore: (name: string) => WebAssembly.Module, imports: Record<string, unknown>): ToolExports;
  };
  const host: FakeHost = {
    logs: [],
    httpCalls: [],
    nowMillis: 1_700_000_000_000,
    http: () => {
      throw { kind: "network-denied", message: "no allowlist in this test" };
    },
    secrets: new Set(),
    files: new Map(),
  };
  const imports = {
    "ironclaw:plugin/host": {
      log: (level: string, message: string) => host.logs.push([level, message]),
      nowMillis: () => BigInt(host.nowMillis),
      randomBytes: (length: number) => crypto.getRandomValues(new Uint8Array(length)),
      workspaceRead: (path: string) => {
        const text = host.files.get(path);
        if (text === undefined) throw `no such file: ${path}`;
        return text;
      },
      httpRequest: (
        method: string,
        url: string,
        headersJson: string,
        body: Uint8Array | undefined,
        timeoutMs: number,
      ) => {
        const call = { method, url, headers: JSON.parse(headersJson), body: body ?? null, timeoutMs };
        host.httpCalls.push(call);
        const answer = host.http(call);
        return {
          status: answer.status,
          headersJson: JSON.stringify(answer.headers),
          body: new TextEncoder().encode(answer.body),
        };
      },
      secretExists: (name: string) => host.secrets.has(name),
    },
    "ironclaw:plugin/tool-types": {},
  };
  const getCore = (name: string) => new WebAssembly.Module(files[name] as Uint8Array<ArrayBuffer>);
  const instance = glue.instantiate(getCore, imports);
  return {
    host,
    description: () => instance.description(),
    schema: () => instance.schema(),
    execute: (params, context = {}) => {
      try {
        return instance.execute(JSON.stringify(params), JSON.stringify(context));
      } catch (error) {
        const payload = (error as { payload?: { message?: string } }).payload;
        if (payload?.message !== undefined) throw new Error(payload.message);
        throw error;
      }
    },
  };
}

interface ToolExports {
  description(): string;
  schema(): string;
  execute(paramsJson: string, contextJson: string): string;
}

/** The interfaces a component imports, read from its embedded WIT with jco. */
export async function componentImports(component: Uint8Array): Promise<string[]> {
  const { componentWit } = await import("@bytecodealliance/jco");
  const wit = await componentWit(component);
  return [...wit.matchAll(/^ {2}import ([^;]+);$/gm)].map((match) => match[1] as string);
}

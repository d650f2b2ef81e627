/**
 * The host functions that need the host, each checked against the manifest for the running
 * call: `workspace-read` only under the granted prefixes (and then through the workspace port,
 * which refuses escapes and links out), `secret-exists` only for the names the manifest lists
 * (anything else simply does not exist), `http-request` through http-call.ts. The guest's other
 * host functions (log, clock, randomness) need no host and live in the Worker.
 */
import { posix } from "node:path";
import type { ToolContext } from "../../tool.ts";
import type { WasmToolManifest } from "../contract.ts";
import { performHttpCall } from "./http-call.ts";
import type { HostCallHandler } from "./sandbox.ts";
import type { ChannelAnswer } from "./sync-channel.ts";

function underPrefix(prefixes: readonly string[], path: string): boolean {
  return prefixes.some((raw) => {
    const prefix = raw.replace(/^\.?\/+/, "").replace(/\/+$/, "");
    return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
  });
}

async function readWorkspace(
  manifest: WasmToolManifest,
  context: ToolContext,
  raw: unknown,
): Promise<ChannelAnswer> {
  const requested = typeof raw === "string" ? raw : "";
  const path = posix.normalize(requested.replace(/^\.\/+/, ""));
  if (
    requested === "" ||
    path.startsWith("/") ||
    path === ".." ||
    path.startsWith("../") ||
    path.includes("\0")
  ) {
    return { meta: { ok: false, error: `refused path "${requested}"` } };
  }
  if (!underPrefix(manifest.workspace.readPrefixes, path)) {
    return { meta: { ok: false, error: `"${requested}" is outside the workspace paths this tool may read` } };
  }
  try {
    const text = await context.workspace.read(path);
    if (text.length > manifest.limits.responseBytes) {
      return {
        meta: { ok: false, error: `"${requested}" is larger than ${manifest.limits.responseBytes} bytes` },
      };
    }
    return { meta: { ok: true, value: text } };
  } catch (error) {
    return { meta: { ok: false, error: error instanceof Error ? error.message : String(error) } };
  }
}

export interface HostCallsOptions {
  readonly manifest: WasmToolManifest;
  readonly context: ToolContext;
  readonly callDeadline: number;
  readonly takeRequest: () => boolean;
}

export function createHostCalls(options: HostCallsOptions): HostCallHandler {
  const { manifest, context } = options;
  const visibleSecrets = new Set([
    ...manifest.secrets.allowedNames,
    ...manifest.credentials.map((grant) => grant.secret),
  ]);
  return async function answerHostCall(name, args, body) {
    if (name === "workspace-read") return readWorkspace(manifest, context, args.path);
    if (name === "secret-exists") {
      const secret = args.name;
      const visible = typeof secret === "string" && visibleSecrets.has(secret);
      return { meta: { value: visible && (await context.secrets.exists(secret)) } };
    }
    return performHttpCall(
      { method: args.method, url: args.url, headersJson: args.headersJson, timeoutMs: args.timeoutMs },
      body,
      options,
    );
  };
}

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

/** The parts of a tool's or a channel's manifest its host calls are checked against. */
export type PluginGrants = Pick<
  WasmToolManifest,
  "http" | "credentials" | "secrets" | "workspace" | "limits"
>;

/** The ports a plugin's host calls use (a tool call's context; a channel's bindings). */
export type PluginPorts = Pick<ToolContext, "http" | "secrets" | "workspace" | "signal">;

async function readWorkspace(
  manifest: PluginGrants,
  context: PluginPorts,
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
  readonly manifest: PluginGrants;
  readonly context: PluginPorts;
  readonly callDeadline: number;
  readonly takeRequest: () => boolean;
  /** Who refusals name ("this tool's allowlist"). Default "tool". */
  readonly subject?: "tool" | "channel";
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

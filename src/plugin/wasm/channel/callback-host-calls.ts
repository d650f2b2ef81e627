/**
 * The host calls of one channel callback: the tool functions (workspace, secret-exists, HTTP,
 * each checked against the channel's manifest exactly as for a tool) and the channel's own
 * (emits and store, into the callback's scope). Every HTTP response body the host fetched is
 * recorded in the scope as bytes the platform gave this callback, for the anti-forgery check.
 */
import { WorkspacePathError, type WorkspacePort } from "../../ports/workspace-port.ts";
import type { WasmChannelBindings, WasmChannelManifest } from "../contract.ts";
import { createHostCalls } from "../runtime/host-calls.ts";
import type { HostCallHandler } from "../runtime/sandbox.ts";
import type { ChannelAnswer } from "../runtime/sync-channel.ts";
import type { CallbackScope, EmitAnswer } from "./callback-scope.ts";

const refuseWorkspace = async (): Promise<never> => {
  throw new WorkspacePathError("this channel has no workspace");
};
const noWorkspace: WorkspacePort = { read: refuseWorkspace, write: refuseWorkspace };

export interface CallbackHostCallsOptions {
  readonly manifest: WasmChannelManifest;
  readonly bindings: WasmChannelBindings;
  readonly scope: CallbackScope;
  readonly signal: AbortSignal;
  /** Epoch ms at which the callback's deadline passes. */
  readonly callDeadline: number;
  readonly takeRequest: () => boolean;
}

const answer = (result: EmitAnswer): ChannelAnswer =>
  result.ok ? { meta: { ok: true } } : { meta: { ok: false, error: result.error } };

export function createCallbackHostCalls(options: CallbackHostCallsOptions): HostCallHandler {
  const { manifest, bindings, scope } = options;
  const toolCalls = createHostCalls({
    manifest,
    context: {
      http: bindings.http,
      secrets: bindings.secrets,
      workspace: bindings.workspace ?? noWorkspace,
      signal: options.signal,
    },
    callDeadline: options.callDeadline,
    takeRequest: options.takeRequest,
    subject: "channel",
  });
  return async function answerChannelHostCall(name, args, body) {
    switch (name) {
      case "emit-message":
        return answer(scope.emitMessage(args.record));
      case "emit-action":
        return answer(scope.emitAction(args.record));
      case "state-read": {
        const key = args.key;
        if (typeof key !== "string" || key.length === 0) return { meta: {} };
        const pending = scope.pendingRead(key);
        const value = pending ? pending.value : await bindings.state.read(manifest.name, key);
        return { meta: value === undefined ? {} : { value } };
      }
      case "state-write":
        return answer(scope.write(args.key, args.value));
      default: {
        const result = await toolCalls(name, args, body);
        if (name === "http-request" && result.meta.ok === true && result.body) {
          scope.recordPlatformBytes(result.body);
        }
        return result;
      }
    }
  };
}

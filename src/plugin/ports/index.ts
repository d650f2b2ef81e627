/**
 * The capabilities the host hands every tool call (`ToolContext` carries them): tools get ports,
 * not reach. The host builds one set at start-up from config; tests build one with fakes at the
 * network edge. A plugin imports the types from here and never constructs its own.
 */
import { createHttpPort, type HttpPort, type HttpPortOptions } from "./http/http-port.ts";
import { createEmptySecretsPort, type SecretsPort } from "./secrets-port.ts";
import { createWorkspacePort, WorkspacePathError, type WorkspacePort } from "./workspace-port.ts";

export type { HttpPort } from "./http/http-port.ts";
export type { SecretsPort } from "./secrets-port.ts";
export type { WorkspacePort } from "./workspace-port.ts";

export interface ToolPorts {
  http: HttpPort;
  workspace: WorkspacePort;
  secrets: SecretsPort;
  /** The host's clock (tests pin it). */
  now(): Date;
}

export interface ToolPortsOptions {
  /** Config `HTTP_ALLOW_HOSTS`; empty = only public addresses. */
  allowHosts?: readonly string[];
  /** The owner's workspace folder; without it every workspace call is refused. */
  workspaceDir?: string;
  fetch?: HttpPortOptions["fetch"];
  lookup?: HttpPortOptions["lookup"];
  /** Checks on every outbound hop before credentials are injected (the safety layer's scan). */
  beforeSend?: HttpPortOptions["beforeSend"];
  /** Host-side credential injection at the HTTP boundary (src/secrets/injector.ts). */
  credentials?: HttpPortOptions["credentials"];
  /** What `secrets.exists` asks (src/plugin/ports/secrets-port.ts); default: no secret exists. */
  secrets?: SecretsPort;
  now?: () => Date;
}

export function createToolPorts(options: ToolPortsOptions = {}): ToolPorts {
  return {
    http: createHttpPort({
      allowHosts: options.allowHosts ?? [],
      fetch: options.fetch,
      lookup: options.lookup,
      beforeSend: options.beforeSend,
      credentials: options.credentials,
    }),
    workspace: options.workspaceDir ? createWorkspacePort(options.workspaceDir) : noWorkspace,
    secrets: options.secrets ?? createEmptySecretsPort(),
    now: options.now ?? (() => new Date()),
  };
}

const refuse = async (): Promise<never> => {
  throw new WorkspacePathError("No workspace is configured for tools.");
};
const noWorkspace: WorkspacePort = { read: refuse, write: refuse };

/**
 * The capabilities the host hands its tools, WASM plugins and container jobs
 * (src/plugin/ports/): guarded HTTP with the outbound leak scan before every send and, when the
 * secret store is on, credential injection for mapped hosts and `secrets.exists`. One credential
 * injector serves all of them, so a mapping means the same thing wherever a request starts.
 */
import type { Config } from "../config.ts";
import type { DatabaseHandle } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { CredentialInjector } from "../plugin/ports/http/send-request.ts";
import { createToolPorts, type ToolPorts } from "../plugin/ports/index.ts";
import { createStoreSecretsPort } from "../plugin/ports/secrets-port.ts";
import type { SafetyLayer } from "../safety/safety-layer.ts";
import { createCredentialInjector } from "../secrets/injector.ts";
import type { SecretStore } from "../secrets/store.ts";

export interface HostPortsOptions {
  config: Config;
  database: DatabaseHandle;
  log: Logger;
  safety: Pick<SafetyLayer, "outboundScan">;
  secretStore?: SecretStore;
  now?: () => Date;
}

export interface HostPorts {
  /** Undefined without a secret store: nothing is injected anywhere. */
  credentials: CredentialInjector | undefined;
  ports: ToolPorts;
}

export function createHostPorts(options: HostPortsOptions): HostPorts {
  const { config, secretStore } = options;
  const credentials = secretStore
    ? createCredentialInjector({
        db: options.database.db,
        store: secretStore,
        log: options.log.child({ component: "secrets" }),
        now: options.now,
        plainHttpHosts: config.httpAllowHosts,
      })
    : undefined;
  const ports = createToolPorts({
    allowHosts: config.httpAllowHosts,
    workspaceDir: config.workspaceDir,
    now: options.now,
    beforeSend: [options.safety.outboundScan],
    ...(credentials && secretStore
      ? { credentials, secrets: createStoreSecretsPort(secretStore.exists) }
      : {}),
  });
  return { credentials, ports };
}

/**
 * The safety layer, assembled once for the host (src/host/host.ts): one leak detector fed the
 * configured secret variables (`configuredSecrets`) and the stored secrets (a provider function
 * from the secret store), one audit into `leak_events`, and the scan for each boundary — tool
 * results, outbound HTTP, chat messages, owner messages.
 */

import type { Config } from "../config.ts";
import { configuredSecrets } from "../config-secrets.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { createDatabaseAudit, type SafetyAudit } from "./audit.ts";
import { createChatScreen } from "./chat-guard.ts";
import { createInboundScreen } from "./inbound-guard.ts";
import { createLeakDetector } from "./leak-detector.ts";
import { createOutboundScan } from "./outbound-scan.ts";
import { createToolResultGuard } from "./tool-result-guard.ts";

export interface SafetyLayerOptions {
  config: Pick<Config, "values">;
  db: Database;
  log: Logger;
  /** The stored secrets' values (the secret store's cached list); default none. */
  storedSecretValues?: () => readonly string[];
  /** Where findings go; default the `leak_events` table. */
  audit?: SafetyAudit;
}

export function createSafetyLayer(options: SafetyLayerOptions) {
  const configured = configuredSecrets(options.config);
  const detector = createLeakDetector({
    secretValues: () => [...configured, ...(options.storedSecretValues?.() ?? [])],
  });
  const audit = options.audit ?? createDatabaseAudit(options.db, options.log);
  return {
    detector,
    toolResultHook: createToolResultGuard({ detector, audit }),
    outboundScan: createOutboundScan({ detector, audit }),
    chatScreen: createChatScreen({ detector, audit }),
    inboundScreen: createInboundScreen({ detector, audit }),
  };
}

export type SafetyLayer = ReturnType<typeof createSafetyLayer>;

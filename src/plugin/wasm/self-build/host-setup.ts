/**
 * Wires `tool_build` into a host: the test sandbox is a WASM runtime of its own (created on the
 * first build, cache in a fresh temp folder with a per-process key, so nothing it prepares is
 * mistaken for an installed tool's entry), installs go through the owner's install path, and the
 * host's installed-tool set is synced right after, so the tool is offered from the next LLM call.
 * Settings: TOOL_BUILD_MAX_ATTEMPTS (builds per turn), TOOL_BUILD_ALLOW_WILDCARD_HOSTS.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolBuildTool } from "../../../../tools/tool-build/index.ts";
import type { Database } from "../../../db/client.ts";
import type { Logger } from "../../../log.ts";
import type { Tool } from "../../tool.ts";
import type { WasmToolRuntime } from "../contract.ts";
import { createSelfBuilder, defaultMaxAttempts, type SelfBuilderOptions } from "./self-builder.ts";

export interface ToolBuildSetup {
  readonly db: Database;
  readonly log: Logger;
  readonly reservedNames: ReadonlySet<string>;
  /** Parsed config values (`config.values`). */
  readonly values?: Readonly<Record<string, unknown>>;
  readonly isOtherTool?: (name: string) => boolean;
  readonly afterInstall?: () => Promise<void>;
  /** Test overrides (build limits, toolchain check). */
  readonly overrides?: Partial<SelfBuilderOptions>;
}

/** The sandbox runtime, created on first use. */
export function createTestSandbox(log: Logger): () => Promise<WasmToolRuntime> {
  let runtime: Promise<WasmToolRuntime> | undefined;
  return () => {
    runtime ??= (async () => {
      const { createWasmToolRuntime } = await import("../index.ts");
      const cacheDir = await mkdtemp(join(tmpdir(), "ironclaw-tool-build-"));
      return createWasmToolRuntime({
        cacheDir,
        cacheKey: randomBytes(32),
        log: log.child({ component: "tool-build" }),
      });
    })();
    return runtime;
  };
}

export function createToolBuildFeature(setup: ToolBuildSetup): Tool {
  const attempts = setup.values?.TOOL_BUILD_MAX_ATTEMPTS;
  const wildcards = setup.values?.TOOL_BUILD_ALLOW_WILDCARD_HOSTS;
  const builder = createSelfBuilder({
    db: setup.db,
    reservedNames: setup.reservedNames,
    isOtherTool: setup.isOtherTool,
    sandbox: createTestSandbox(setup.log),
    afterInstall: setup.afterInstall,
    maxAttempts: typeof attempts === "number" ? attempts : defaultMaxAttempts,
    allowWildcardHosts: typeof wildcards === "boolean" ? wildcards : true,
    ...setup.overrides,
  });
  return createToolBuildTool(builder);
}

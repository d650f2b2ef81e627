/**
 * The host side of `tool_build`: check the request, build the component (the production builder:
 * empty temp folder, child process with an empty environment, time and memory limits), check it
 * for installation (manifest, imports, WIT version, name; stores nothing), load it in the test
 * sandbox with the manifest it asked for and run its tests, and hold the result for the owner's
 * decision. `prepare` runs before the owner is asked (the tool's precheck): a build error or a
 * failing test is the refusal the model reads, so it can fix its code; after `maxAttempts` builds
 * in one turn it is told to stop. The held build is a database row (pending-builds.ts), so the
 * owner can approve after a restart. `install` runs only for the approved call: it checks the
 * held bytes for installation again, refuses them unless their SHA-256 is the one the owner was
 * shown, stores exactly them and the held manifest (commitInstall takes the hash once more), and
 * waits until the host's installed-tool set has loaded the tool, so the next LLM call of the same
 * turn is offered it.
 *
 * Builds run one at a time: each takes a core for seconds.
 */
import type { Database } from "../../../db/client.ts";
import { getWasmToolSummary } from "../../../db/wasm-tools.ts";
import { AppError, describeError } from "../../../errors.ts";
import type { ToolContext, ToolResult } from "../../tool.ts";
import { buildWasmTool, missingToolchain } from "../build/index.ts";
import type { WasmToolRuntime } from "../contract.ts";
import { commitInstall, installWasmTool, sha256Hex } from "../install.ts";
import { parseToolManifest } from "../manifest.ts";
import { readBuildRequest } from "./build-request.ts";
import { createPendingBuilds } from "./pending-builds.ts";
import { composeReview } from "./review-text.ts";
import { describeTests, runToolTests } from "./run-tests.ts";

export interface SelfBuilderOptions {
  readonly db: Database;
  /** The host's own tool names (built-in and host-backed). */
  readonly reservedNames: ReadonlySet<string>;
  /** A tool of that name that is not an installed WASM tool (another plugin): never replaced. */
  readonly isOtherTool?: (name: string) => boolean;
  /** The sandbox the tests run in (its own runtime; created on first use). */
  readonly sandbox: () => Promise<WasmToolRuntime>;
  /** Called after an install is committed; resolves once the host offers the tool. */
  readonly afterInstall?: () => Promise<void>;
  readonly maxAttempts?: number;
  readonly allowWildcardHosts?: boolean;
  readonly maxSourceChars?: number;
  readonly buildTimeoutMs?: number;
  readonly buildMemoryMb?: number;
  /** How long all tests of one build may take together (default 60 s). */
  readonly testBudgetMs?: number;
  /** Why the toolchain cannot build here, or undefined (default: the builder's own check). */
  readonly missingToolchain?: () => string | undefined;
}

export const defaultMaxAttempts = 3;
const defaultMaxSourceChars = 64 * 1024;

export function createSelfBuilder(options: SelfBuilderOptions) {
  const pending = createPendingBuilds({ db: options.db, tool: "tool_build" });
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  let queue: Promise<unknown> = Promise.resolve();

  function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  /** Why `name` may not be (re)built, or undefined. */
  async function nameRefusal(name: string): Promise<string | undefined> {
    const installed = await getWasmToolSummary(options.db, name);
    if (installed && installed.source === null)
      return `"${name}" is an installed tool the owner added from a component; choose another name`;
    if (!installed && options.isOtherTool?.(name))
      return `"${name}" is already a tool's name; choose another name`;
    return undefined;
  }

  /** Whether a build is held for the call and its review still describes what installing does. */
  async function heldAndCurrent(params: Record<string, unknown>): Promise<boolean> {
    const held = await pending.find(params);
    if (!held) return false;
    const installed = await getWasmToolSummary(options.db, held.name);
    if ((installed?.version ?? null) === held.baseVersion) return true;
    // Installed or replaced since: the prompt would show the wrong version; build it again.
    await pending.release(params);
    return false;
  }

  async function buildAndTest(params: Record<string, unknown>, context: ToolContext): Promise<string | null> {
    // The same call proposed twice at once: the second waits and then reuses the first build.
    if (await heldAndCurrent(params)) return null;
    await pending.sweep();
    const request = readBuildRequest(params, {
      allowWildcardHosts: options.allowWildcardHosts ?? true,
      maxSourceChars: options.maxSourceChars ?? defaultMaxSourceChars,
      reservedNames: options.reservedNames,
    });
    const taken = await nameRefusal(request.name);
    if (taken) return taken;
    // A manifest that does not parse is refused before anything is built (the field is named).
    parseToolManifest(request.manifest, "capabilities");
    const missing = (options.missingToolchain ?? (() => missingToolchain()))();
    if (missing) return `tool_build cannot build on this machine: ${missing}. Tell the owner.`;
    const attempt = pending.countAttempt(context.turnId);
    if (attempt > maxAttempts)
      return `tool_build: ${maxAttempts} build attempts in this turn is the limit; stop and tell the owner what went wrong.`;
    const left = `(attempt ${attempt} of ${maxAttempts} in this turn)`;
    const built = await buildWasmTool({
      source: request.source,
      language: request.language,
      timeoutMs: options.buildTimeoutMs,
      memoryMb: options.buildMemoryMb,
    });
    if (!built.ok) return `The build failed ${left}: ${built.error}`;
    const review = await installWasmTool({
      db: options.db,
      bytes: built.component,
      manifest: request.manifest,
      manifestSource: "capabilities",
      source: request.source,
      reservedNames: options.reservedNames,
    });
    const runtime = await options.sandbox();
    const tool = await runtime.load({
      name: review.name,
      component: review.bytes,
      sha256: review.sha256,
      manifest: review.manifest,
    });
    const outcomes = await runToolTests(tool, request.tests, context, options.testBudgetMs).finally(() =>
      runtime.unload(review.name),
    );
    if (outcomes.some((outcome) => !outcome.passed))
      return [`Tests failed ${left}; nothing was installed:`, ...describeTests(request.tests, outcomes)].join(
        "\n",
      );
    const tests = request.tests.map((test, index) => ({ ...test, result: outcomes[index]?.detail }));
    const held = { ...review, tests };
    await pending.hold(params, { review: held, outcomes, summary: composeReview(request, held, outcomes) });
    return null;
  }

  return {
    /** The precheck: null when the build passed and waits for the owner, else the model's refusal. */
    async prepare(params: Record<string, unknown>, context: ToolContext): Promise<string | null> {
      if (await heldAndCurrent(params)) return null;
      return oneAtATime(async () => {
        try {
          return await buildAndTest(params, context);
        } catch (error) {
          if (context.signal.aborted) throw error;
          return `tool_build refused this tool; nothing was installed: ${describeError(error)}`;
        }
      });
    },

    /** The owner's approval text for a held build. */
    async summary(params: Record<string, unknown>): Promise<string> {
      const held = await pending.find(params);
      if (!held) throw new AppError("not_found", "no held build for this call");
      return held.summary;
    },

    /** Installs the held build of the approved call. */
    async install(params: Record<string, unknown>): Promise<ToolResult> {
      const held = await pending.read(params);
      if (!held)
        return {
          isError: true,
          content:
            "The build the owner approved is no longer held (it expired or was already installed); nothing was installed. Call tool_build again.",
        };
      const taken = await nameRefusal(held.name);
      if (taken) return { isError: true, content: `${taken}; nothing was installed.` };
      // Exactly the hash the owner was shown, then checked again as if new (the bytes come back
      // from the database): the same component rules as any install.
      if (sha256Hex(held.binary) !== held.sha256) {
        await pending.release(params);
        return {
          isError: true,
          content: "The held component does not match the SHA-256 the owner approved; nothing was installed.",
        };
      }
      const review = await installWasmTool({
        db: options.db,
        bytes: held.binary,
        manifest: held.manifest,
        manifestSource: "the held manifest",
        source: held.source,
        tests: held.tests,
        reservedNames: options.reservedNames,
      }).catch(async (error: unknown) => {
        await pending.release(params);
        throw new AppError(
          "invalid_input",
          `the held build can no longer be installed; nothing was installed: ${describeError(error)}`,
          { cause: error },
        );
      });
      const { row } = await commitInstall(options.db, review, options.reservedNames);
      await pending.release(params);
      await options.afterInstall?.();
      return {
        content: `Installed ${row.name} version ${row.version} (SHA-256 ${row.sha256}). It is available now: call ${row.name} to use it.`,
      };
    },
  };
}

export type SelfBuilder = ReturnType<typeof createSelfBuilder>;

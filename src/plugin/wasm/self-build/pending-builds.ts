/**
 * Builds that passed their tests and wait for the owner, bound to the exact call: the key is the
 * SHA-256 of the call's parameters in canonical JSON (cleaned as the approval row stores them),
 * so the approved call finds exactly the artifact whose hash the owner read, and is never built
 * again into something else. A second proposal of the same call reuses the held build, so two
 * prompts for one call cannot show two hashes. Held in the database (`wasm_tool_builds`), like
 * the approval itself: after a restart the approved call still installs the held bytes. Rows the
 * owner no longer needs (denied, expired, never asked) are swept at first use and before builds.
 *
 * Also counts build attempts per turn (in memory: a restarted turn may try again), so a model
 * that cannot get its code right stops after N.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../../approvals/fingerprint.ts";
import { cleanJson } from "../../../db/clean-text.ts";
import type { Database } from "../../../db/client.ts";
import {
  deleteWasmToolBuild,
  getWasmToolBuild,
  getWasmToolBuildSummary,
  holdWasmToolBuild,
  sweepWasmToolBuilds,
  type WasmToolBuildRow,
  type WasmToolBuildSummary,
} from "../../../db/wasm-tool-builds.ts";
import type { InstallReview } from "../install.ts";
import { manifestToJson } from "../manifest-json.ts";
import type { TestOutcome } from "./run-tests.ts";

export interface HeldBuild {
  readonly review: InstallReview;
  readonly outcomes: readonly TestOutcome[];
  /** The owner's text (review-text.ts). */
  readonly summary: string;
}

const maxTurns = 1_000;
/** The approval row is written right after the hold: younger rows are never swept. */
const freshMs = 10 * 60_000;
/** An approved call whose install never ran (a crash between the two) keeps its build a day. */
const approvedMs = 24 * 60 * 60_000;

export function callKey(params: Record<string, unknown>): string {
  return createHash("sha256")
    .update(canonicalJson(cleanJson(params)))
    .digest("hex");
}

export interface PendingBuildsOptions {
  readonly db: Database;
  /** The tool whose approvals hold builds. */
  readonly tool: string;
  readonly now?: () => Date;
}

export function createPendingBuilds(options: PendingBuildsOptions) {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const attempts = new Map<string, number>();
  let started: Promise<unknown> | undefined;

  function sweep(): Promise<number> {
    return sweepWasmToolBuilds(db, { now: now(), tool: options.tool, freshMs, approvedMs });
  }
  /** The first use of a new host sweeps what an earlier run left behind. */
  function ready(): Promise<unknown> {
    started ??= sweep().catch(() => 0);
    return started;
  }

  return {
    sweep,
    /** The held build of a call without its bytes (the prompt, the reuse check). */
    async find(params: Record<string, unknown>): Promise<WasmToolBuildSummary | undefined> {
      await ready();
      return getWasmToolBuildSummary(db, callKey(params));
    },
    /** The held build with its bytes (the approved call). */
    async read(params: Record<string, unknown>): Promise<WasmToolBuildRow | undefined> {
      await ready();
      return getWasmToolBuild(db, callKey(params));
    },
    async hold(params: Record<string, unknown>, build: HeldBuild): Promise<void> {
      const { review } = build;
      await holdWasmToolBuild(db, {
        callKey: callKey(params),
        name: review.name,
        params: cleanJson(params) as Record<string, unknown>,
        binary: review.bytes,
        sha256: review.sha256,
        size: review.size,
        manifest: manifestToJson(review.manifest),
        source: review.source ?? "",
        tests: [...(review.tests ?? [])],
        outcomes: [...build.outcomes],
        summary: build.summary,
        baseVersion: review.replaces?.version ?? null,
      });
    },
    release(params: Record<string, unknown>): Promise<boolean> {
      return deleteWasmToolBuild(db, callKey(params));
    },
    /** Counts one attempt in `turnId`; the number of this attempt. */
    countAttempt(turnId: string): number {
      const count = (attempts.get(turnId) ?? 0) + 1;
      attempts.delete(turnId);
      attempts.set(turnId, count);
      while (attempts.size > maxTurns) attempts.delete(attempts.keys().next().value as string);
      return count;
    },
  };
}

export type PendingBuilds = ReturnType<typeof createPendingBuilds>;

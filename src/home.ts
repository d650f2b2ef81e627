/**
 * IRONCLAW_HOME holds the embedded database (with the API token and the approval HMAC key in its
 * settings table), the config file with tokens, and the workspace: nobody but the owner may read
 * or write any of it. The process runs with umask 077 so everything it creates is owner-only
 * (PGlite would otherwise create its files 0666 & ~umask), and start-up tightens what an older
 * version or a careless copy left looser. `doctor` reports anything still loose.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "./log.ts";

const groupAndOther = 0o077;

export interface LooseEntry {
  path: string;
  mode: number;
}

/**
 * Entries under `home` (itself included) with group or other permission bits, symlinks skipped.
 * With `reachableOnly`, a folder others cannot enter hides what is inside it: that is what another
 * user can actually get at (PGlite re-creates a few cache files 0644 inside its 0700 folder).
 */
export function findLooseModes(
  home: string,
  options: { limit?: number; reachableOnly?: boolean } = {},
): LooseEntry[] {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const found: LooseEntry[] = [];
  const visit = (path: string): void => {
    if (found.length >= limit) return;
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(path);
    } catch {
      return; // vanished while walking (PGlite's temp files)
    }
    if (stats.isSymbolicLink()) return;
    if ((stats.mode & groupAndOther) !== 0) found.push({ path, mode: stats.mode & 0o7777 });
    if (stats.isDirectory()) {
      if (options.reachableOnly && (stats.mode & 0o011) === 0) return;
      for (const name of readdirSync(path)) visit(join(path, name));
    }
  };
  visit(home);
  return found;
}

/** Removes group and other bits from everything under `root`; returns how many entries changed. */
export function tightenTree(root: string, log?: Logger): number {
  const loose = findLooseModes(root);
  for (const entry of loose) {
    try {
      chmodSync(entry.path, entry.mode & ~groupAndOther);
    } catch (error) {
      log?.warn("could not tighten the permissions of a file in IRONCLAW_HOME", { path: entry.path, error });
    }
  }
  return loose.length;
}

/** Creates `home` owner-only, sets umask 077 for this process, and tightens loose entries. */
export function prepareHome(home: string, log: Logger): void {
  process.umask(groupAndOther);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const tightened = tightenTree(home, log);
  if (tightened > 0) {
    log.warn("tightened permissions in IRONCLAW_HOME to owner-only", {
      home,
      entries: tightened,
    });
  }
}

export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

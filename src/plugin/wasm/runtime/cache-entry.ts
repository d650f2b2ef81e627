/**
 * The on-disk cache of prepared components (`cacheDir/<sha256>/`): the jco glue and the metered,
 * memory-capped core modules, so a restart does not transpile and meter again (~2 s a tool).
 *
 * The cache is not trusted. Whoever can write to it must not be able to swap the code a tool runs,
 * so beside the files lies `index.json`: the SHA-256 of every file, the inputs the entry was made
 * from (component hash, memory cap, preparer version) and an HMAC over all of it with the host's
 * key. `readCacheEntry` checks the HMAC, then hashes every file it read *from the bytes in
 * memory*, which are the bytes used afterwards (no window between check and use). Anything off
 * makes the entry unusable and the caller prepares again from the artifact.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface PreparedComponent {
  /** The jco glue (an ES module exporting `instantiate`). */
  readonly glue: string;
  /** Core modules by the name the glue asks for (`tool.core3.wasm`), metered and capped. */
  readonly modules: ReadonlyMap<string, Uint8Array>;
}

export interface CacheEntryKey {
  readonly componentSha256: string;
  readonly memoryMiB: number;
  readonly preparer: string;
}

interface CacheIndex extends CacheEntryKey {
  readonly files: Record<string, string>;
  readonly mac: string;
}

export type CacheReadOutcome =
  | { readonly status: "hit"; readonly prepared: PreparedComponent }
  | { readonly status: "missing" }
  /** Made from the same component with other settings (memory cap, preparer version). */
  | { readonly status: "stale" }
  | { readonly status: "rejected"; readonly reason: string };

const glueFile = "tool.js";

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function macOf(key: Uint8Array, index: Omit<CacheIndex, "mac">): string {
  const files = Object.keys(index.files)
    .sort()
    .map((name) => [name, index.files[name]]);
  const canonical = JSON.stringify([index.componentSha256, index.memoryMiB, index.preparer, files]);
  return createHmac("sha256", key).update(canonical).digest("hex");
}

function macMatches(expected: string, actual: unknown): boolean {
  if (typeof actual !== "string" || actual.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

export function cacheEntryFolder(cacheDir: string, componentSha256: string): string {
  return join(cacheDir, componentSha256);
}

export async function readCacheEntry(
  cacheDir: string,
  key: CacheEntryKey,
  macKey: Uint8Array,
): Promise<CacheReadOutcome> {
  const folder = cacheEntryFolder(cacheDir, key.componentSha256);
  let index: CacheIndex;
  try {
    index = JSON.parse(await readFile(join(folder, "index.json"), "utf8")) as CacheIndex;
  } catch {
    return { status: "missing" };
  }
  if (typeof index !== "object" || index === null || typeof index.files !== "object") {
    return { status: "rejected", reason: "the index is malformed" };
  }
  if (!macMatches(macOf(macKey, index), index.mac)) {
    return { status: "rejected", reason: "the index's HMAC does not match" };
  }
  if (index.componentSha256 !== key.componentSha256)
    return { status: "rejected", reason: "another component" };
  if (index.memoryMiB !== key.memoryMiB || index.preparer !== key.preparer) {
    return { status: "stale" };
  }
  const modules = new Map<string, Uint8Array>();
  let glue: string | undefined;
  for (const [name, expected] of Object.entries(index.files)) {
    if (name.includes("/") || name.includes("\\") || name.startsWith(".")) {
      return { status: "rejected", reason: `bad file name ${name}` };
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(folder, name)));
    } catch {
      return { status: "rejected", reason: `${name} is missing` };
    }
    if (sha256(bytes) !== expected) return { status: "rejected", reason: `${name} was modified` };
    if (name === glueFile) glue = new TextDecoder().decode(bytes);
    else modules.set(name, bytes);
  }
  if (glue === undefined) return { status: "rejected", reason: "no glue" };
  return { status: "hit", prepared: { glue, modules } };
}

/** Writes the entry into a temporary folder and renames it into place (a reader never sees half). */
export async function writeCacheEntry(
  cacheDir: string,
  key: CacheEntryKey,
  macKey: Uint8Array,
  prepared: PreparedComponent,
): Promise<void> {
  const folder = cacheEntryFolder(cacheDir, key.componentSha256);
  const temporary = `${folder}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await mkdir(temporary, { recursive: true, mode: 0o700 });
  const files: Record<string, string> = { [glueFile]: sha256(prepared.glue) };
  await writeFile(join(temporary, glueFile), prepared.glue);
  for (const [name, bytes] of prepared.modules) {
    files[name] = sha256(bytes);
    await writeFile(join(temporary, name), bytes);
  }
  const unsigned = { ...key, files };
  const index: CacheIndex = { ...unsigned, mac: macOf(macKey, unsigned) };
  await writeFile(join(temporary, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
  await rm(folder, { recursive: true, force: true });
  await rename(temporary, folder).catch(async (error) => {
    // Another process won the race with an equivalent entry: keep theirs.
    await rm(temporary, { recursive: true, force: true });
    if ((error as { code?: string }).code !== "ENOTEMPTY" && (error as { code?: string }).code !== "EEXIST") {
      throw error;
    }
  });
}

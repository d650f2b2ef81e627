/**
 * An exclusive lock on the embedded database folder that the kernel releases when its holder
 * dies. A pid in a file is not enough: a SIGKILLed process lingers as a zombie until it is reaped
 * (and in a container its pid is soon reused), so "is pid N alive?" refuses the restart a
 * supervisor makes a second later. `flock(2)` belongs to the open file: the kernel drops it the
 * moment the process exits, however it exits. The file also records the holder's pid, only so the
 * refusal can name it.
 *
 * The lock file is never deleted: unlinking it while another process has it open would let two
 * processes lock two different inodes under one name.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";

const LOCK_EX = 2;
const LOCK_NB = 4;

type Flock = (fd: number, operation: number) => number;

let cachedFlock: Flock | null | undefined;

async function loadFlock(): Promise<Flock | null> {
  if (cachedFlock !== undefined) return cachedFlock;
  cachedFlock = null;
  const { dlopen, FFIType } = await import("bun:ffi");
  const names = process.platform === "darwin" ? ["libc.dylib"] : ["libc.so.6", "libc.so"];
  for (const name of names) {
    try {
      const lib = dlopen(name, { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
      cachedFlock = (fd, operation) => lib.symbols.flock(fd, operation);
      break;
    } catch {
      // try the next name
    }
  }
  return cachedFlock;
}

export interface FolderLock {
  release(): void;
}

export class FolderLockedError extends Error {
  constructor(readonly holderPid: number | undefined) {
    super(holderPid ? `locked by pid ${holderPid}` : "locked by another process");
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws `FolderLockedError`; never waits. */
export async function acquireFolderLock(path: string): Promise<FolderLock> {
  const flock = await loadFlock();
  if (!flock) throw new Error("flock(2) is not available on this platform (bun:ffi could not load libc)");
  const fd = openSync(path, "a+", 0o600);
  if (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    closeSync(fd);
    throw new FolderLockedError(readHolder(path));
  }
  ftruncateSync(fd, 0);
  writeSync(fd, String(process.pid));
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        ftruncateSync(fd, 0);
      } finally {
        closeSync(fd); // closing the last descriptor drops the lock
      }
    },
  };
}

/**
 * The embedded database: PGlite in IRONCLAW_HOME/pgdata, guarded by a kernel lock
 * (folder-lock.ts: PGlite is single-process, and two IronClaws writing one folder would corrupt it),
 * tuned for a small personal database, and first created in a short-lived child process.
 *
 * Why a child: initdb runs inside PGlite's WASM memory, which never shrinks, so a process that
 * initialised a folder stays at ~850 MB–1 GB for its whole life; opening an initialised folder
 * costs a fraction of that. The child initialises into a temporary sibling folder that is renamed
 * into place only when complete, so a crash mid-initdb never leaves a half-made database behind.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { StartupError } from "../errors.ts";
import { tightenTree } from "../home.ts";
import { type DatabaseHandle, wrapPglite } from "./client.ts";
import { acquireFolderLock, type FolderLock, FolderLockedError } from "./folder-lock.ts";
import { takePgliteModule } from "./pglite-module.ts";

/**
 * Added to PGlite's own start parameters: buffers sized for one owner's data, not a server's.
 * Pages PostgreSQL touches in its (WebAssembly) memory stay resident for the life of the process,
 * so every buffer is paid for in RSS once used: 8 MB of shared buffers still hold a personal
 * database's hot pages (more are read back from the OS page cache), and was ~10 MB less RSS after
 * 100 turns than 16 MB (scripts/bench/memory.ts).
 */
export const pgliteTuning = [
  ...["-c", "shared_buffers=8MB", "-c", "wal_buffers=256kB"],
  ...["-c", "temp_buffers=1MB", "-c", "work_mem=2MB", "-c", "maintenance_work_mem=8MB"],
];

const initScript = join(import.meta.dir, "pglite-init.ts");
const initTimeoutMs = 180_000;

export async function pgliteStartParams(): Promise<string[]> {
  const { PGlite } = await import("@electric-sql/pglite");
  return [...PGlite.defaultStartParams, ...pgliteTuning];
}

function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, "PG_VERSION"));
}

async function initialiseInChild(dataDir: string): Promise<void> {
  const staging = `${dataDir}.initialising`;
  rmSync(staging, { recursive: true, force: true });
  const child = Bun.spawn([process.execPath, initScript, staging], {
    env: { PATH: process.env.PATH ?? "" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    timeout: initTimeoutMs,
  });
  const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  if (exitCode !== 0 || !isInitialised(staging)) {
    rmSync(staging, { recursive: true, force: true });
    const reason =
      stderr.trim().split("\n").at(-1) ||
      `exit code ${exitCode}${child.signalCode ? ` (${child.signalCode})` : ""}`;
    throw new StartupError(
      "database_unavailable",
      `cannot create the embedded database at ${dataDir}: ${reason}`,
    );
  }
  if (existsSync(dataDir)) {
    if (readdirSync(dataDir).length > 0) {
      rmSync(staging, { recursive: true, force: true });
      throw new StartupError(
        "database_unavailable",
        `${dataDir} is not empty but holds no database (no PG_VERSION); move it away and start again`,
      );
    }
    rmdirSync(dataDir);
  }
  renameSync(staging, dataDir);
}

export async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  mkdirSync(join(dataDir, ".."), { recursive: true, mode: 0o700 });
  let lock: FolderLock;
  try {
    lock = await acquireFolderLock(`${dataDir}.lock`);
  } catch (error) {
    if (!(error instanceof FolderLockedError)) throw error;
    const holder = error.holderPid ? ` (pid ${error.holderPid})` : "";
    throw new StartupError(
      "database_in_use",
      `the embedded database ${dataDir} is in use by another IronClaw${holder}; stop it or set another IRONCLAW_HOME`,
    );
  }
  try {
    const wasmModule = takePgliteModule();
    if (!isInitialised(dataDir)) await initialiseInChild(dataDir);
    // pgvector is loaded always (it costs no measurable start time); memory enables it when used.
    const [{ PGlite }, { vector }, startParams, pgliteWasmModule] = await Promise.all([
      import("@electric-sql/pglite"),
      import("@electric-sql/pglite-pgvector"),
      pgliteStartParams(),
      wasmModule,
    ]);
    const client = await PGlite.create(dataDir, {
      startParams,
      pgliteWasmModule,
      extensions: { vector },
    }).catch((error) => {
      throw new StartupError(
        "database_unavailable",
        `cannot open the embedded database at ${dataDir}: ${String(error)}`,
        {
          cause: error,
        },
      );
    });
    // PGlite sets its own file modes (0666 at initdb), ignoring the umask: tighten after it wrote.
    tightenTree(dataDir);
    return wrapPglite(client, dataDir, async () => {
      tightenTree(dataDir);
      lock.release();
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * `ironclaw tools install | list | inspect | history | rollback | remove | enable | disable | build`: the
 * owner's installed WASM tools and channels (one table, `kind` tells them apart; a channel change
 * takes effect at the assistant's next start). Works on the database directly (PostgreSQL at any time — a running
 * assistant picks the change up through the change feed — the embedded database while the
 * assistant is stopped). `build` is the author toolchain (tools-build.ts) and needs no database.
 */
import { loadFullConfig } from "../app.ts";
import type { Database } from "../db/client.ts";
import { getWasmTool, getWasmToolSummary, listWasmTools } from "../db/wasm-tools.ts";
import { createLogger } from "../log.ts";
import { describeGrants } from "../plugin/wasm/credential-grants.ts";
import { inspectComponent } from "../plugin/wasm/inspect.ts";
import { removeWasmTool, setWasmToolEnabled } from "../plugin/wasm/install.ts";
import { parsePluginManifest } from "../plugin/wasm/plugin-manifest.ts";
import { formatReview, formatSize } from "../plugin/wasm/review.ts";
import { runToolsBuildCommand } from "./tools-build.ts";
import { inspectHeldBuild } from "./tools-held.ts";
import { runToolsHistory, runToolsRollback } from "./tools-history.ts";
import { installRefusal, readInstallTarget, runToolsInstall } from "./tools-install.ts";

export interface ToolsIo {
  print(line: string): void;
  printError(line: string): void;
  /** Whether stdin is a terminal the owner can answer on. */
  readonly isTerminal: boolean;
  /** Asks on the terminal and resolves to the answer line. */
  ask(question: string): Promise<string>;
  readonly cwd: string;
}

export const toolsUsage =
  "Usage: ironclaw tools install <file.wasm | folder | npm-package> [--yes] | list | inspect NAME [--source] [--pending] | history NAME | rollback NAME [version] [--yes] | remove NAME | enable NAME | disable NAME | build <src.js|src.ts> [--channel]";

/** Said after a change to a channel: the running assistant does not reload channels. */
const channelRestartNote = "A running assistant applies it at its next start.";

async function list(db: Database, io: ToolsIo): Promise<number> {
  const tools = await listWasmTools(db);
  if (tools.length === 0)
    io.print("No installed tools. Install one with `ironclaw tools install <file.wasm | folder>`.");
  for (const tool of tools) {
    const reason = tool.status === "disabled" && tool.disabledReason ? ` (${tool.disabledReason})` : "";
    io.print(
      `${tool.name}  ${tool.kind}  v${tool.version}  ${tool.status}${reason}  ${formatSize(tool.size)}  ${tool.sha256.slice(0, 12)}  source: installed`,
    );
  }
  return 0;
}

async function inspect(db: Database, name: string, rest: string[], io: ToolsIo): Promise<number> {
  const showSource = rest.includes("--source");
  // A build awaiting approval (the prompt points here), or a name that is only held so far.
  if (rest.includes("--pending")) {
    if (await inspectHeldBuild(db, name, showSource, io)) return 0;
    io.printError(`No build of "${name}" is awaiting approval.`);
    return 1;
  }
  const row = await getWasmTool(db, name);
  if (!row) {
    if (await inspectHeldBuild(db, name, showSource, io)) return 0;
    io.printError(`No installed tool named "${name}". See \`ironclaw tools list\`.`);
    return 1;
  }
  if (showSource) {
    if (row.source === null) {
      io.printError(`"${name}" was installed as a component; no source is stored.`);
      return 1;
    }
    io.print(row.source);
    return 0;
  }
  const manifest = parsePluginManifest(row.manifest, `the stored manifest of ${name}`);
  const component = await inspectComponent(row.binary);
  const lines = formatReview({
    manifest,
    sha256: row.sha256,
    size: row.size,
    imports: component.imports,
    pluginVersion: component.pluginVersion,
    sourceChars: row.source?.length,
    grants: await describeGrants(db, manifest.credentials),
    version: row.version,
  });
  for (const line of lines) io.print(line);
  io.print(
    `Status: ${row.status}${row.disabledReason ? ` (${row.disabledReason})` : ""}; installed ${row.installedAt.toISOString()}`,
  );
  if (row.source !== null) io.print(`Source: stored (\`ironclaw tools inspect ${name} --source\`)`);
  return 0;
}

export async function runWithDatabase(
  subcommand: string,
  rest: string[],
  db: Database,
  io: ToolsIo,
): Promise<number> {
  const name = rest.find((argument) => !argument.startsWith("-"));
  if (subcommand === "list") return list(db, io);
  if (!name) {
    io.printError(toolsUsage);
    return 2;
  }
  switch (subcommand) {
    case "inspect":
      return inspect(db, name, rest, io);
    case "history":
      return runToolsHistory(db, name, io);
    case "rollback":
      return runToolsRollback(db, rest, io);
    case "remove": {
      const kind = (await getWasmToolSummary(db, name))?.kind;
      const removed = await removeWasmTool(db, name);
      io.print(removed ? `Removed "${name}" and its stored versions.` : `No installed tool named "${name}".`);
      if (removed && kind === "channel") io.print(channelRestartNote);
      return removed ? 0 : 1;
    }
    default: {
      const enabled = subcommand === "enable";
      const changed = await setWasmToolEnabled(db, name, enabled);
      if (!changed) {
        io.printError(`No installed tool named "${name}".`);
        return 1;
      }
      io.print(`${enabled ? "Enabled" : "Disabled"} "${name}".`);
      if ((await getWasmToolSummary(db, name))?.kind === "channel") io.print(channelRestartNote);
      return 0;
    }
  }
}

const databaseCommands = ["install", "list", "inspect", "history", "rollback", "remove", "enable", "disable"];

export async function runToolsCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: ToolsIo,
): Promise<number> {
  const [subcommand = "list", ...rest] = args;
  if (subcommand === "build") return runToolsBuildCommand(rest, io);
  if (!databaseCommands.includes(subcommand)) {
    io.printError(toolsUsage);
    return 2;
  }
  try {
    const target = subcommand === "install" ? await readInstallTarget(rest, io) : undefined;
    if (typeof target === "number") return target;
    const { database } = await loadFullConfig(env, createLogger({ level: "error" }));
    try {
      if (target) return await runToolsInstall(database.db, target, io);
      return await runWithDatabase(subcommand, rest, database.db, io);
    } finally {
      await database.close();
    }
  } catch (error) {
    const refusal = installRefusal(error);
    if (refusal === undefined) throw error;
    io.printError(refusal);
    return 1;
  }
}

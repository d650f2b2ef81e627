/**
 * `ironclaw tools install <file.wasm | folder | npm-package> [--yes]`: shows the owner what the
 * tool (or channel: a `"kind": "channel"` manifest) may do (every capability, the SHA-256 and
 * size, the WIT imports) and installs it only
 * after a "y" on a terminal, or with `--yes`. Without a terminal and without `--yes` nothing is
 * installed: a script must say so explicitly. Everything refused (a bad manifest, a component
 * that imports WASI, a name that is a built-in's) is one clear line and exit code 1.
 */
import type { Database } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { hostToolNames } from "../host/host-tool-names.ts";
import { checkToolComponent } from "../plugin/wasm/component-policy.ts";
import { inspectComponent } from "../plugin/wasm/inspect.ts";
import { commitInstall, installWasmPlugin, refuseReservedName } from "../plugin/wasm/install.ts";
import { ManifestError } from "../plugin/wasm/manifest.ts";
import { parsePluginManifest } from "../plugin/wasm/plugin-manifest.ts";
import type { ToolsIo } from "./tools.ts";
import { type LocatedTool, locateTool } from "./tools-locate.ts";

export interface InstallTarget {
  readonly yes: boolean;
  readonly located: LocatedTool;
  readonly manifest: unknown;
}

/**
 * Reads and checks what is to be installed before the database is opened, so a refusal (no such
 * file, a bad manifest, a component that imports WASI) comes at once. A number is an exit code.
 */
export async function readInstallTarget(args: string[], io: ToolsIo): Promise<InstallTarget | number> {
  const yes = args.includes("--yes") || args.includes("-y");
  const targets = args.filter((argument) => !argument.startsWith("-"));
  const unknown = args.filter((argument) => argument.startsWith("-") && !["--yes", "-y"].includes(argument));
  if (targets.length !== 1 || unknown.length > 0) {
    io.printError("Usage: ironclaw tools install <file.wasm | folder | npm-package> [--yes]");
    return 2;
  }
  const located = locateTool(targets[0] as string, io.cwd);
  let manifest: unknown;
  try {
    manifest = JSON.parse(located.manifestText);
  } catch (error) {
    throw new ManifestError(located.manifestPath, "", `is not valid JSON (${(error as Error).message})`);
  }
  const parsed = parsePluginManifest(manifest, located.manifestPath);
  if (parsed.kind === "tool") refuseReservedName(parsed.name, hostToolNames());
  checkToolComponent(await inspectComponent(located.bytes), parsed.kind);
  return { yes, located, manifest };
}

export async function runToolsInstall(db: Database, target: InstallTarget, io: ToolsIo): Promise<number> {
  const { yes, located, manifest } = target;
  const reservedNames = hostToolNames();
  const review = await installWasmPlugin({
    db,
    bytes: located.bytes,
    manifest,
    manifestSource: located.manifestPath,
    reservedNames,
  });
  io.print(`Component: ${located.componentPath}`);
  io.print(`Manifest:  ${located.manifestPath}`);
  for (const line of review.lines) io.print(`  ${line}`);
  if (!yes) {
    if (!io.isTerminal) {
      io.printError(
        "Not installed: no terminal to ask on. Read the above and run again with --yes to install.",
      );
      return 1;
    }
    const answer = (await io.ask("Install? [y/N] ")).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") {
      io.print("Not installed.");
      return 1;
    }
  }
  const { row, grants } = await commitInstall(db, review, reservedNames);
  io.print(`Installed ${row.name} version ${row.version} (SHA-256 ${row.sha256.slice(0, 12)}…).`);
  for (const grant of grants) {
    if (!grant.secretStored) {
      io.print(
        `Secret ${grant.grant.secret} is not stored yet: add it with \`ironclaw secrets set ${grant.grant.secret}\`, then \`ironclaw tools enable ${row.name}\` maps it.`,
      );
    }
  }
  io.print(
    review.manifest.kind === "channel"
      ? "The channel starts with the assistant's next start (restart a running assistant to bring it up)."
      : "A running assistant offers it from its next reply (with PostgreSQL; the embedded database: at the next start).",
  );
  return 0;
}

/** Owner-facing refusals: one line, exit 1. Anything else is unexpected and goes up. */
export function installRefusal(error: unknown): string | undefined {
  if (error instanceof AppError && ["invalid_input", "not_found", "conflict"].includes(error.code)) {
    return error.message;
  }
  return undefined;
}

/**
 * `ironclaw tools history NAME` and `tools rollback NAME [version]`: every stored version of an
 * installed tool or channel (hash, size, what it may reach, whether source and tests are stored), and the
 * owner-only way back to one of them. Rollback never edits history: the chosen version's bytes,
 * manifest, source and tests are stored again as a new version (so `history` shows that a
 * rollback happened), after its bytes are checked against the SHA-256 recorded with it and the
 * owner has read what changes (capabilities before → after) and confirmed. The default target
 * is the version before the current one.
 */
import { announceCommitted } from "../db/change-feed.ts";
import type { Database } from "../db/client.ts";
import { inTransaction } from "../db/transaction.ts";
import { getWasmToolVersion } from "../db/wasm-tool-versions.ts";
import { getWasmToolSummary, listWasmToolVersions, saveWasmToolVersion } from "../db/wasm-tools.ts";
import { ensureGrantMappings } from "../plugin/wasm/credential-grants.ts";
import { sha256Hex } from "../plugin/wasm/install.ts";
import { parsePluginManifest } from "../plugin/wasm/plugin-manifest.ts";
import { describeCapabilities, formatSize } from "../plugin/wasm/review.ts";
import type { ToolsIo } from "./tools.ts";

function capabilitiesOf(manifest: Record<string, unknown>, name: string): string[] {
  try {
    return describeCapabilities(parsePluginManifest(manifest, `the stored manifest of ${name}`));
  } catch (error) {
    return [`(manifest does not parse: ${(error as Error).message})`];
  }
}

/** What a version may reach, in a few words for its history line. */
function reachOf(manifest: Record<string, unknown>, name: string): string {
  try {
    const parsed = parsePluginManifest(manifest, `the stored manifest of ${name}`);
    const hosts = [...new Set(parsed.http.allowlist.map((rule) => rule.host))];
    const secrets = [
      ...new Set([...parsed.secrets.allowedNames, ...parsed.credentials.map((grant) => grant.secret)]),
    ];
    return [
      hosts.length === 0 ? "network: none" : `network: ${hosts.join(", ")}`,
      ...(secrets.length > 0 ? [`secrets: ${secrets.join(", ")}`] : []),
    ].join("; ");
  } catch {
    return "manifest does not parse";
  }
}

/** One line per stored version, newest first. */
export async function runToolsHistory(db: Database, name: string, io: ToolsIo): Promise<number> {
  const versions = await listWasmToolVersions(db, name);
  const current = await getWasmToolSummary(db, name);
  if (versions.length === 0) {
    io.printError(`No installed tool named "${name}".`);
    return 1;
  }
  for (const version of versions) {
    const stored = [
      version.source === null ? "no source" : `source ${version.source.length} characters`,
      version.tests === null ? "no tests" : `${version.tests.length} tests`,
    ].join(", ");
    const marker = current?.version === version.version ? "  ← current" : "";
    io.print(
      `v${version.version}  ${version.installedAt.toISOString()}  ${formatSize(version.size)}  ${version.sha256}  ${stored}  ${reachOf(version.manifest, name)}${marker}`,
    );
  }
  return 0;
}

export async function runToolsRollback(db: Database, rest: readonly string[], io: ToolsIo): Promise<number> {
  const [name, versionText] = rest.filter((argument) => !argument.startsWith("-"));
  const current = name ? await getWasmToolSummary(db, name) : undefined;
  if (!name || !current) {
    io.printError(
      name ? `No installed tool named "${name}".` : "Usage: ironclaw tools rollback NAME [version]",
    );
    return 1;
  }
  const target = versionText === undefined ? current.version - 1 : Number(versionText);
  if (!Number.isInteger(target) || target < 1) {
    io.printError(
      versionText === undefined
        ? `"${name}" has no version before v${current.version}.`
        : `"${versionText}" is not a version number.`,
    );
    return 1;
  }
  const chosen = await getWasmToolVersion(db, name, target);
  if (!chosen) {
    io.printError(`"${name}" has no version ${target}; see \`ironclaw tools history ${name}\`.`);
    return 1;
  }
  if (sha256Hex(chosen.binary) !== chosen.sha256) {
    io.printError(`v${target} of "${name}" no longer matches its recorded SHA-256; it will not be restored.`);
    return 1;
  }
  if (chosen.sha256 === current.sha256) {
    io.print(`"${name}" already runs the component of v${target} (${chosen.sha256}).`);
    return 0;
  }
  const before = capabilitiesOf(current.manifest, name);
  const after = capabilitiesOf(chosen.manifest, name);
  io.print(`Roll back "${name}" from v${current.version} to the component of v${target}:`);
  io.print(`  SHA-256: ${current.sha256} → ${chosen.sha256}`);
  for (const line of before.filter((entry) => !after.includes(entry))) io.print(`  - ${line}`);
  for (const line of after.filter((entry) => !before.includes(entry))) io.print(`  + ${line}`);
  if (before.every((line) => after.includes(line)) && after.every((line) => before.includes(line)))
    io.print("  Capabilities: unchanged.");
  if (!rest.includes("--yes")) {
    if (!io.isTerminal) {
      io.printError("Not a terminal: add --yes to roll back without being asked.");
      return 1;
    }
    const answer = (await io.ask("Roll back? [y/N] ")).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") {
      io.print("Nothing changed.");
      return 1;
    }
  }
  // As at install: the version and its credential mappings in one transaction.
  const manifest = parsePluginManifest(chosen.manifest, `the stored manifest of ${name} v${target}`);
  const row = await inTransaction(db, async (tx) => {
    const saved = await saveWasmToolVersion(tx, {
      name,
      binary: chosen.binary,
      sha256: chosen.sha256,
      manifest: chosen.manifest,
      source: chosen.source,
      tests: chosen.tests,
    });
    await ensureGrantMappings(tx, manifest.credentials);
    return saved;
  });
  announceCommitted("wasm_tools");
  io.print(`"${name}" is now v${row.version}, the component of v${target} (${row.sha256}).`);
  if (manifest.kind === "channel") io.print("A running assistant applies it at its next start.");
  return 0;
}

/**
 * The workspace as files, for the owner: `ironclaw memory export DIR` writes every document
 * under DIR (so they can be edited with any editor), `ironclaw memory import DIR` reads them back,
 * and the first start with memory in the database imports IRONCLAW_HOME/workspace once (a setting
 * records that it happened, so a file deleted later is not resurrected). Only text files
 * (.md, .txt) are imported; every path goes through the same rules as the model's
 * (paths.ts), and a symbolic link is skipped rather than followed out of DIR.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Database } from "../db/client.ts";
import { getSetting, putSetting } from "../db/settings.ts";
import type { Memory } from "./memory.ts";
import { maxDocumentBytes, normalizeDocumentPath } from "./paths.ts";

const importedSetting = "memory.workspace_imported";
const textFile = /\.(md|markdown|txt)$/i;

export interface ImportReport {
  imported: string[];
  unchanged: string[];
  skipped: { path: string; reason: string }[];
}

function walk(root: string, directory: string, into: string[]): string[] {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) walk(root, full, into);
    else if (entry.isFile()) into.push(relative(root, full).split(sep).join("/"));
    else into.push(`\0${relative(root, full).split(sep).join("/")}`); // links and others: reported
  }
  return into;
}

export async function importDirectory(
  memory: Memory,
  directory: string,
  options: { overwrite?: boolean } = {},
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], unchanged: [], skipped: [] };
  for (const found of walk(directory, directory, []).sort()) {
    if (found.startsWith("\0")) {
      report.skipped.push({ path: found.slice(1), reason: "not a regular file" });
      continue;
    }
    if (!textFile.test(found)) {
      report.skipped.push({ path: found, reason: "not a .md or .txt file" });
      continue;
    }
    try {
      const path = normalizeDocumentPath(found);
      const full = join(directory, found);
      if (lstatSync(full).size > maxDocumentBytes) throw new Error(`over ${maxDocumentBytes} bytes`);
      if (!options.overwrite && (await memory.get(path))) {
        report.unchanged.push(path);
        continue;
      }
      const result = await memory.write(path, readFileSync(full, "utf8"));
      (result.changed ? report.imported : report.unchanged).push(path);
    } catch (error) {
      report.skipped.push({ path: found, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

/** Writes every document under `directory`; returns the paths written. */
export async function exportDirectory(memory: Memory, directory: string): Promise<string[]> {
  const written: string[] = [];
  for (const entry of await memory.tree()) {
    const path = normalizeDocumentPath(entry.path); // stored paths were checked; check again anyway
    const target = join(directory, ...path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await memory.read(path));
    written.push(path);
  }
  return written;
}

/** Imports the workspace folder once per database; later starts leave the documents alone. */
export async function importWorkspaceOnce(
  memory: Memory,
  db: Database,
  workspaceDir: string,
): Promise<ImportReport | undefined> {
  if (await getSetting(db, importedSetting)) return undefined;
  let report: ImportReport = { imported: [], unchanged: [], skipped: [] };
  try {
    report = await importDirectory(memory, workspaceDir);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  await putSetting(db, importedSetting, new Date().toISOString());
  return report;
}

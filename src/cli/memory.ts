/**
 * `ironclaw memory search|read|write|tree|status|export DIR|import DIR`: the owner's memory
 * from the terminal. Works on the database directly (PostgreSQL at any time; the embedded
 * database while the assistant is stopped). The owner at the terminal may write any document,
 * the system-prompt files included; the running assistant reads them at its next turn.
 * `write` takes the text from `--text` or standard input; `import` replaces documents with the
 * folder's files (the previous content stays as a version).
 */
import { loadFullConfig } from "../app.ts";
import { describeError } from "../errors.ts";
import { createLogger } from "../log.ts";
import { createConfiguredEmbedder } from "../memory/embedding-config.ts";
import { createMemory, type Memory } from "../memory/memory.ts";
import type { SearchMode } from "../memory/search.ts";
import { pgvectorAdvice } from "../memory/vector-advice.ts";
import { exportDirectory, importDirectory, importWorkspaceOnce } from "../memory/workspace-files.ts";

const usage = `Usage: ironclaw memory search QUERY [--limit N] [--prefix PATH] [--mode hybrid|text|vector]
       ironclaw memory read PATH | tree [PREFIX] | status
       ironclaw memory write PATH [--append] [--text TEXT]   (text from stdin without --text)
       ironclaw memory export DIR | import DIR`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(args: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--append") flags.set("append", true);
    else if (arg.startsWith("--")) flags.set(arg.slice(2), args[++index] ?? "");
    else positional.push(arg);
  }
  return { positional, flags };
}

async function embedNow(memory: Memory, print: (line: string) => void): Promise<void> {
  try {
    const count = await memory.embedPending();
    if (count > 0) print(`Embedded ${count} chunk(s).`);
  } catch (error) {
    print(`Embedding failed (text search still works; the assistant retries): ${describeError(error)}`);
  }
}

export async function runMemoryCommand(
  args: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
  readInput: () => Promise<string> = () => new Response(Bun.stdin.stream()).text(),
): Promise<number> {
  const [subcommand, ...rest] = args;
  const { positional, flags } = parseArgs(rest);
  const argument = positional.join(" ");
  const needsArgument = ["search", "read", "write", "export", "import"];
  if (
    !subcommand ||
    ![...needsArgument, "tree", "status"].includes(subcommand) ||
    (needsArgument.includes(subcommand) && !argument)
  ) {
    print(usage);
    return 2;
  }
  const log = createLogger({ level: "error" });
  const { config, database } = await loadFullConfig(env, log);
  const memory = await createMemory({
    database,
    embedder: createConfiguredEmbedder(config),
    log,
    timezone: config.timezone,
    backgroundEmbedding: false,
  });
  try {
    await importWorkspaceOnce(memory, database.db, config.workspaceDir);
    switch (subcommand) {
      case "search": {
        const limit = flags.has("limit") ? Number(flags.get("limit")) : 10;
        const result = await memory.search({
          query: argument,
          limit,
          pathPrefix: typeof flags.get("prefix") === "string" ? (flags.get("prefix") as string) : undefined,
          mode: (flags.get("mode") as SearchMode | undefined) ?? "hybrid",
        });
        for (const warning of result.warnings) print(`(${warning})`);
        if (result.hits.length === 0) print("No matches.");
        for (const hit of result.hits) {
          print(`${hit.score.toFixed(3)}  ${hit.path} #${hit.position}`);
          print(`       ${hit.snippet.replace(/\s+/g, " ").slice(0, 200)}`);
        }
        return 0;
      }
      case "read":
        print(await memory.read(argument));
        return 0;
      case "write": {
        const text =
          typeof flags.get("text") === "string" ? (flags.get("text") as string) : await readInput();
        const written = await memory.write(argument, text, flags.has("append") ? "append" : "replace");
        print(
          written.changed
            ? `Wrote ${written.path} (${written.bytes} bytes).`
            : `${written.path} is unchanged.`,
        );
        await embedNow(memory, print);
        return 0;
      }
      case "tree":
        for (const entry of await memory.tree(argument || undefined)) {
          print(
            `${entry.updatedAt.toISOString().slice(0, 16).replace("T", " ")}  ${String(entry.bytes).padStart(8)}  ${entry.path}`,
          );
        }
        return 0;
      case "status": {
        const status = await memory.status();
        print(`documents: ${status.documents}, chunks: ${status.chunks}`);
        if (status.vectors.available) {
          print(
            `vectors: pgvector ${status.vectors.version}, model ${status.model}: ${status.embedded}/${status.chunks} chunks embedded`,
          );
        } else {
          print(`vectors: off (${status.vectors.reason}); search uses full text`);
          if (status.model) print(pgvectorAdvice(database.backend));
        }
        if (status.lastEmbeddingError) print(`last embedding error: ${status.lastEmbeddingError}`);
        return 0;
      }
      case "export": {
        const written = await exportDirectory(memory, argument);
        print(`Exported ${written.length} document(s) to ${argument}.`);
        return 0;
      }
      default: {
        const report = await importDirectory(memory, argument, { overwrite: true });
        print(
          `Imported ${report.imported.length}, unchanged ${report.unchanged.length}, skipped ${report.skipped.length}.`,
        );
        for (const skipped of report.skipped) print(`  skipped ${skipped.path}: ${skipped.reason}`);
        await embedNow(memory, print);
        return 0;
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === "invalid_input") {
      print(describeError(error));
      return 1;
    }
    throw error;
  } finally {
    await memory.stop();
    await database.close();
  }
}

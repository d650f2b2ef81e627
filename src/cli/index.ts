import { AppError, ConfigError, StartupError } from "../errors.ts";
import { silentLogger } from "../log.ts";

const usage = `Usage: ironclaw [command]

Commands:
  run       start the assistant (default)
  doctor    show the effective configuration, database, LLM and channels
  approvals list [--status S]   the approval audit trail (who decided what, when, where)
  pairing list | pairing approve <channel> <code>   confirm who the owner is on a channel
  memory search QUERY | read PATH | write PATH | tree | status | export DIR | import DIR   the workspace documents and search
  routines list | run <name> | enable <name> | disable <name> | history <name>   scheduled routines
  usage [--days N]   tokens and prompt-cache tokens per day
  sandbox build | status   the container jobs' sandbox image (needs DOCKER_HOST or a local engine)
  secrets set NAME | list | delete NAME | map NAME --host GLOB … | mappings | unmap ID   the encrypted secret store
  skills search QUERY | install SLUG [--version V] [--yes] | remove NAME | list | info NAME   SKILL.md skills: bundled, your own, installed from the registry
  tools install <file.wasm | folder | npm-package> [--yes] | list | inspect NAME [--source] | history NAME | remove NAME | enable NAME | disable NAME | build <src.js|src.ts>   sandboxed WASM tools
  help      show this help`;

/** Turns errors the owner must fix into one clear line and exit code 2. */
export function reportFatal(error: unknown): number {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`ironclaw: ${error.message}\n`);
    return 2;
  }
  if (
    error instanceof AppError &&
    ["database_unavailable", "database_in_use", "database_schema_too_new"].includes(error.code)
  ) {
    process.stderr.write(`ironclaw: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(
    `ironclaw: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

// Each command's module is imported when it runs, so `run` does not load what only `tools`,
// `sandbox` or `memory` need (jco, dockerode, …): start-up time and memory are a feature.
export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const [command = "run", ...rest] = args;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    switch (command) {
      case "run":
        return await (await import("./run.ts")).runAssistant(env);
      case "doctor": {
        const { runDoctor } = await import("./doctor.ts");
        const healthy = await runDoctor({
          env,
          print,
          describeLlm: async (config) => {
            const { createLlmClient, detectOllama, llmSetupHint } = await import("../llm/index.ts");
            const setup = createLlmClient(config.llm, { log: silentLogger });
            if (setup) return [`configured: ${setup.description}`];
            if (await detectOllama(config.llm.ollamaBaseUrl))
              return [`a local Ollama answers at ${config.llm.ollamaBaseUrl}`];
            return ["not configured", llmSetupHint];
          },
        });
        return healthy ? 0 : 1;
      }
      case "approvals":
        return await (await import("./approvals.ts")).runApprovalsCommand(rest, env, print);
      case "pairing":
        return await (await import("./pairing.ts")).runPairingCommand(rest, env, print);
      case "memory":
        return await (await import("./memory.ts")).runMemoryCommand(rest, env, print);
      case "routines":
        return await (await import("./routines.ts")).runRoutinesCommand(rest, env, print);
      case "secrets":
        return await (await import("./secrets.ts")).runSecretsCommand(rest, env, { print });
      case "sandbox":
        return await (await import("./sandbox.ts")).runSandboxCommand(rest, env, print);
      case "skills": {
        const [{ runSkillsCommand }, { askLine }] = await Promise.all([
          import("./skills.ts"),
          import("./ask-line.ts"),
        ]);
        return await runSkillsCommand(rest, env, {
          print,
          printError: (line) => process.stderr.write(`${line}\n`),
          isTerminal: Boolean(process.stdin.isTTY),
          ask: askLine,
        });
      }
      case "tools": {
        const [{ runToolsCommand }, { askLine }] = await Promise.all([
          import("./tools.ts"),
          import("./ask-line.ts"),
        ]);
        return await runToolsCommand(rest, env, {
          print,
          printError: (line) => process.stderr.write(`${line}\n`),
          isTerminal: Boolean(process.stdin.isTTY),
          ask: askLine,
          cwd: process.cwd(),
        });
      }
      case "usage":
        return await (await import("./usage.ts")).runUsageCommand(rest, env, print);
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${usage}\n`);
        return 0;
      default:
        process.stderr.write(`ironclaw: unknown command "${command}"\n${usage}\n`);
        return 2;
    }
  } catch (error) {
    return reportFatal(error);
  }
}

import { AppError, ConfigError, StartupError } from "../errors.ts";
import { createLlmClient, detectOllama, llmSetupHint } from "../llm/index.ts";
import { silentLogger } from "../log.ts";
import { runApprovalsCommand } from "./approvals.ts";
import { runDoctor } from "./doctor.ts";
import { runPairingCommand } from "./pairing.ts";
import { runRoutinesCommand } from "./routines.ts";
import { runAssistant } from "./run.ts";
import { runSecretsCommand } from "./secrets.ts";
import { runUsageCommand } from "./usage.ts";

const usage = `Usage: ironclaw [command]

Commands:
  run       start the assistant (default)
  doctor    show the effective configuration, database, LLM and channels
  approvals list [--status S]   the approval audit trail (who decided what, when, where)
  pairing list | pairing approve <channel> <code>   confirm who the owner is on a channel
  routines list | run <name> | enable <name> | disable <name> | history <name>   scheduled routines
  usage [--days N]   tokens and prompt-cache tokens per day
  secrets set NAME | list | delete NAME | map NAME --host GLOB … | mappings | unmap ID   the encrypted secret store
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

export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const [command = "run", ...rest] = args;
  try {
    switch (command) {
      case "run":
        return await runAssistant(env);
      case "doctor":
        return (await runDoctor({
          env,
          print: (line) => process.stdout.write(`${line}\n`),
          describeLlm: async (config) => {
            const setup = createLlmClient(config.llm, { log: silentLogger });
            if (setup) return [`configured: ${setup.description}`];
            if (await detectOllama(config.llm.ollamaBaseUrl))
              return [`a local Ollama answers at ${config.llm.ollamaBaseUrl}`];
            return ["not configured", llmSetupHint];
          },
        }))
          ? 0
          : 1;
      case "approvals":
        return await runApprovalsCommand(rest, env, (line) => process.stdout.write(`${line}\n`));
      case "pairing":
        return await runPairingCommand(rest, env, (line) => process.stdout.write(`${line}\n`));
      case "routines":
        return await runRoutinesCommand(rest, env, (line) => process.stdout.write(`${line}\n`));
      case "secrets":
        return await runSecretsCommand(rest, env, { print: (line) => process.stdout.write(`${line}\n`) });
      case "usage":
        return await runUsageCommand(rest, env, (line) => process.stdout.write(`${line}\n`));
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

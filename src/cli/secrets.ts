/**
 * `ironclaw secrets …`: the owner's hands on the encrypted store, on the machine itself.
 *   set NAME        the value from stdin (hidden on a terminal), never from the command line
 *   list            names, created, last used — never values
 *   delete NAME     the secret and its mappings
 *   map NAME --host GLOB [--host GLOB…] [--path PREFIX]
 *       (--bearer | --basic | --header NAME [--prefix P] | --query NAME | --url-path PLACEHOLDER)
 *   mappings        every mapping with its id;   unmap ID
 * The running assistant reads the store on each use, so changes take effect at once.
 */
import { loadFullConfig } from "../app.ts";
import { AppError } from "../errors.ts";
import { createLogger } from "../log.ts";
import { SecretInputError } from "../secrets/errors.ts";
import { type CredentialLocation, describeLocation } from "../secrets/mapping.ts";
import {
  addCredentialMapping,
  listCredentialMappings,
  removeCredentialMapping,
} from "../secrets/mappings.ts";
import { checkSecretName } from "../secrets/names.ts";
import { createSecretStore } from "../secrets/store.ts";
import { readSecretValue } from "./secret-input.ts";

export const secretsUsage = `Usage:
  ironclaw secrets set NAME            (the value is read from stdin, hidden on a terminal)
  ironclaw secrets list
  ironclaw secrets delete NAME
  ironclaw secrets map NAME --host GLOB [--path PREFIX] (--bearer | --basic | --header NAME [--prefix P] | --query NAME | --url-path PLACEHOLDER)
  ironclaw secrets mappings
  ironclaw secrets unmap ID`;

interface MapArguments {
  hosts: string[];
  pathPrefix?: string;
  location: CredentialLocation;
}

/** Parses the options of `secrets map`; throws SecretInputError naming the wrong option. */
export function parseMapArguments(args: readonly string[]): MapArguments {
  const hosts: string[] = [];
  let pathPrefix: string | undefined;
  let prefix: string | undefined;
  const locations: CredentialLocation[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const option = args[index] as string;
    const value = (): string => {
      const next = args[index + 1];
      if (next === undefined || next.startsWith("--")) throw new SecretInputError(`${option} needs a value`);
      index += 1;
      return next;
    };
    if (option === "--host") hosts.push(value());
    else if (option === "--path") pathPrefix = value();
    else if (option === "--bearer") locations.push({ type: "bearer" });
    else if (option === "--basic") locations.push({ type: "basic" });
    else if (option === "--header") locations.push({ type: "header", name: value() });
    else if (option === "--prefix") prefix = value();
    else if (option === "--query") locations.push({ type: "query", name: value() });
    else if (option === "--url-path") locations.push({ type: "url-path", placeholder: value() });
    else throw new SecretInputError(`unknown option ${JSON.stringify(option)}`);
  }
  const [location] = locations;
  if (locations.length !== 1 || location === undefined) {
    throw new SecretInputError("name exactly one of --bearer, --basic, --header, --query, --url-path");
  }
  if (prefix !== undefined) {
    if (location.type !== "header") throw new SecretInputError("--prefix goes with --header");
    location.prefix = prefix;
  }
  return { hosts, ...(pathPrefix === undefined ? {} : { pathPrefix }), location };
}

export interface SecretsCommandIo {
  print: (line: string) => void;
  input?: NodeJS.ReadStream;
  prompt?: (text: string) => void;
}

export async function runSecretsCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: SecretsCommandIo,
): Promise<number> {
  const [subcommand, name, ...rest] = args;
  const known = ["set", "list", "delete", "map", "mappings", "unmap"];
  if (!subcommand || !known.includes(subcommand)) {
    io.print(secretsUsage);
    return 2;
  }
  if (subcommand === "set" && rest.length > 0) {
    io.print(
      "ironclaw: the value is read from stdin, never from the command line (it would stay in your shell history): echo … | ironclaw secrets set NAME",
    );
    return 2;
  }
  const { config, database } = await loadFullConfig(env, createLogger({ level: "error" }));
  const environmentKey = env.IRONCLAW_MASTER_KEY;
  const store = createSecretStore({ db: database.db, home: config.home, environmentKey });
  try {
    switch (subcommand) {
      case "set": {
        const secret = checkSecretName(name ?? "");
        const value = await readSecretValue(secret, {
          input: io.input ?? process.stdin,
          prompt: io.prompt ?? ((text) => process.stderr.write(text)),
        });
        await store.set(secret, value);
        io.print(`Stored secret ${secret}.`);
        return 0;
      }
      case "list": {
        const rows = await store.list();
        if (rows.length === 0) io.print("No secrets stored.");
        for (const row of rows) {
          io.print(
            `${row.name}  created ${row.createdAt.toISOString()}  last used ${row.lastUsedAt?.toISOString() ?? "never"}`,
          );
        }
        return 0;
      }
      case "delete": {
        const secret = checkSecretName(name ?? "");
        if (!(await store.delete(secret))) {
          io.print(`ironclaw: no secret named ${secret}`);
          return 1;
        }
        io.print(`Deleted secret ${secret} and its mappings.`);
        return 0;
      }
      case "map": {
        const mapping = await addCredentialMapping(database.db, {
          secret: name ?? "",
          ...parseMapArguments(rest),
        });
        io.print(
          `Mapping ${mapping.id}: ${mapping.secret} → ${mapping.hosts.join(", ")}${mapping.pathPrefix ?? ""} as ${describeLocation(mapping.location)}.`,
        );
        return 0;
      }
      case "mappings": {
        const mappings = await listCredentialMappings(database.db);
        if (mappings.length === 0) io.print("No credential mappings.");
        for (const mapping of mappings) {
          io.print(
            `${mapping.id}  ${mapping.secret} → ${mapping.hosts.join(", ")}${mapping.pathPrefix ?? ""}  ${describeLocation(mapping.location)}`,
          );
        }
        return 0;
      }
      default: {
        const id = Number(name);
        if (!Number.isInteger(id) || !(await removeCredentialMapping(database.db, id))) {
          io.print(`ironclaw: no mapping with id ${JSON.stringify(name ?? "")}`);
          return 1;
        }
        io.print(`Removed mapping ${id}.`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof AppError && (error instanceof SecretInputError || error.code === "config_invalid")) {
      io.print(`ironclaw: ${error.message}`);
      return 1;
    }
    if (error instanceof AppError && error.name === "CorruptSecretError") {
      io.print(`ironclaw: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

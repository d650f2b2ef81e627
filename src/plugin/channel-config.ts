/**
 * How a channel declares its own configuration, so that adding a channel touches its folder and
 * one line of `channels/index.ts`: the variables it reads (name, doc, parser, default, whether it
 * is a secret), which of them holds the owner's user id, the rule that enables it, and how its
 * options are built from the parsed values. `src/config-variables.ts` puts these variables in
 * the one variable table, so the config loader, `ironclaw doctor`, log redaction and the README
 * table cover them like any other; variable names stay a public contract.
 *
 * Example (channels/<name>/config.ts):
 *   export const echoConfig = declareChannelConfig({
 *     id: "echo",
 *     variables: [{ name: "ECHO_TOKEN", doc: "Echo bot token; enables Echo", parse: parseNonEmpty, secret: true }],
 *     ownerIdVariable: "ECHO_OWNER_ID",
 *     missing: (values) => (values.ECHO_TOKEN ? null : "ECHO_TOKEN is not set"),
 *     options: (values) => ({ token: values.ECHO_TOKEN as string }),
 *   });
 */

// The parsers a declaration uses; re-exported so a channel folder imports from src/plugin only.
export {
  parseBoolean,
  parseDuration,
  parseInteger,
  parseList,
  parseNonEmpty,
  parseNumericId,
  parseOneOf,
  parseUrl,
} from "../config-parse.ts";

/** One configuration variable: its public name, what it means, how to parse it. */
export interface ConfigVariable {
  name: string;
  doc: string;
  parse: (raw: string) => unknown;
  /** Raw default (parsed like any other value) — absent means "unset". */
  default?: string;
  secret?: boolean;
  /** Only read from the environment (e.g. where the config file itself lives). */
  envOnly?: boolean;
}

/** Parsed configuration values by variable name (unset variables are absent). */
export type ConfigValues = Readonly<Record<string, unknown>>;

export interface ChannelConfigDeclaration<Options = unknown> {
  /** The id the channel registers under. */
  readonly id: string;
  readonly variables: readonly ConfigVariable[];
  /** The variable holding the owner's user id on this platform; unset means pairing. */
  readonly ownerIdVariable?: string;
  /** Why the channel is off (naming the variable to set), or null when it is enabled. */
  missing(values: ConfigValues): string | null;
  /** The channel's options; called only when `missing` returned null. */
  options(values: ConfigValues): Options;
}

/** Identity function that checks a declaration's shape where it is written. */
export function declareChannelConfig<Options>(
  declaration: ChannelConfigDeclaration<Options>,
): ChannelConfigDeclaration<Options> {
  return declaration;
}

/** The owner id a declaration names, read from the parsed values. */
export function declaredOwnerId(
  declaration: ChannelConfigDeclaration,
  values: ConfigValues,
): string | undefined {
  if (!declaration.ownerIdVariable) return undefined;
  const value = values[declaration.ownerIdVariable];
  return typeof value === "string" ? value : undefined;
}

/**
 * Which tool definitions the model is given on each call of a turn. With a handful of tools it
 * gets them all. Beyond that, the rarely used host tools (`offer: "on-search"`) and — once more
 * than a handful are installed — the installed ones are deferred: the model gets the core tools
 * plus `tool_search`, and every deferred tool a `tool_search` result of
 * this turn returned is added, after them, for the rest of the turn. The list is derived from
 * the turn's messages, so it survives a pause for approval and a restart with no state of its
 * own, and it keeps registration order, so the definitions are byte-identical from turn to turn.
 */
import type { ChatMessage, ToolSpec } from "../llm/types.ts";

/** Up to this many tools in all, every definition is sent and `tool_search` is not offered. */
export const toolSearchThreshold = 12;
export const toolSearchName = "tool_search";

/**
 * Schema keywords the host enforces itself before a tool runs (a violation comes back to the
 * model as an error result naming it), so the model is not sent them with every request.
 */
const hostEnforcedKeywords = new Set(["minLength", "maxLength", "pattern"]);

/** A definition as the model is sent it: the tool's schema less what the host enforces. */
export function modelFacing(spec: ToolSpec): ToolSpec {
  return { ...spec, parameters: withoutHostEnforced(spec.parameters) as Record<string, unknown> };
}

function withoutHostEnforced(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutHostEnforced);
  if (schema === null || typeof schema !== "object") return schema;
  const entries = Object.entries(schema).filter(
    ([key, value]) => !hostEnforcedKeywords.has(key) && !(key === "additionalProperties" && value === false),
  );
  return Object.fromEntries(
    entries.map(([key, value]) => [key, key === "enum" ? value : withoutHostEnforced(value)]),
  );
}

export interface ToolOffer {
  /** The definitions for the next call of the turn whose messages these are. */
  offered(messages: readonly ChatMessage[]): ToolSpec[];
}

/**
 * While only this many tools are installed they are sent with the core tools (the model need not
 * search for what the owner just installed); beyond it they all wait behind `tool_search`.
 */
export const installedDirectLimit = 5;

/**
 * `deferred`: names of tools to hold back while more than the threshold are registered — the
 * installed ones (`installed`, a subset) and the host's `offer: "on-search"` ones.
 */
export function createToolOffer(
  registered: readonly ToolSpec[],
  deferred: ReadonlySet<string>,
  installed: ReadonlySet<string> = new Set(),
): ToolOffer {
  const specs = registered.map(modelFacing);
  const searchable = specs.some((spec) => spec.name === toolSearchName);
  const withheld = new Set(
    [...deferred].filter((name) => !installed.has(name) || installed.size > installedDirectLimit),
  );
  if (!searchable || specs.length <= toolSearchThreshold || withheld.size === 0) {
    const all = specs.filter((spec) => spec.name !== toolSearchName);
    return { offered: () => all };
  }
  const core = specs.filter((spec) => !withheld.has(spec.name));
  return {
    offered(messages) {
      const found = foundTools(messages, withheld);
      // Found tools go after the core ones, so the definitions sent before stay a prefix.
      return found.size === 0 ? core : [...core, ...specs.filter((spec) => found.has(spec.name))];
    },
  };
}

/** Names of deferred tools that this turn's successful `tool_search` results returned. */
function foundTools(messages: readonly ChatMessage[], deferred: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  for (const message of messages) {
    if (message.role !== "tool" || message.name !== toolSearchName || message.isError) continue;
    for (const name of namesIn(message.content)) if (deferred.has(name)) found.add(name);
  }
  return found;
}

function namesIn(content: string): string[] {
  try {
    const parsed = JSON.parse(content) as { tools?: { name?: unknown }[] };
    return (parsed.tools ?? []).flatMap((tool) => (typeof tool?.name === "string" ? [tool.name] : []));
  } catch {
    return [];
  }
}

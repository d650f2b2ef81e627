/**
 * Attenuation, the reference's "critical attenuation rule" (Roles & Permissions): if ANY
 * installed (registry-sourced) skill is active in a turn, the tool ceiling drops to a read-only
 * subset for the whole turn — for every skill in it, trusted ones included — as a defence in
 * depth against prompt injection through skill content. A registry has shipped malware before;
 * a skill is words, and the only way words act on the world here is through tools.
 *
 * The subset is a fixed list of NAMES (not "every read-risk tool"): a tool added later does not
 * join it by declaring `risk: "read"`. A name counts only for the host's own registration
 * (built-in or host-backed): an installed WASM tool that took one of these names would not pass.
 * Enforced twice: the tools offered to the model (tool-offer.ts) and the tool pipeline's ceiling
 * step (tool-steps/ceiling.ts), which also covers stored calls approved or resumed later.
 */
import type { ToolCeiling } from "../plugin/tool.ts";
import type { SkillTrust } from "./types.ts";

export const readOnlyToolNames: ReadonlySet<string> = new Set([
  "memory_search",
  "memory_read",
  "memory_tree",
  "time",
  "echo",
  "json",
  "skill_list",
  "skill_search",
]);

/** The ceiling of a turn whose active skills have these trusts. */
export function ceilingFor(skills: readonly { trust: SkillTrust }[]): ToolCeiling {
  return skills.some((skill) => skill.trust === "installed") ? "read-only" : "full";
}

/**
 * The ceiling to enforce for a stored turn state. Fails closed: anything but an explicit `full`
 * (or no mark at all on a turn with no installed skill) is read-only, so a garbled or tampered
 * row cannot widen a turn.
 */
export function storedCeiling(state: { ceiling?: unknown; skills?: unknown }): ToolCeiling {
  const skills = Array.isArray(state.skills) ? (state.skills as { trust?: unknown }[]) : [];
  if (state.skills !== undefined && !Array.isArray(state.skills)) return "read-only";
  if (skills.some((skill) => skill?.trust !== "trusted")) return "read-only";
  if (state.ceiling === undefined || state.ceiling === "full") return "full";
  return "read-only";
}

/** May this tool run (or be offered) under `ceiling`? `isHostTool`: registered as built-in or host. */
export function allowedUnderCeiling(
  ceiling: ToolCeiling,
  tool: { name: string; risk?: string },
  isHostTool: boolean,
): boolean {
  if (ceiling === "full") return true;
  return readOnlyToolNames.has(tool.name) && isHostTool && (tool.risk === undefined || tool.risk === "read");
}

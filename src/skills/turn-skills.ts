/**
 * The skills of one turn, decided once when it starts: which skills the owner's message selects,
 * the context message that carries them, and the tool ceiling they impose. All of it goes into
 * the turn's loop state (the message among the messages, the names and the ceiling beside them),
 * which is what a pause for approval stores and a restart reads back — so a resumed turn keeps
 * the same skills and, above all, the same ceiling, without selecting again.
 */
import type { LoopState } from "../agent/loop.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { ToolCeiling } from "../plugin/tool.ts";
import { ceilingFor } from "./attenuation.ts";
import { insertBeforeTrigger, skillContextMessage } from "./prompt-block.ts";
import type { SkillSelector } from "./select.ts";
import type { SkillTrust } from "./types.ts";

export interface TurnSkills {
  skills: { name: string; version: string; trust: SkillTrust }[];
  ceiling: ToolCeiling;
  /** The host's skill context message, inserted before the trigger; absent with no skill. */
  message?: ChatMessage;
}

/** What the agent asks at the start of each turn, with the owner's message text. */
export type SelectTurnSkills = (text: string) => TurnSkills | Promise<TurnSkills>;

export const noTurnSkills: TurnSkills = Object.freeze({ skills: [], ceiling: "full" as const });

export function createTurnSkillSelection(selector: () => SkillSelector): SelectTurnSkills {
  return function selectTurnSkills(text) {
    const selected = selector()(text);
    if (selected.length === 0) return noTurnSkills;
    return {
      skills: selected.map(({ name, version, trust }) => ({ name, version, trust })),
      ceiling: ceilingFor(selected),
      message: skillContextMessage(selected),
    };
  };
}

/** The initial loop state of a turn with its skills applied. */
export function withTurnSkills(state: LoopState, turnSkills: TurnSkills): LoopState {
  if (turnSkills.skills.length === 0) return state;
  return {
    ...state,
    messages: turnSkills.message ? insertBeforeTrigger(state.messages, turnSkills.message) : state.messages,
    skills: turnSkills.skills,
    ceiling: turnSkills.ceiling,
  };
}

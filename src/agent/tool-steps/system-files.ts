/**
 * Guards the files that form the system prompt (src/safety/system-prompt-files.ts) in the tool
 * pipeline, before policy and approval: a call that names one of them and carries injection
 * markers is refused outright (the owner is not asked to approve an attack), and every call gets
 * a workspace that refuses writes to those files unless the owner approved this stored call. That
 * such calls always ask is the approval tier's part (src/approvals/policy.ts).
 */
import {
  guardSystemPromptFiles,
  injectionMarkersInParams,
  systemPromptFilesNamedIn,
} from "../../safety/system-prompt-files.ts";
import { refuse, type ToolStep } from "./call-state.ts";

export function createSystemFilesStep(): ToolStep {
  return async function guardSystemFiles(state, next) {
    const params = state.prepared.params ?? {};
    const named = state.prepared.tool?.risk === "read" ? [] : systemPromptFilesNamedIn(params);
    if (named.length > 0) {
      const markers = injectionMarkersInParams(params);
      if (markers.length > 0) {
        state.context.log.warn("refused a system-prompt file write carrying injection markers", { markers });
        return refuse(
          state,
          `Refused: ${named.join(", ")} forms the system prompt and this call carries injection markers (${markers.join(", ")}).`,
          "denied",
        );
      }
    }
    state.context = {
      ...state.context,
      workspace: guardSystemPromptFiles(state.context.workspace, state.origin === "approved"),
    };
    await next();
  };
}

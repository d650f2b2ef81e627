/**
 * What the owner is told when a turn cannot finish: short, specific, and actionable. Built from
 * the error's code and fields and from LlmError messages, which are owner-safe by contract (see
 * src/llm/errors.ts); provider bodies and runtime text live in the error's cause, for the log.
 */
import { AppError } from "../errors.ts";
import { isLlmError } from "../llm/errors.ts";

/** "; I tried 4 times" (and "with 2 providers"), or nothing for a single try. */
function triedText(error: AppError): string {
  if (!isLlmError(error) || error.attempts <= 1) return "";
  const providers = error.providers > 1 ? ` with ${error.providers} providers` : "";
  return `; I tried ${error.attempts} times${providers}`;
}

function withoutFinalStop(text: string): string {
  return text.replace(/\.+$/, "");
}

export function ownerMessageFor(error: unknown): string {
  if (!(error instanceof AppError))
    return "Something went wrong on my side and I could not answer. The error was logged.";
  switch (error.code) {
    case "cancelled":
      return "Stopped.";
    case "llm_auth_failed":
    case "llm_context_length_exceeded":
    case "llm_model_not_available":
    case "llm_not_configured":
      return error.message;
    case "llm_invalid_response":
      return `The model sent a reply I could not use (${withoutFinalStop(error.message)})${triedText(error)}. Please try again.`;
    case "llm_rate_limited":
    case "llm_request_failed":
    case "llm_timeout":
    case "llm_circuit_open":
      return `${withoutFinalStop(error.message)}${triedText(error)}. Please try again in a moment.`;
    case "database_unavailable":
      return "My database is not reachable right now; your message is saved and I will need you to resend it once it is back.";
    default:
      // Other codes carry internal text (SQL errors, stack-level detail): the log has it.
      return `Something went wrong on my side and I could not finish that (${error.code.replaceAll("_", " ")}). The details are in the log.`;
  }
}

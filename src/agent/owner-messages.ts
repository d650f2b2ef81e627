/** What the owner is told when a turn cannot finish: short, specific, and actionable. */
import { AppError } from "../errors.ts";

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
      return `The model sent a reply I could not use (${error.message}). Please try again.`;
    case "llm_rate_limited":
    case "llm_request_failed":
    case "llm_timeout":
    case "llm_circuit_open":
      return `The model is not answering right now (${error.message}). Please try again in a moment.`;
    case "database_unavailable":
      return "My database is not reachable right now; your message is saved and I will need you to resend it once it is back.";
    default:
      return `I could not finish that: ${error.message}`;
  }
}

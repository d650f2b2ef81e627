/**
 * The approval half of the "Veto" flow over HTTP: list approvals, and decide one with
 * `POST /api/approvals/{id}`. Deciding is the approvals service's compare-and-set; this module
 * only translates its answers to status codes and waits (bounded) for the resumed turn, so the
 * caller usually gets the turn's outcome in the same response. A turn still running at the
 * deadline is reported as `{status: "running"}`; its reply then arrives on the SSE stream.
 * A malformed approval id (control characters such as U+0000, over-long) is a 400 before the
 * approvals service, and so the database, sees it.
 */
import type { Logger } from "../log.ts";
import { checkId } from "./ids.ts";
import { badRequest, readJsonObject } from "./json-body.ts";
import { json } from "./json-response.ts";
import type { ApprovalStatus, ApprovalsApi, DecideFailureReason, TurnResult } from "./ports.ts";

export interface ApprovalRouteOptions {
  approvals: ApprovalsApi;
  log: Logger;
  replyTimeoutMs: number;
}

const statuses: readonly ApprovalStatus[] = ["pending", "approved", "denied", "expired"];
const actions = ["approve", "always", "deny"] as const;
type Action = (typeof actions)[number];

const failureStatus: Record<DecideFailureReason, number> = {
  not_found: 404,
  already_decided: 409,
  expired: 409,
  forbidden: 403,
  always_not_allowed: 400,
  fingerprint_mismatch: 409,
};

export type ResumedTurn = TurnResult | { status: "running" };

/** Waits for the resumed turn at most `timeoutMs`; a rejection becomes a failed result. */
async function awaitResumed(
  resumed: Promise<TurnResult>,
  timeoutMs: number,
  log: Logger,
): Promise<ResumedTurn> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = resumed.catch((error: unknown): TurnResult => {
    log.error("resumed turn failed", { error });
    return { status: "failed", message: error instanceof Error ? error.message : String(error) };
  });
  const deadline = new Promise<ResumedTurn>((resolve) => {
    timer = setTimeout(() => resolve({ status: "running" }), timeoutMs);
  });
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function createApprovalHandlers(options: ApprovalRouteOptions): {
  list(url: URL): Promise<Response>;
  decide(request: Request, id: string): Promise<Response>;
} {
  const { approvals, log, replyTimeoutMs } = options;
  return {
    async list(url) {
      const status = url.searchParams.get("status");
      if (status !== null && !statuses.includes(status as ApprovalStatus)) {
        return badRequest("invalid_request", `status must be one of ${statuses.join(", ")}`);
      }
      const found = await approvals.list(status === null ? {} : { status: status as ApprovalStatus });
      return json({ approvals: found });
    },

    async decide(request, rawId) {
      const id = checkId(rawId, "approval id");
      if (id instanceof Response) return id;
      const body = await readJsonObject(request);
      if (!body.ok) return body.response;
      const { action } = body.value;
      if (typeof action !== "string" || !actions.includes(action as Action)) {
        return badRequest("invalid_action", `action must be one of ${actions.join(", ")}`);
      }
      const result = await approvals.decide(id, action as Action, { channel: "api", userId: "api" });
      if (!result.ok) {
        return json({ error: result.reason, message: result.message }, failureStatus[result.reason]);
      }
      log.info("approval decided", { approval: id, outcome: result.outcome });
      const turn = await awaitResumed(result.resumed, replyTimeoutMs, log);
      return json({ id: result.approval.id, outcome: result.outcome, turn });
    },
  };
}

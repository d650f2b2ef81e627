/**
 * `ironclaw approvals list [--status pending|approved|denied|expired]`: the audit trail of
 * approval decisions — what was asked, who decided, when, and through which channel or the API.
 */
import { loadFullConfig } from "../app.ts";
import { listApprovals } from "../db/approvals.ts";
import { type ApprovalStatus, approvalStatuses } from "../db/schema/index.ts";
import { createLogger } from "../log.ts";

export async function runApprovalsCommand(
  args: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<number> {
  const [subcommand = "list", ...rest] = args;
  if (subcommand !== "list") {
    print("Usage: ironclaw approvals list [--status pending|approved|denied|expired]");
    return 2;
  }
  const statusIndex = rest.indexOf("--status");
  const status = statusIndex >= 0 ? rest[statusIndex + 1] : undefined;
  if (status !== undefined && !(approvalStatuses as readonly string[]).includes(status)) {
    print(`--status must be one of ${approvalStatuses.join(", ")}`);
    return 2;
  }
  const { database } = await loadFullConfig(env, createLogger({ level: "error" }));
  try {
    const rows = await listApprovals(database.db, status as ApprovalStatus | undefined, 500);
    if (rows.length === 0) {
      print("No approvals recorded.");
      return 0;
    }
    for (const row of rows) {
      const decided = row.decidedAt
        ? `${row.decision} by ${row.decidedBy} via ${row.decidedVia} at ${row.decidedAt.toISOString()}`
        : `expires ${row.expiresAt.toISOString()}`;
      print(`${row.id}  ${row.status.padEnd(8)}  ${row.tool}  ${row.summary.slice(0, 80)}  — ${decided}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

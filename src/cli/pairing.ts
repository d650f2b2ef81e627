/**
 * `ironclaw pairing list` and `ironclaw pairing approve <channel> <code>`: confirms, on the machine
 * itself, that the sender who received `code` is the owner on `channel`. The running assistant
 * reads the owner from the database on every message, so it takes effect at once.
 */
import { loadFullConfig } from "../app.ts";
import { approvePairingCode, listPendingPairings } from "../core/pairing.ts";
import { createLogger } from "../log.ts";

const usage = "Usage: ironclaw pairing list | ironclaw pairing approve <channel> <code>";

export async function runPairingCommand(
  args: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<number> {
  const [subcommand, channel, code] = args;
  if (subcommand !== "list" && !(subcommand === "approve" && channel && code)) {
    print(usage);
    return 2;
  }
  const { database } = await loadFullConfig(env, createLogger({ level: "error" }));
  try {
    if (subcommand === "list") {
      const pending = await listPendingPairings(database.db);
      if (pending.length === 0) print("No pending pairing codes.");
      for (const row of pending) {
        print(
          `${row.channel}  ${row.code}  from ${row.displayName ?? row.externalUserId} (${row.externalUserId}), expires ${row.expiresAt.toISOString()}`,
        );
      }
      return 0;
    }
    const result = await approvePairingCode(database.db, channel as string, code as string);
    if (!result.ok) {
      print(result.message);
      return 1;
    }
    print(
      `Paired: ${result.displayName ?? result.externalUserId} (${result.externalUserId}) is now the owner on ${result.channel}.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

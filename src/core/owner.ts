/**
 * Who may talk to the assistant: only the owner. Per channel the owner is the configured id
 * (TELEGRAM_OWNER_ID, …) or, without one, the identity confirmed by pairing. The local terminal
 * and the authenticated HTTP API are the owner by construction.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { getOwnerIdentity } from "../db/identities.ts";

export const trustedLocalChannels: ReadonlySet<string> = new Set(["terminal", "api", "routine"]);

export function configuredOwnerId(config: Config, channel: string): string | undefined {
  switch (channel) {
    case "telegram":
      return config.telegram.ownerId;
    case "discord":
      return config.discord.ownerId;
    case "slack":
      return config.slack.ownerId;
    default:
      return undefined;
  }
}

export function createOwnerCheck(config: Config, db: Database) {
  return async function isOwner(channel: string, senderId: string): Promise<boolean> {
    if (trustedLocalChannels.has(channel)) return true;
    const configured = configuredOwnerId(config, channel);
    if (configured !== undefined) return configured === senderId;
    const paired = await getOwnerIdentity(db, channel);
    return paired?.externalUserId === senderId;
  };
}

/**
 * Who may talk to the assistant: only the owner. Per channel the owner is the configured id
 * (TELEGRAM_OWNER_ID, …) or, without one, the identity confirmed by pairing. The local terminal
 * and the authenticated HTTP API are the owner by construction.
 * Who the owner is gets re-read on every message (a single indexed lookup) so a pairing approved
 * from the CLI — another process — takes effect at once.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { getOwnerIdentity } from "../db/identities.ts";
import type { InboundMessage } from "../plugin/channel.ts";
import { pairingInstructions, requestPairingCode } from "./pairing.ts";

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

/**
 * What to tell someone who is not the owner: on a channel that has no owner yet (no configured
 * id, nobody paired) a pairing code; otherwise nothing — strangers are ignored.
 */
export function createStrangerReply(config: Config, db: Database) {
  return async function strangerReply(message: InboundMessage): Promise<string | undefined> {
    if (trustedLocalChannels.has(message.channel) || configuredOwnerId(config, message.channel) !== undefined)
      return undefined;
    if (await getOwnerIdentity(db, message.channel)) return undefined;
    const code = await requestPairingCode(db, {
      channel: message.channel,
      externalUserId: message.senderId,
      displayName: message.senderName,
      chatId: message.chatId,
    });
    return code === undefined ? undefined : pairingInstructions(message.channel, code);
  };
}

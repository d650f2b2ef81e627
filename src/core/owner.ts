/**
 * Who may talk to the assistant: only the owner. Trust comes from how a channel was registered
 * (src/plugin/registry.ts), never from the channel name a message carries: the host's own
 * surfaces (the local terminal, the authenticated HTTP API, routines) are the owner by
 * construction; on a plugin channel the owner is the id its declared owner-id variable holds
 * (TELEGRAM_OWNER_ID, …) or, without one, the identity confirmed by pairing. An id nobody
 * registered is treated as a plugin channel with no configured owner.
 * Who the owner is gets re-read on every message (a single indexed lookup) so a pairing approved
 * from the CLI — another process — takes effect at once.
 */
import type { Database } from "../db/client.ts";
import { getOwnerIdentity } from "../db/identities.ts";
import type { InboundMessage } from "../plugin/channel.ts";
import type { ChannelRegistration, RegistrationKind } from "../plugin/registry.ts";
import { pairingInstructions, requestPairingCode } from "./pairing.ts";

/** What the owner check needs from the registry: how each channel id was registered. */
export interface ChannelDirectory {
  channel(id: string): Pick<ChannelRegistration, "kind" | "ownerId"> | undefined;
}

function kindOf(directory: ChannelDirectory, channel: string): RegistrationKind {
  return directory.channel(channel)?.kind ?? "plugin";
}

export function createOwnerCheck(directory: ChannelDirectory, db: Database) {
  return async function isOwner(channel: string, senderId: string): Promise<boolean> {
    if (kindOf(directory, channel) === "host-surface") return true;
    const configured = directory.channel(channel)?.ownerId;
    if (configured !== undefined) return configured === senderId;
    const paired = await getOwnerIdentity(db, channel);
    return paired?.externalUserId === senderId;
  };
}

/**
 * What to tell someone who is not the owner: on a channel that has no owner yet (no configured
 * id, nobody paired) a pairing code; otherwise nothing — strangers are ignored.
 */
export function createStrangerReply(directory: ChannelDirectory, db: Database) {
  return async function strangerReply(message: InboundMessage): Promise<string | undefined> {
    if (kindOf(directory, message.channel) === "host-surface") return undefined;
    if (directory.channel(message.channel)?.ownerId !== undefined) return undefined;
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

/**
 * Who may talk to the assistant: only the owner. Trust comes from how a channel was registered
 * (src/plugin/registry.ts), never from the channel name a message carries: the host's own
 * surfaces (the local terminal, the authenticated HTTP API, routines) are the owner by
 * construction; on a plugin channel the owner is the id its declared owner-id variable holds
 * (TELEGRAM_OWNER_ID, …) or, without one, the identity confirmed by pairing. An id nobody
 * registered is treated as a plugin channel with no configured owner.
 * Who the owner is on a channel is cached in memory (`createOwnerIdentityCache`) and cleared by
 * every change to it, including one from the CLI — another process — through LISTEN/NOTIFY
 * (src/db/change-feed.ts says why that and not a TTL), so a pairing takes effect at once and a
 * replaced owner stops passing at once. Without a cache every message reads it (one lookup).
 */
import { createCachedLookup } from "../db/cached-lookup.ts";
import type { ChangeFeed } from "../db/change-feed.ts";
import type { Database } from "../db/client.ts";
import { getOwnerIdentity, type OwnerIdentity } from "../db/identities.ts";
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

/** The paired owner of a channel, by channel id. */
export type OwnerIdentityLookup = (channel: string) => Promise<OwnerIdentity | undefined>;

/** The owner identities, cached while `feed` is live (read through otherwise). */
export function createOwnerIdentityCache(db: Database, feed: ChangeFeed | undefined): OwnerIdentityLookup {
  const lookup = createCachedLookup(feed, "owner_identities", (channel) => getOwnerIdentity(db, channel));
  return function pairedOwner(channel) {
    return lookup.get(channel);
  };
}

export function createOwnerCheck(
  directory: ChannelDirectory,
  db: Database,
  pairedOwner: OwnerIdentityLookup = (channel) => getOwnerIdentity(db, channel),
) {
  return async function isOwner(channel: string, senderId: string): Promise<boolean> {
    if (kindOf(directory, channel) === "host-surface") return true;
    const configured = directory.channel(channel)?.ownerId;
    if (configured !== undefined) return configured === senderId;
    const paired = await pairedOwner(channel);
    return paired?.externalUserId === senderId;
  };
}

/**
 * What to tell someone who is not the owner: on a channel that has no owner yet (no configured
 * id, nobody paired) a pairing code; otherwise nothing — strangers are ignored.
 */
export function createStrangerReply(
  directory: ChannelDirectory,
  db: Database,
  pairedOwner: OwnerIdentityLookup = (channel) => getOwnerIdentity(db, channel),
) {
  return async function strangerReply(message: InboundMessage): Promise<string | undefined> {
    if (kindOf(directory, message.channel) === "host-surface") return undefined;
    if (directory.channel(message.channel)?.ownerId !== undefined) return undefined;
    if (await pairedOwner(message.channel)) return undefined;
    const code = await requestPairingCode(db, {
      channel: message.channel,
      externalUserId: message.senderId,
      displayName: message.senderName,
      chatId: message.chatId,
    });
    return code === undefined ? undefined : pairingInstructions(message.channel, code);
  };
}

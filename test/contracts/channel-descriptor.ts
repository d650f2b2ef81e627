/**
 * What a channel gives the channel contract suite (channel-contract.ts): a small descriptor that
 * starts its platform fake and, through it, acts as the people in the chat do (a DM from the
 * owner or a stranger, a button press) and reads the chat as they see it. The suite then proves
 * the same behaviours for every channel through the real host, so a new adapter (a WASM channel
 * too) adds one descriptor instead of another suite.
 *
 * Everything here is the platform's view, never the adapter's internals: the suite keeps passing
 * while adapters are refactored, and fails when what the owner sees changes.
 */
import type { DatabaseHandle } from "../../src/db/client.ts";
import type { ApprovalDecision, Channel } from "../../src/plugin/channel.ts";
import type { HostSurfaceChannel } from "../../src/plugin/registry.ts";
import type { HostHarnessOptions } from "../support/host.ts";

/** The cases of the suite; a descriptor may skip one it cannot express, with the reason. */
export type ChannelContractCase =
  | "owner-reply"
  | "stranger-ignored"
  | "duplicate-delivery"
  | "long-reply"
  | "approval"
  | "foreign-press"
  | "stale-press"
  | "restart"
  | "platform-error";

/** Who acts in the chat: the configured owner, or someone else writing to the bot. */
export type Person = "owner" | "stranger";

/** One message of the bot as the chat shows it. */
export interface ChatEntry {
  /** The text a person reads (markup removed). */
  text: string;
  /** Its length as the platform counts it against its per-message limit. */
  size: number;
}

/** What a press left for the presser: an alert, toast or ephemeral notice, once it arrived. */
export interface PressReceipt {
  notice(): string | undefined;
}

/** An approval prompt in the owner's chat, with its buttons as they were first shown. */
export interface ContractPrompt {
  /** What the prompt shows now (it is edited when the approval is settled). */
  text(): string;
  /** Whether its buttons can still be pressed. */
  isOpen(): boolean;
  /** Presses the button for `decision` as `by` (the stale screen's button after a decision). */
  press(decision: ApprovalDecision, by: Person): Promise<PressReceipt>;
}

/** A platform fake that outlives host restarts (a restart is a new process on the same chat). */
export interface ContractPlatform {
  /**
   * A new channel instance talking to this platform, one per host start; a host surface (the
   * terminal) comes wrapped by `asHostSurface`, as channels/index.ts wires it. A WASM channel
   * loads asynchronously and keeps its state in the host's database (hence the promise and the handle).
   */
  createChannel(database: DatabaseHandle): Channel | HostSurfaceChannel | Promise<Channel>;
  /** How the host learns who the owner is (TELEGRAM_OWNER_ID, a recorded identity, …). */
  host: Pick<HostHarnessOptions, "env" | "owner">;
  /** A direct message to the bot; resolves once the platform handed it over. */
  sendDm(from: Person, text: string): Promise<unknown>;
  /** The platform delivers the same message again (a lost acknowledgement, a retry). */
  redeliver(delivered: unknown): Promise<void>;
  /** The bot's visible messages in the DM with `person`, oldest first. */
  chat(person: Person): ChatEntry[];
  /** The approval prompt in the owner's chat, once one is there. */
  findPrompt(): ContractPrompt | undefined;
  /** From now on every send fails with a platform error, until `restore()`. */
  failSends(): { attempts(): number; restore(): void };
  close(): Promise<void>;
}

export interface ChannelContractDescriptor {
  name: string;
  /** Characters one message may hold on the platform; undefined when there is no limit. */
  messageLimit?: number;
  /** Cases this channel cannot express, each with why (reported as a skipped test, not dropped). */
  skip?: Partial<Record<ChannelContractCase, string>>;
  startPlatform(): Promise<ContractPlatform>;
}

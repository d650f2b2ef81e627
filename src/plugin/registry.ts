/**
 * The plugin registry: the one place where built-in channels, built-in tools, host-backed tools
 * (routines) and, later, installed WASM plugins are assembled. Identity is the host's: a channel
 * is whatever id it was registered under, and what it writes into its messages is overwritten
 * (see channel-host.ts). Trust comes from how a channel was registered — as one of the host's own
 * surfaces (`terminal`, `api`, `routine`, reserved) or as a plugin — never from a string a plugin
 * controls. A plugin that asks for a reserved id, a malformed one or one already taken is refused
 * here, before it can run.
 *
 * Example:
 *   const registry = createPluginRegistry();
 *   registry.addSurface("api");
 *   registry.addChannel(createTelegramChannel(options), { ownerId: "42" });
 *   registry.addTool(createTimeTool(), "builtin");
 */
import { AppError } from "../errors.ts";
import type { Channel } from "./channel.ts";
import type { Tool } from "./tool.ts";

/** `host-surface`: the host's own way in, owner by construction. `plugin`: everything else. */
export type RegistrationKind = "host-surface" | "plugin";

/** Where a tool comes from: shipped with the host, backed by host services, or installed. */
export type ToolSource = "builtin" | "host" | "installed";

/** The channel ids only the host may use: its own surfaces. */
export const reservedChannelIds: ReadonlySet<string> = new Set(["terminal", "api", "routine"]);

const channelIdPattern = /^[a-z][a-z0-9_-]{0,31}$/;
const toolNamePattern = /^[a-z][a-z0-9_-]{0,63}$/;

export interface ChannelRegistration {
  readonly id: string;
  readonly kind: RegistrationKind;
  /** The running channel; absent for surfaces that are not chat channels (`api`, `routine`). */
  readonly channel?: Channel;
  /** The owner's user id on this channel, from its declared owner-id variable; unset = pairing. */
  readonly ownerId?: string;
}

export interface ToolRegistration {
  readonly tool: Tool;
  readonly source: ToolSource;
}

/** A built-in channel the host runs as one of its own surfaces (the terminal chat). */
export interface HostSurfaceChannel {
  readonly kind: "host-surface";
  readonly channel: Channel;
}

// Surfaces are recognised by identity, not by shape: an object that merely looks like one is not.
const hostSurfaces = new WeakSet<object>();

/** Marks a built-in channel as a host surface; only host wiring (channels/index.ts, tests) does this. */
export function asHostSurface(channel: Channel): HostSurfaceChannel {
  const surface = Object.freeze({ kind: "host-surface" as const, channel });
  hostSurfaces.add(surface);
  return surface;
}

export function isHostSurface(entry: Channel | HostSurfaceChannel): entry is HostSurfaceChannel {
  return hostSurfaces.has(entry);
}

function refuse(what: string, context: Record<string, unknown>): never {
  throw new AppError("invalid_input", what, { context });
}

export type PluginRegistry = ReturnType<typeof createPluginRegistry>;

export function createPluginRegistry() {
  const channels = new Map<string, ChannelRegistration>();
  const tools = new Map<string, ToolRegistration>();

  function checkChannelId(id: unknown): string {
    if (typeof id !== "string" || !channelIdPattern.test(id)) {
      refuse(`channel id ${JSON.stringify(id)} is not allowed: use a-z, 0-9, _ or -, up to 32`, { id });
    }
    return id;
  }

  function checkFree(id: string): void {
    if (channels.has(id)) refuse(`channel id "${id}" is already registered`, { id });
  }

  return {
    /** Registers a plugin channel under its `id`; a reserved, malformed or taken id is refused. */
    addChannel(channel: Channel, options: { ownerId?: string } = {}): ChannelRegistration {
      const id = checkChannelId(channel.id);
      if (reservedChannelIds.has(id)) refuse(`channel id "${id}" is reserved for the host`, { id });
      checkFree(id);
      const registration = { id, kind: "plugin" as const, channel, ownerId: options.ownerId };
      channels.set(id, registration);
      return registration;
    },
    /** Registers one of the host's own surfaces (a reserved id), with its channel when it has one. */
    addSurface(id: string, channel?: Channel): ChannelRegistration {
      if (!reservedChannelIds.has(id)) refuse(`"${id}" is not a host surface`, { id });
      checkFree(checkChannelId(id));
      if (channel && channel.id !== id) refuse(`surface "${id}" given channel "${channel.id}"`, { id });
      const registration = { id, kind: "host-surface" as const, channel };
      channels.set(id, registration);
      return registration;
    },
    addTool(tool: Tool, source: ToolSource): ToolRegistration {
      const name: unknown = tool.name;
      if (typeof name !== "string" || !toolNamePattern.test(name)) {
        refuse(`tool name ${JSON.stringify(name)} is not allowed: use a-z, 0-9, _ or -, up to 64`, { name });
      }
      if (tools.has(name)) refuse(`tool "${name}" is already registered`, { name, source });
      const registration = { tool, source };
      tools.set(name, registration);
      return registration;
    },
    /**
     * Adds or replaces an installed tool (a new version while the host runs). A name held by a
     * built-in or host tool is refused: an installed tool never shadows one of the host's own.
     */
    putInstalledTool(tool: Tool): ToolRegistration {
      const existing = tools.get(tool.name);
      if (existing && existing.source !== "installed") {
        refuse(`tool "${tool.name}" is one of the host's own tools`, {
          name: tool.name,
          source: existing.source,
        });
      }
      if (!existing) return this.addTool(tool, "installed");
      const registration = { tool, source: "installed" as const };
      tools.set(tool.name, registration);
      return registration;
    },
    /** Removes an installed tool; the host's own tools cannot be removed. True when it was there. */
    removeTool(name: string): boolean {
      if (tools.get(name)?.source !== "installed") return false;
      return tools.delete(name);
    },
    /** How a tool was registered; undefined for a name nobody registered. */
    toolSource(name: string): ToolSource | undefined {
      return tools.get(name)?.source;
    },
    channel(id: string): ChannelRegistration | undefined {
      return channels.get(id);
    },
    /** The registered chat channels (surfaces with a channel included), in registration order. */
    channels(): (ChannelRegistration & { channel: Channel })[] {
      return [...channels.values()].filter(
        (registration): registration is ChannelRegistration & { channel: Channel } =>
          registration.channel !== undefined,
      );
    },
    tools(): Tool[] {
      return [...tools.values()].map((registration) => registration.tool);
    },
    /** How a channel id was registered; undefined for an id nobody registered. */
    kindOf(id: string): RegistrationKind | undefined {
      return channels.get(id)?.kind;
    },
  };
}

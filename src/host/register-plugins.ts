/**
 * Fills the plugin registry for one host: the host's surfaces that are not chat channels (`api`,
 * `routine`), the channels it was given (plugins, or host surfaces such as the terminal when the
 * wiring marked them so), the built-in tools, the host-backed ones and the installed ones (with
 * `tool_search` when some of them may wait behind it). A channel's owner id comes from its configuration
 * declaration (channels/index.ts), looked up by its registered id. A
 * reserved, malformed or duplicate id or name stops the host from being built: that is a wiring
 * mistake or a hostile plugin, and neither may start.
 */
import { channelOwnerId } from "../../channels/index.ts";
import { createToolSearchTool, type SearchableTool } from "../../tools/tool-search/index.ts";
import type { Config } from "../config.ts";
import type { Channel } from "../plugin/channel.ts";
import {
  createPluginRegistry,
  type HostSurfaceChannel,
  isHostSurface,
  type PluginRegistry,
} from "../plugin/registry.ts";
import type { Tool } from "../plugin/tool.ts";

export interface PluginSet {
  config: Pick<Config, "values">;
  channels: readonly (Channel | HostSurfaceChannel)[];
  builtinTools: readonly Tool[];
  hostTools: readonly Tool[];
  /** Installed by the owner; beyond a handful of tools in all, reached through `tool_search`. */
  installedTools?: readonly Tool[];
  /**
   * What `tool_search` searches: the deferred tools as they are at the time of the call (tools
   * installed while the host runs included). Without it `tool_search` is not registered.
   */
  toolSearchCatalog?: () => readonly SearchableTool[];
}

export function registerPlugins(plugins: PluginSet): PluginRegistry {
  const registry = createPluginRegistry();
  registry.addSurface("api");
  registry.addSurface("routine");
  for (const entry of plugins.channels) {
    if (isHostSurface(entry)) registry.addSurface(entry.channel.id, entry.channel);
    else registry.addChannel(entry, { ownerId: channelOwnerId(plugins.config.values, entry.id) });
  }
  for (const tool of plugins.builtinTools) registry.addTool(tool, "builtin");
  for (const tool of plugins.hostTools) registry.addTool(tool, "host");
  const installed = plugins.installedTools ?? [];
  for (const tool of installed) registry.addTool(tool, "installed");
  // Registered whenever a catalog is given: the tool offer leaves it out while nothing waits.
  if (plugins.toolSearchCatalog) registry.addTool(createToolSearchTool(plugins.toolSearchCatalog), "host");
  return registry;
}

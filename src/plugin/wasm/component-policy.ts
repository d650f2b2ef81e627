/**
 * Whether the host will run a component, decided from its WIT alone (inspect.ts). Three rules:
 *   - Imports: only our own `ironclaw:plugin/host` and `ironclaw:plugin/tool-types` (a channel
 *     also `channel-host` and `channel-types`; a tool never the channel ones). Every other
 *     import is refused, named, with what it would have given the tool: WASI's http, sockets and
 *     filesystem are reach around the host's checks, and the rest of WASI (environment, clocks,
 *     random, stdio) has a host function or no business in a tool. Our builds stub WASI out
 *     (componentize-qjs `stubWasi`), so a tool that imports any of it was built some other way.
 *   - Exports: the tool world's `description`, `schema` and `execute`, with its signatures (a
 *     channel: the channel world's `on-*` callbacks). A component built for the other world than
 *     its manifest's kind is refused naming both, with how to rebuild it.
 *   - Version: built for `ironclaw:plugin@M.N.x`, it loads on a host of `M.H.y` when N <= H;
 *     anything else is refused naming both versions.
 * Every problem is reported at once, so an author fixes them in one go.
 */
import { hostWitVersion } from "./contract.ts";
import { ComponentRefusedError, type InspectedComponent, pluginVersionsOf } from "./inspect.ts";

/** The WIT world a component is checked against (a manifest's `kind`). */
export type ComponentWorld = "tool" | "channel";

const allowedImportsByWorld: Record<ComponentWorld, ReadonlySet<string>> = {
  tool: new Set(["ironclaw:plugin/host", "ironclaw:plugin/tool-types"]),
  channel: new Set([
    "ironclaw:plugin/host",
    "ironclaw:plugin/channel-host",
    "ironclaw:plugin/channel-types",
    "ironclaw:plugin/tool-types",
  ]),
};

const requiredExportsByWorld: Record<ComponentWorld, Readonly<Record<string, string>>> = {
  tool: {
    description: "func() -> string",
    schema: "func() -> string",
    execute: "func(string, string) -> result<string, tool-failure>",
  },
  channel: {
    "on-start": "func(string) -> result<start-info, channel-failure>",
    "on-http-request": "func(http-request-in) -> result<http-response-out, channel-failure>",
    "on-poll": "func() -> result<_, channel-failure>",
    "on-respond": "func(outbound-message) -> result<message-ref, channel-failure>",
    "on-edit": "func(message-ref, outbound-message) -> result<_, channel-failure>",
    "on-approval": "func(approval-prompt) -> result<message-ref, channel-failure>",
    "on-status": "func(string, status) -> result<_, channel-failure>",
    "on-action-result": "func(string, string, string, string) -> result<_, channel-failure>",
    "on-shutdown": "func()",
  },
};

/** The world a component's exports belong to, when they look like one of ours. */
export function worldOfComponent(component: InspectedComponent): ComponentWorld | undefined {
  const exported = new Set(component.exports);
  if (exported.has("on-start") || exported.has("on-respond")) return "channel";
  if (exported.has("execute")) return "tool";
  return undefined;
}

const rebuildHint: Record<ComponentWorld, string> = {
  tool: "build it with `ironclaw tools build <source>`",
  channel: "build it with `ironclaw tools build <source> --channel`",
};

/** Why an import is refused, by the package or interface it names. */
const deniedReasons: readonly [RegExp, string][] = [
  [/^wasi:http\//, "network access outside the host is not allowed"],
  [/^wasi:sockets\//, "network access outside the host is not allowed"],
  [/^wasi:filesystem\//, "file system access is not allowed (workspace-read is the host's)"],
  [/^wasi:cli\/environment/, "environment variables are not given to tools"],
  [/^wasi:cli\//, "process and terminal access is not given to tools"],
  [/^wasi:clocks\//, "clocks come from the host (now-millis)"],
  [/^wasi:random\//, "randomness comes from the host (random-bytes)"],
  [/^wasi:/, "WASI interfaces are not given to tools"],
];

export const hostVersionText = `${hostWitVersion.major}.${hostWitVersion.minor}.${hostWitVersion.patch}`;

function unversioned(name: string): string {
  return name.replace(/@[^@/]*$/, "");
}

function importProblem(
  name: string,
  inline: boolean | undefined,
  allowedImports: ReadonlySet<string>,
): string | undefined {
  if (!inline && allowedImports.has(unversioned(name))) return undefined;
  if (unversioned(name).startsWith("ironclaw:plugin/channel-"))
    return `imports ${name}: channel interfaces are not given to tools`;
  const reason =
    deniedReasons.find(([pattern]) => pattern.test(name))?.[1] ?? "not an interface of the IronClaw host";
  return `imports ${name}: ${reason}`;
}

/** Checks the version rule; returns the problem, or undefined when `version` loads here. */
export function versionProblem(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  const host = `this host implements ironclaw:plugin@${hostVersionText}`;
  if (!match) return `was built for ironclaw:plugin@${version}, which is not a release version; ${host}`;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major === hostWitVersion.major && minor <= hostWitVersion.minor) return undefined;
  const accepted = `${hostWitVersion.major}.0.x to ${hostWitVersion.major}.${hostWitVersion.minor}.x`;
  return `was built for ironclaw:plugin@${version}; ${host} and loads ${accepted}: rebuild it against tools/wit`;
}

/** Every reason the host refuses `component` as a `world` plugin (empty: it may run). */
export function componentProblems(component: InspectedComponent, world: ComponentWorld = "tool"): string[] {
  const built = worldOfComponent(component);
  if (built && built !== world)
    return [
      `is a ${built} component (it exports the ${built} world) but its manifest is a ${world}'s ("kind": "${world}"): ${rebuildHint[world]}, or install it with a ${built} manifest`,
    ];
  const problems: string[] = [];
  for (const item of component.items) {
    if (item.direction === "import") {
      const problem = importProblem(item.name, item.inline, allowedImportsByWorld[world]);
      if (problem) problems.push(problem);
    }
  }
  const versions = pluginVersionsOf(component.items);
  if (versions.length === 0) {
    problems.push(
      `does not use the ironclaw:plugin ${world} world (this host implements ironclaw:plugin@${hostVersionText})`,
    );
  } else if (versions.length > 1) {
    problems.push(`mixes ironclaw:plugin versions ${versions.join(" and ")}`);
  } else {
    const problem = versionProblem(versions[0] as string);
    if (problem) problems.push(problem);
  }
  for (const [name, signature] of Object.entries(requiredExportsByWorld[world])) {
    const exported = component.items.find((item) => item.direction === "export" && item.name === name);
    if (!exported) problems.push(`does not export ${name}`);
    else if (exported.signature !== signature) {
      problems.push(`exports ${name} as ${exported.signature ?? "an interface"}, expected ${signature}`);
    }
  }
  return problems;
}

/** Throws ComponentRefusedError listing every problem; returns the component when it may run. */
export function checkToolComponent(
  component: InspectedComponent,
  world: ComponentWorld = "tool",
): InspectedComponent {
  const problems = componentProblems(component, world);
  if (problems.length > 0) {
    throw new ComponentRefusedError(`The component is refused: it ${problems.join("; it ")}.`, {
      context: { problems },
    });
  }
  return component;
}

/** The same check for a channel component (world `ironclaw:plugin/channel`). */
export function checkChannelComponent(component: InspectedComponent): InspectedComponent {
  return checkToolComponent(component, "channel");
}

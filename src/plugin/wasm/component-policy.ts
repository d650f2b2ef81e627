/**
 * Whether the host will run a component, decided from its WIT alone (inspect.ts). Three rules:
 *   - Imports: only our own `ironclaw:plugin/host` and `ironclaw:plugin/tool-types`. Every other
 *     import is refused, named, with what it would have given the tool: WASI's http, sockets and
 *     filesystem are reach around the host's checks, and the rest of WASI (environment, clocks,
 *     random, stdio) has a host function or no business in a tool. Our builds stub WASI out
 *     (componentize-qjs `stubWasi`), so a tool that imports any of it was built some other way.
 *   - Exports: the tool world's `description`, `schema` and `execute`, with its signatures.
 *   - Version: built for `ironclaw:plugin@M.N.x`, it loads on a host of `M.H.y` when N <= H;
 *     anything else is refused naming both versions.
 * Every problem is reported at once, so an author fixes them in one go.
 */
import { hostWitVersion } from "./contract.ts";
import { ComponentRefusedError, type InspectedComponent, pluginVersionsOf } from "./inspect.ts";

const allowedImports = new Set(["ironclaw:plugin/host", "ironclaw:plugin/tool-types"]);

const requiredExports: Readonly<Record<string, string>> = {
  description: "func() -> string",
  schema: "func() -> string",
  execute: "func(string, string) -> result<string, tool-failure>",
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

function importProblem(name: string, inline: boolean | undefined): string | undefined {
  if (!inline && allowedImports.has(unversioned(name))) return undefined;
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

/** Every reason the host refuses `component` (empty: it may run). */
export function componentProblems(component: InspectedComponent): string[] {
  const problems: string[] = [];
  for (const item of component.items) {
    if (item.direction === "import") {
      const problem = importProblem(item.name, item.inline);
      if (problem) problems.push(problem);
    }
  }
  const versions = pluginVersionsOf(component.items);
  if (versions.length === 0) {
    problems.push(
      `does not use the ironclaw:plugin tool world (this host implements ironclaw:plugin@${hostVersionText})`,
    );
  } else if (versions.length > 1) {
    problems.push(`mixes ironclaw:plugin versions ${versions.join(" and ")}`);
  } else {
    const problem = versionProblem(versions[0] as string);
    if (problem) problems.push(problem);
  }
  for (const [name, signature] of Object.entries(requiredExports)) {
    const exported = component.items.find((item) => item.direction === "export" && item.name === name);
    if (!exported) problems.push(`does not export ${name}`);
    else if (exported.signature !== signature) {
      problems.push(`exports ${name} as ${exported.signature ?? "an interface"}, expected ${signature}`);
    }
  }
  return problems;
}

/** Throws ComponentRefusedError listing every problem; returns the component when it may run. */
export function checkToolComponent(component: InspectedComponent): InspectedComponent {
  const problems = componentProblems(component);
  if (problems.length > 0) {
    throw new ComponentRefusedError(`The component is refused: it ${problems.join("; it ")}.`, {
      context: { problems },
    });
  }
  return component;
}

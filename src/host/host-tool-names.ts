/**
 * The names of IronClaw's own tools (built-in and host-backed), which an installed tool may not
 * take: a WASM tool called `http_request` would be offered to the model in the built-in's place.
 * The names come from the factories themselves, so a new host tool is reserved without a list to
 * keep in step; names of host tools that are coming (`tool_build`) are reserved ahead.
 */
import { createBuiltinTools } from "../../tools/index.ts";
import { createRoutineTools } from "../../tools/routines/index.ts";
import { createSecretRequestTool } from "../../tools/secret-request/index.ts";
import { toolSearchName } from "../agent/tool-offer.ts";
import type { RoutinesPort } from "../plugin/ports/routines-port.ts";
import type { SecretRequestPort } from "../plugin/ports/secret-request-port.ts";

/** Reserved for tools the host adds later. */
const upcomingHostTools = ["tool_build"];

export function hostToolNames(): ReadonlySet<string> {
  // The factories only keep their port; none is called to read a tool's name.
  const unusedRoutines = {} as RoutinesPort;
  const unusedSecretRequests = {} as SecretRequestPort;
  return new Set([
    ...createBuiltinTools().map((tool) => tool.name),
    ...createRoutineTools(unusedRoutines).map((tool) => tool.name),
    createSecretRequestTool(unusedSecretRequests).name,
    toolSearchName,
    ...upcomingHostTools,
  ]);
}

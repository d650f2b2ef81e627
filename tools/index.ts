/**
 * The registry of built-in TypeScript tools: an explicit list, so what the model can call is
 * visible in one place and nothing registers itself by being imported. Installed (WASM) tools are
 * discovered from their manifests elsewhere; these are the ones that ship with the host.
 */
import type { Tool } from "../src/plugin/tool.ts";
import { createEchoTool } from "./echo/index.ts";
import { createHttpRequestTool } from "./http-request/index.ts";
import { createJsonTool } from "./json/index.ts";
import { createTimeTool } from "./time/index.ts";

/**
 * The built-in tools. They need no configuration: what they reach (network, clock, workspace)
 * comes through the ports in each call's context, which the host builds from config.
 */
export function createBuiltinTools(): Tool[] {
  return [createTimeTool(), createEchoTool(), createJsonTool(), createHttpRequestTool()];
}

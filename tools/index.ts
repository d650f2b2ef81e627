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

export interface BuiltinToolDeps {
  /** Config `HTTP_ALLOW_HOSTS`: private or loopback hosts the HTTP tool may still reach. */
  allowHosts: readonly string[];
  /** Clock for the time tool; defaults to the system clock. */
  now?: () => Date;
  /** Network access for the HTTP tool; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export function createBuiltinTools(deps: BuiltinToolDeps): Tool[] {
  return [
    createTimeTool({ now: deps.now }),
    createEchoTool(),
    createJsonTool(),
    createHttpRequestTool({ allowHosts: deps.allowHosts, fetch: deps.fetch }),
  ];
}

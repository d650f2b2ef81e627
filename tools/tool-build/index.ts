/**
 * `tool_build`: the model writes a new WASM tool (JS or TS source, the capabilities it needs, a
 * few test cases) and asks the owner to install it. Every call asks the owner (`always`, so
 * "Always" is never offered and a rebuild is a new approval). Before the owner is asked, the
 * precheck builds the component and runs the tests in the sandbox; a build error or failing test
 * is the result the model reads to fix its code, and nobody is asked about a tool that does not
 * work. The owner's prompt shows the capabilities, the SHA-256 and the test results; the
 * approved call installs exactly that component (src/plugin/wasm/self-build/).
 */
import type { Tool } from "../../src/plugin/tool.ts";
import type { SelfBuilder } from "../../src/plugin/wasm/self-build/self-builder.ts";

export const toolBuildName = "tool_build";

const hostRule = {
  type: "object",
  properties: {
    host: { type: "string", description: 'exact host ("api.github.com") or "*.example.com"; never "*"' },
    path_prefix: { type: "string", description: 'paths starting with this; "/" = any' },
    methods: { type: "array", items: { type: "string" }, description: "default [GET]" },
  },
  required: ["host"],
};

const parameters = {
  type: "object",
  properties: {
    name: { type: "string", description: "tool name: a-z first, then a-z 0-9 _ -" },
    description: { type: "string", description: "what the tool does and when to use it" },
    language: { type: "string", enum: ["js", "ts"], description: "default ts" },
    source: {
      type: "string",
      description:
        'one self-contained file exporting description, schema (JSON schema, type "object") and a synchronous execute(params, context); host access only through import { http, secretExists } from "ironclaw:tool"',
    },
    capabilities: {
      type: "object",
      description: "everything left out is denied",
      properties: {
        http: { type: "array", items: hostRule, description: "hosts the tool may call" },
        credentials: {
          type: "array",
          description: "secrets the host injects into requests to these hosts (the tool never sees them)",
          items: {
            type: "object",
            properties: { secret: { type: "string" }, hosts: { type: "array", items: { type: "string" } } },
            required: ["secret", "hosts"],
          },
        },
        secrets: { type: "array", items: { type: "string" }, description: "secret names it may test for" },
        limits: {
          type: "object",
          properties: {
            timeout_ms: { type: "integer" },
            memory_mib: { type: "integer" },
            response_bytes: { type: "integer" },
            requests_per_minute: { type: "integer" },
            requests_per_hour: { type: "integer" },
          },
        },
      },
    },
    tests: {
      type: "array",
      minItems: 1,
      description:
        'cases run in the sandbox before the owner is asked: { params, expect } where expect is the exact JSON result, { "contains": "text" } or { "matches": "regex" }',
      items: {
        type: "object",
        properties: { params: { type: "object" }, expect: {} },
        required: ["params", "expect"],
      },
    },
  },
  required: ["name", "description", "source", "tests"],
};

export function createToolBuildTool(builder: SelfBuilder): Tool {
  return {
    name: toolBuildName,
    description:
      "Build a new tool for yourself: write its source, say what it needs, give test cases. The host builds it in a sandbox and runs the tests; errors come back so you can fix the code. When the tests pass the owner reviews it, and once approved you can call it in this conversation.",
    parameters,
    risk: "exec",
    offer: "on-search",
    approval: "always",
    timeoutMs: 120_000,
    async approvalFor() {
      return "always";
    },
    precheck: (params, context) => builder.prepare(params, context),
    summarize: (params) => builder.summary(params),
    execute: (params) => builder.install(params),
  };
}

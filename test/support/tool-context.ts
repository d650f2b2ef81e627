/**
 * A complete `ToolContext` for tests that call a tool directly: real ports (the guarded HTTP
 * client, with fakes only at the network edge when a test passes `fetch`/`lookup`), a silent
 * logger, the full ceiling. Override any field.
 */
import { silentLogger } from "../../src/log.ts";
import { createToolPorts, type ToolPortsOptions } from "../../src/plugin/ports/index.ts";
import type { ToolContext } from "../../src/plugin/tool.ts";

export function createTestToolContext(
  overrides: Partial<ToolContext> = {},
  ports: ToolPortsOptions = {},
): ToolContext {
  return {
    ...createToolPorts(ports),
    signal: new AbortController().signal,
    log: silentLogger,
    conversationId: "conversation-1",
    turnId: "turn-1",
    ceiling: "full",
    ...overrides,
  };
}

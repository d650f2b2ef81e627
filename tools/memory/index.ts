/**
 * The memory tools, built from the host's memory port (tools/memory/port.ts): memory_search,
 * memory_read and memory_tree only read; memory_write writes through the call's guarded
 * workspace, asking the owner for system-prompt files.
 */
import type { Tool } from "../../src/plugin/tool.ts";
import type { MemoryPort } from "./port.ts";
import { createMemoryReadTool } from "./read.ts";
import { createMemorySearchTool } from "./search.ts";
import { createMemoryTreeTool } from "./tree.ts";
import { createMemoryWriteTool } from "./write.ts";

export type { MemoryPort } from "./port.ts";

export function createMemoryTools(memory: MemoryPort): Tool[] {
  return [
    createMemorySearchTool(memory),
    createMemoryReadTool(memory),
    createMemoryWriteTool(memory),
    createMemoryTreeTool(memory),
  ];
}

/**
 * `defineTool`: write a tool whose methods receive parameters typed from its own schema, so no
 * tool casts `params.x as string`. The schema is written once, as a literal; the types follow
 * from it (tool-schema.ts). The result is a plain `Tool` for the registry.
 *
 * Example:
 *   export const echo = defineTool({
 *     name: "echo", description: "Repeat text", risk: "read", approval: "never",
 *     parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
 *     async execute(params) { return { content: params.text } }, // params: { text: string }
 *   });
 */
import type { Tool, ToolApproval, ToolContext, ToolResult } from "./tool.ts";
import type { ObjectSchema, SchemaValue } from "./tool-schema.ts";

export interface ToolDefinition<Schema extends ObjectSchema>
  extends Omit<Tool, "parameters" | "execute" | "summarize" | "approvalFor" | "precheck"> {
  readonly parameters: Schema;
  execute(params: SchemaValue<Schema>, context: ToolContext): Promise<ToolResult>;
  summarize?(params: SchemaValue<Schema>): string | Promise<string>;
  approvalFor?(params: SchemaValue<Schema>): Promise<ToolApproval>;
  precheck?(params: SchemaValue<Schema>, context: ToolContext): Promise<string | null>;
}

export function defineTool<const Schema extends ObjectSchema>(definition: ToolDefinition<Schema>): Tool {
  // Sound because the runner validates arguments against `parameters` before calling any method.
  return definition as unknown as Tool;
}

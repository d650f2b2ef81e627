/**
 * The doctor's lines about installed WASM tools: how many, and each disabled one with the reason
 * (the owner's choice, a hash mismatch, a load failure), so a tool that silently stopped being
 * offered is explained in one place. Channel rows share the table; doctor-wasm-channels.ts
 * reports them.
 */
import type { Database } from "../db/client.ts";
import { listWasmTools } from "../db/wasm-tools.ts";

export async function describeInstalledWasmTools(db: Database): Promise<string[]> {
  const tools = (await listWasmTools(db)).filter((row) => row.kind !== "channel");
  if (tools.length === 0) return ["installed: none (`ironclaw tools install <file.wasm | folder>`)"];
  const disabled = tools.filter((tool) => tool.status === "disabled");
  return [
    `installed: ${tools.length} (${tools.length - disabled.length} enabled${disabled.length > 0 ? `, ${disabled.length} disabled` : ""})`,
    ...disabled.map((tool) => `${tool.name}: disabled (${tool.disabledReason ?? "no reason recorded"})`),
  ];
}

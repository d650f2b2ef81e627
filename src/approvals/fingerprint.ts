/**
 * Binds an approval to the exact call the owner saw: HMAC-SHA256 over the tool name and the
 * canonical JSON of its parameters (keys sorted at every level). The key lives in the settings
 * table, out of reach of tools.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "../db/client.ts";
import { getSetting, putSetting } from "../db/settings.ts";

const keySetting = "approval_hmac_key";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function fingerprintCall(key: string, tool: string, params: unknown): string {
  return createHmac("sha256", key)
    .update(`${tool}\n${canonicalJson(params)}`)
    .digest("hex");
}

export function fingerprintsMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The deployment's HMAC key, created on first use. */
export async function loadFingerprintKey(db: Database): Promise<string> {
  const existing = await getSetting(db, keySetting);
  if (existing) return existing;
  await putSetting(db, keySetting, randomBytes(32).toString("hex"));
  // Read back: if two processes raced, both now use whichever write landed last.
  return (await getSetting(db, keySetting)) as string;
}

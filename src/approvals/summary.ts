/**
 * The readable, secret-free line shown on an approval prompt. A tool may summarize its own calls;
 * otherwise the parameters are shown with values under secret-looking keys (and values that look
 * like tokens) replaced by "•••", and long values shortened.
 */
import type { Tool } from "../plugin/tool.ts";

const secretKey = /(pass(word)?|secret|token|api[-_]?key|auth|cookie|credential|private[-_]?key|signature)/i;
const secretValue =
  /^(sk-|xox[abp]-|xapp-|ghp_|gho_|github_pat_|AKIA|eyJ)[\w.-]{8,}|^[A-Za-z0-9+/_-]{32,}={0,2}$/;

function redact(value: unknown, key = ""): unknown {
  if (secretKey.test(key)) return "•••";
  if (typeof value === "string") {
    if (secretValue.test(value)) return "•••";
    return value.length > 200 ? `${value.slice(0, 197)}…` : value;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([inner, item]) => [inner, redact(item, inner)]));
  }
  return value;
}

export async function summarizeCall(
  tool: Tool | undefined,
  params: Record<string, unknown>,
): Promise<string> {
  if (tool?.summarize) {
    try {
      return await tool.summarize(params);
    } catch {
      // fall through to the generic summary
    }
  }
  const text = JSON.stringify(redact(params));
  return text.length > 600 ? `${text.slice(0, 597)}…` : text;
}

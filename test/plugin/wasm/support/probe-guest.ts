/**
 * One guest that exercises every host function on request (`{"op": …}` in its params), so the
 * runtime and escape tests share a single build. It is hostile where the op says so: loops
 * forever, allocates without bound, returns huge results, throws non-strings, leaves state behind.
 */
export const probeGuestSource = `
import host from "ironclaw:plugin/host@0.1.0";
export function description() { return "probe: runs the operation named in its params"; }
export function schema() { return JSON.stringify({ type: "object", properties: { op: { type: "string" } } }); }
function attempt(run) {
  try { return { ok: run() }; } catch (error) {
    // A result's error arrives as an Error whose payload is the WIT error value.
    return { err: error instanceof Error && error.payload !== undefined ? error.payload : String(error) };
  }
}
function bytesOf(text) { return Array.from(text, (c) => c.charCodeAt(0) & 255); }
function textOf(bytes) { let out = ""; for (const b of bytes) out += String.fromCharCode(b); return out; }
export function execute(paramsJson, contextJson) {
  const p = JSON.parse(paramsJson);
  switch (p.op) {
    case "context": return contextJson;
    case "http": {
      const body = p.body === undefined ? undefined : bytesOf(p.body);
      const r = attempt(() => host.httpRequest(p.method ?? "GET", p.url, JSON.stringify(p.headers ?? {}), body, p.timeoutMs ?? 0));
      if (r.err) return JSON.stringify({ failure: r.err });
      return JSON.stringify({ status: r.ok.status, headers: JSON.parse(r.ok.headersJson), body: textOf(r.ok.body) });
    }
    case "workspace": return JSON.stringify(attempt(() => host.workspaceRead(p.path)));
    case "secret": return JSON.stringify(host.secretExists(p.name));
    case "now": return String(host.nowMillis());
    case "random": return String(host.randomBytes(p.length).length);
    case "log": {
      for (let i = 0; i < (p.count ?? 1); i++) host.log(p.level ?? "info", p.message ?? "line " + i);
      return "logged";
    }
    case "fail": throw { message: p.message };
    case "throw": throw p.value;
    case "return": return p.value;
    case "counter": globalThis.counter = (globalThis.counter ?? 0) + 1; return String(globalThis.counter);
    case "loop": while (true) {}
    case "recurse": { const f = (n) => f(n + 1) + 1; return String(f(0)); }
    case "allocate": { const kept = []; while (true) kept.push(new Array(65536).fill(kept.length)); }
    case "big": return "x".repeat(p.size);
    case "globals": return JSON.stringify({
      process: typeof process, Bun: typeof Bun, require: typeof require, fetch: typeof fetch,
      std: typeof std, os: typeof os, Deno: typeof Deno, WebAssembly: typeof WebAssembly,
      XMLHttpRequest: typeof XMLHttpRequest, importScripts: typeof importScripts,
      postMessage: typeof postMessage, self: typeof self, scriptArgs: typeof scriptArgs,
      Worker: typeof Worker, Buffer: typeof Buffer, globalThisProcess: typeof globalThis.process,
      hostKeys: Object.keys(host).sort().join(","),
    });
    case "import": {
      const r = attempt(() => { let result = "pending"; import(p.module).then(() => { result = "loaded"; }, (e) => { result = "refused: " + e; }); return result; });
      return JSON.stringify(r);
    }
    default: return "unknown op " + p.op;
  }
}
`;

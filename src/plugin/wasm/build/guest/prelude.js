/**
 * The guest prelude: runs inside the component (QuickJS), before the author's module, and gives
 * it what QuickJS lacks, all backed by the host interface `ironclaw:plugin/host`:
 *   globals  console.*, TextEncoder/TextDecoder (UTF-8), Date/performance (host clock),
 *            crypto.getRandomValues/randomUUID and Math.random (host randomness)
 * The module "ironclaw:tool" (http, workspace, secretExists) is tool-module.js.
 *
 * Why the "running" guard: the component is snapshotted after the modules' top level ran (Wizer),
 * with no host attached. A clock or random value read then would be frozen into every call (the
 * same "random" number forever), so host-backed functions refuse to run at the top level with a
 * message that says where to call them instead; console output there is dropped.
 */
import * as host from "ironclaw:plugin/host@0.1.0";

let running = false;

/**
 * Installs a global. StarlingMonkey defines some (crypto, performance) as getter-only
 * accessors: those are redefined, and where that is refused their methods are replaced.
 */
function defineGlobal(name, value) {
  try {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  } catch {
    const existing = globalThis[name];
    for (const [key, member] of Object.entries(value)) existing[key] = member;
  }
}

/** Called by the entry wrapper at the start of every export: the host is attached from now on. */
export function markRunning() {
  running = true;
}

/** Throws unless the host is attached (see above); tool-module.js guards its functions with it. */
export function requireRunning(what) {
  if (!running)
    throw new Error(
      `${what} is not available while the tool is being built (module top level); call it inside execute()`,
    );
}

// ---- console → host log --------------------------------------------------------------------
export function formatValue(value) {
  if (typeof value === "string") return value;
  if (value instanceof Error)
    return value.stack
      ? `${value.name}: ${value.message}\n${value.stack}`
      : `${value.name}: ${value.message}`;
  if (
    value === undefined ||
    typeof value === "function" ||
    typeof value === "symbol" ||
    typeof value === "bigint"
  )
    return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function logAt(level) {
  return (...values) => {
    if (!running) return;
    host.log(level, values.map(formatValue).join(" "));
  };
}

defineGlobal("console", {
  log: logAt("info"),
  info: logAt("info"),
  warn: logAt("warn"),
  error: logAt("error"),
  debug: logAt("debug"),
});

// ---- UTF-8 text ------------------------------------------------------------------------------
class TextEncoder {
  get encoding() {
    return "utf-8";
  }
  encode(input = "") {
    const text = String(input);
    const bytes = [];
    for (let index = 0; index < text.length; index++) {
      let code = text.codePointAt(index);
      if (code > 0xffff) index++;
      else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // lone surrogate
      if (code < 0x80) bytes.push(code);
      else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
      else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
      else
        bytes.push(
          0xf0 | (code >> 18),
          0x80 | ((code >> 12) & 63),
          0x80 | ((code >> 6) & 63),
          0x80 | (code & 63),
        );
    }
    return new Uint8Array(bytes);
  }
}

class TextDecoder {
  get encoding() {
    return "utf-8";
  }
  decode(input) {
    if (input === undefined) return "";
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input.buffer ?? input);
    let text = "";
    let index = 0;
    while (index < bytes.length) {
      const first = bytes[index];
      const length =
        first < 0x80 ? 1 : first >= 0xf0 && first < 0xf8 ? 4 : first >= 0xe0 ? 3 : first >= 0xc2 ? 2 : 0;
      let code = length === 1 ? first : length === 0 ? -1 : first & (0xff >> (length + 1));
      for (let next = 1; next < length && code >= 0; next++) {
        const byte = bytes[index + next];
        if (byte === undefined || (byte & 0xc0) !== 0x80) code = -1;
        else code = (code << 6) | (byte & 63);
      }
      const valid = code >= 0 && !(code >= 0xd800 && code <= 0xdfff) && code <= 0x10ffff;
      text += valid ? String.fromCodePoint(code) : "\ufffd";
      index += valid ? length : 1;
    }
    return text;
  }
}

defineGlobal("TextEncoder", TextEncoder);
defineGlobal("TextDecoder", TextDecoder);

// ---- clock ----------------------------------------------------------------------------------
const BuildTimeDate = Date;
function hostNow() {
  requireRunning("Date.now() / new Date()");
  return Number(host.nowMillis());
}
BuildTimeDate.now = hostNow;
defineGlobal(
  "Date",
  new Proxy(BuildTimeDate, {
    construct(target, values, newTarget) {
      return Reflect.construct(target, values.length === 0 ? [hostNow()] : values, newTarget);
    },
    apply() {
      return new BuildTimeDate(hostNow()).toString();
    },
  }),
);
let clockOrigin;
defineGlobal("performance", {
  now() {
    const now = hostNow();
    clockOrigin ??= now;
    return now - clockOrigin;
  },
});

// ---- randomness -----------------------------------------------------------------------------
function getRandomValues(array) {
  requireRunning("crypto.getRandomValues() / Math.random()");
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (bytes.length > 65536) throw new RangeError("getRandomValues: at most 65536 bytes per call");
  for (let offset = 0; offset < bytes.length; offset += 4096) {
    bytes.set(host.randomBytes(Math.min(4096, bytes.length - offset)), offset);
  }
  return array;
}

function randomUUID() {
  const bytes = getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

defineGlobal("crypto", { getRandomValues, randomUUID });

let randomPool = new Uint32Array(0);
let randomIndex = 0;
Math.random = () => {
  if (randomIndex + 2 > randomPool.length) {
    randomPool = getRandomValues(new Uint32Array(64));
    randomIndex = 0;
  }
  // 53 random bits: 27 from one word, 26 from the next.
  const high = randomPool[randomIndex++] >>> 5;
  const low = randomPool[randomIndex++] >>> 6;
  return (high * 67108864 + low) / 9007199254740992;
};

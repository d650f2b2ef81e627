/**
 * The memory cap of a WASM call. Bun ignores a Worker's `resourceLimits`, so the only bound on a
 * guest's memory is the one written in its core modules: every memory a module defines or
 * imports gets `maximum = cap` (a smaller maximum already there is kept). `memory.grow` past it
 * fails inside the guest, which QuickJS reports as an out-of-memory error; the host never grows.
 *
 * Done on the binary (import and memory sections only, everything else copied byte for byte),
 * so it does not depend on binaryen round-tripping the module.
 */
import { AppError } from "../../../errors.ts";

const pageBytes = 64 * 1024;

class Reader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }
  byte(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw new AppError("invalid_input", "truncated core module");
    this.offset += 1;
    return value;
  }
  unsigned(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  skipName(): void {
    const length = Number(this.unsigned());
    this.offset += length;
  }
  /** A value type: one byte, or a reference type with a heap type (GC proposal). */
  skipValueType(): void {
    const code = this.byte();
    if (code === 0x63 || code === 0x64) this.unsigned();
  }
}

function encodeUnsigned(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0n);
  return out;
}

/** Reads one memory type's limits at the reader and returns them re-encoded with the cap. */
function cappedLimits(reader: Reader, capPages: bigint): number[] {
  const flags = reader.byte();
  if (flags & 0x08) throw new AppError("invalid_input", "custom page sizes are not supported");
  const minimum = reader.unsigned();
  const maximum = flags & 0x01 ? reader.unsigned() : undefined;
  if (minimum > capPages) {
    throw new AppError(
      "invalid_input",
      `the tool needs ${Number(minimum) / 16} MiB of memory at start, above its cap of ${Number(capPages) / 16} MiB`,
    );
  }
  const capped = maximum === undefined || maximum > capPages ? capPages : maximum;
  return [flags | 0x01, ...encodeUnsigned(minimum), ...encodeUnsigned(capped)];
}

function rewriteImports(section: Uint8Array, capPages: bigint): number[] {
  const reader = new Reader(section);
  const count = reader.unsigned();
  const out = [...encodeUnsigned(count)];
  for (let index = 0n; index < count; index += 1n) {
    const start = reader.offset;
    reader.skipName();
    reader.skipName();
    const kind = reader.byte();
    out.push(...section.subarray(start, reader.offset));
    if (kind === 0x02) {
      out.push(...cappedLimits(reader, capPages));
      continue;
    }
    const descriptor = reader.offset;
    if (kind === 0x00) reader.unsigned();
    else if (kind === 0x01) {
      reader.skipValueType();
      const flags = reader.byte();
      reader.unsigned();
      if (flags & 0x01) reader.unsigned();
    } else if (kind === 0x03) {
      reader.skipValueType();
      reader.byte();
    } else if (kind === 0x04) {
      reader.byte();
      reader.unsigned();
    } else throw new AppError("invalid_input", `unknown import kind ${kind} in a core module`);
    out.push(...section.subarray(descriptor, reader.offset));
  }
  return out;
}

function rewriteMemories(section: Uint8Array, capPages: bigint): number[] {
  const reader = new Reader(section);
  const count = reader.unsigned();
  const out = [...encodeUnsigned(count)];
  for (let index = 0n; index < count; index += 1n) out.push(...cappedLimits(reader, capPages));
  return out;
}

/** The module with every memory's maximum set to at most `memoryMiB`. */
export function capMemory(bytes: Uint8Array, memoryMiB: number): Uint8Array {
  const capPages = BigInt(Math.floor((memoryMiB * 1024 * 1024) / pageBytes));
  const reader = new Reader(bytes, 8);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  while (reader.offset < bytes.length) {
    const sectionStart = reader.offset;
    const id = reader.byte();
    const size = Number(reader.unsigned());
    const start = reader.offset;
    const section = bytes.subarray(start, start + size);
    reader.offset = start + size;
    if (id !== 2 && id !== 5) {
      parts.push(bytes.subarray(sectionStart, start + size));
      continue;
    }
    const body = id === 2 ? rewriteImports(section, capPages) : rewriteMemories(section, capPages);
    parts.push(new Uint8Array([id, ...encodeUnsigned(BigInt(body.length)), ...body]));
  }
  return Buffer.concat(parts);
}

/**
 * A minimal, deterministic ustar writer for the sandbox root filesystem: entries in the order
 * given, owner root, mtime 0, so the same inputs always make the same bytes — and so the same
 * image tag (the tag is the archive's SHA-256). Only what a root filesystem needs: directories,
 * regular files and symbolic links, names up to 100 bytes.
 */
import { AppError } from "../errors.ts";

export type TarEntry =
  | { type: "directory"; path: string; mode: number }
  | { type: "file"; path: string; mode: number; content: Uint8Array }
  | { type: "symlink"; path: string; target: string };

const blockSize = 512;

function writeString(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > length) {
    throw new AppError("invalid_input", `tar entry field too long: ${value}`);
  }
  header.set(bytes, offset);
}

function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeString(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function headerFor(entry: TarEntry, size: number): Uint8Array {
  const header = new Uint8Array(blockSize);
  const name = entry.type === "directory" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, entry.type === "symlink" ? 0o777 : entry.mode);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, 0);
  header.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  header[156] = entry.type === "directory" ? 0x35 : entry.type === "symlink" ? 0x32 : 0x30;
  if (entry.type === "symlink") writeString(header, 157, 100, entry.target);
  writeString(header, 257, 6, "ustar\0");
  writeString(header, 263, 2, "00");
  writeString(header, 265, 32, "root");
  writeString(header, 297, 32, "root");
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  writeString(header, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** The archive's bytes: each header and its padded content, then two zero blocks. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const content = entry.type === "file" ? entry.content : new Uint8Array(0);
    parts.push(headerFor(entry, content.length));
    if (content.length > 0) {
      parts.push(content);
      const padding = (blockSize - (content.length % blockSize)) % blockSize;
      if (padding > 0) parts.push(new Uint8Array(padding));
    }
  }
  parts.push(new Uint8Array(blockSize * 2));
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const archive = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    archive.set(part, offset);
    offset += part.length;
  }
  return archive;
}

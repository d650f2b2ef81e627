/**
 * Reads a zip archive's central directory by hand, because the checks that keep a registry
 * archive harmless need fields fflate's unzip does not expose (the external attributes that
 * mark a symbolic link, the "made by" system, the encryption flag), and because one parser must
 * decide both what is checked and what is extracted: two parsers that disagree about an archive
 * are how a checked archive smuggles a different file through. fflate only inflates, into a
 * buffer sized by the declared length plus one byte, so a lying header cannot make it allocate
 * more than the caller already accepted (a longer output is refused).
 */
import { inflateSync } from "fflate";
import { AppError } from "../../errors.ts";

export interface ZipEntry {
  /** The name exactly as stored (not yet checked). */
  readonly name: string;
  /** Unix file mode from the external attributes when the archive was made on Unix, else 0. */
  readonly unixMode: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly method: number;
  readonly encrypted: boolean;
  readonly localHeaderOffset: number;
}

const endOfDirectorySignature = 0x06054b50;
const directorySignature = 0x02014b50;
const localSignature = 0x04034b50;
const unixHost = 3;

function refuse(message: string): never {
  throw new AppError("invalid_input", `the skill archive is not acceptable: ${message}`);
}

/** Lists the entries of `archive` (at most `maxEntries`); refuses anything it cannot read plainly. */
export function readZipEntries(archive: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  // The end record is in the last 22 + 65535 (comment) bytes.
  let end = -1;
  for (
    let offset = archive.byteLength - 22;
    offset >= Math.max(0, archive.byteLength - 22 - 65_535);
    offset--
  ) {
    if (view.getUint32(offset, true) === endOfDirectorySignature) {
      end = offset;
      break;
    }
  }
  if (end < 0) refuse("it is not a zip file");
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff) refuse("ZIP64 archives are not accepted");
  if (count > maxEntries) refuse(`it has ${count} entries; at most ${maxEntries} are accepted`);
  if (directoryOffset + directorySize > end) refuse("its central directory is damaged");
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (offset + 46 > end || view.getUint32(offset, true) !== directorySignature)
      refuse("its central directory is damaged");
    const madeBy = view.getUint16(offset + 4, true) >> 8;
    const flags = view.getUint16(offset + 8, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const external = view.getUint32(offset + 38, true);
    if (offset + 46 + nameLength > end) refuse("its central directory is damaged");
    let name: string;
    try {
      name = decoder.decode(archive.subarray(offset + 46, offset + 46 + nameLength));
    } catch {
      refuse("an entry's name is not valid UTF-8");
    }
    entries.push({
      name,
      unixMode: madeBy === unixHost ? external >>> 16 : 0,
      method: view.getUint16(offset + 10, true),
      encrypted: (flags & 1) !== 0,
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's bytes, exactly `entry.size` of them, or a refusal. */
export function extractZipEntry(archive: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const header = entry.localHeaderOffset;
  if (header + 30 > archive.byteLength || view.getUint32(header, true) !== localSignature)
    refuse(`the entry ${JSON.stringify(entry.name)} is damaged`);
  const start = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  const data = archive.subarray(start, start + entry.compressedSize);
  if (start + entry.compressedSize > archive.byteLength)
    refuse(`the entry ${JSON.stringify(entry.name)} is truncated`);
  if (entry.encrypted) refuse(`the entry ${JSON.stringify(entry.name)} is encrypted`);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) refuse(`the entry ${JSON.stringify(entry.name)} is damaged`);
    return data.slice();
  }
  if (entry.method !== 8) refuse(`the entry ${JSON.stringify(entry.name)} uses an unsupported compression`);
  let output: Uint8Array;
  try {
    output = inflateSync(data, { out: new Uint8Array(entry.size + 1) });
  } catch (error) {
    throw new AppError(
      "invalid_input",
      `the skill archive is not acceptable: the entry ${JSON.stringify(entry.name)} does not decompress`,
      { cause: error },
    );
  }
  if (output.byteLength !== entry.size)
    refuse(`the entry ${JSON.stringify(entry.name)} is not the size its header declares`);
  return output;
}

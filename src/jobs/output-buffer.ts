/**
 * A job's output, capped: the first half of the limit and the last half are kept (where a build
 * states what it does and where it fails), the middle is counted and dropped, so a command that
 * prints gigabytes costs a constant amount of memory. Binary output is reported as such, with
 * control bytes replaced, so what reaches the model and the chat is always text.
 */

export interface OutputSnapshot {
  text: string;
  /** Everything the command printed, in bytes. */
  bytes: number;
  truncated: boolean;
  binary: boolean;
}

export interface OutputBuffer {
  append(chunk: Uint8Array): void;
  snapshot(): OutputSnapshot;
}

// Control characters except tab, newline and carriage return (ANSI colour escapes included).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const controlBytes = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function createOutputBuffer(limitBytes: number): OutputBuffer {
  const headLimit = Math.ceil(limitBytes / 2);
  const tailLimit = limitBytes - headLimit;
  const head = new Uint8Array(headLimit);
  let headLength = 0;
  // The tail is a ring: `tailStart` is where its oldest byte sits once it has wrapped.
  const tail = new Uint8Array(tailLimit);
  let tailLength = 0;
  let tailStart = 0;
  let total = 0;
  let nulSeen = false;

  const pushTail = (chunk: Uint8Array): void => {
    if (tailLimit === 0) return;
    const bytes = chunk.length > tailLimit ? chunk.subarray(chunk.length - tailLimit) : chunk;
    for (const byte of bytes) {
      const position = (tailStart + tailLength) % tailLimit;
      tail[position] = byte;
      if (tailLength < tailLimit) tailLength += 1;
      else tailStart = (tailStart + 1) % tailLimit;
    }
  };

  return {
    append(chunk) {
      total += chunk.length;
      if (!nulSeen && chunk.includes(0)) nulSeen = true;
      const intoHead = Math.min(headLimit - headLength, chunk.length);
      if (intoHead > 0) {
        head.set(chunk.subarray(0, intoHead), headLength);
        headLength += intoHead;
      }
      if (intoHead < chunk.length) pushTail(chunk.subarray(intoHead));
    },
    snapshot() {
      const decoder = new TextDecoder("utf-8", { fatal: false });
      const tailBytes = new Uint8Array(tailLength);
      for (let index = 0; index < tailLength; index++) {
        tailBytes[index] = tail[(tailStart + index) % tailLimit] as number;
      }
      const omitted = total - headLength - tailLength;
      const headText = decoder.decode(head.subarray(0, headLength));
      const tailText = decoder.decode(tailBytes);
      const raw =
        omitted > 0 ? `${headText}\n… [${omitted} bytes omitted] …\n${tailText}` : headText + tailText;
      const controls = raw.match(controlBytes)?.length ?? 0;
      const replacements = raw.match(/\uFFFD/g)?.length ?? 0;
      const binary = nulSeen || (raw.length > 0 && (controls + replacements) / raw.length > 0.1);
      const cleaned = raw.replace(controlBytes, "\uFFFD");
      return {
        text: binary
          ? `[binary output, ${total} bytes; non-text bytes shown as \uFFFD]\n${cleaned}`
          : cleaned,
        bytes: total,
        truncated: omitted > 0,
        binary,
      };
    },
  };
}

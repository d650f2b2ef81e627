import { describe, expect, test } from "bun:test";
import { createOutputBuffer } from "../../src/jobs/output-buffer.ts";

const text = (value: string) => new TextEncoder().encode(value);

describe("job output buffer", () => {
  test("under the limit everything is kept", () => {
    const buffer = createOutputBuffer(64);
    buffer.append(text("hello "));
    buffer.append(text("world\n"));
    expect(buffer.snapshot()).toEqual({ text: "hello world\n", bytes: 12, truncated: false, binary: false });
  });

  test("over the limit the head and tail are kept and the middle is counted", () => {
    const buffer = createOutputBuffer(20);
    buffer.append(text("HEAD-0123"));
    for (let index = 0; index < 1000; index++) buffer.append(text("middle"));
    buffer.append(text("9876-TAIL"));
    const snapshot = buffer.snapshot();
    expect(snapshot.bytes).toBe(9 + 6000 + 9);
    expect(snapshot.truncated).toBe(true);
    expect(snapshot.text.startsWith("HEAD-0123m")).toBe(true);
    expect(snapshot.text.endsWith("e9876-TAIL")).toBe(true);
    expect(snapshot.text).toContain(`[${6018 - 20} bytes omitted]`);
  });

  test("one huge chunk keeps only its last bytes in the tail", () => {
    const buffer = createOutputBuffer(10);
    buffer.append(text(`${"a".repeat(100_000)}ZZZZZ`));
    const snapshot = buffer.snapshot();
    expect(snapshot.text.startsWith("aaaaa\n")).toBe(true);
    expect(snapshot.text.endsWith("ZZZZZ")).toBe(true);
  });

  test("binary output is marked and control bytes are replaced", () => {
    const buffer = createOutputBuffer(1024);
    buffer.append(new Uint8Array([0, 1, 2, 0x1b, 0x41, 0xff, 0xfe, 10]));
    const snapshot = buffer.snapshot();
    expect(snapshot.binary).toBe(true);
    expect(snapshot.text).toStartWith("[binary output, 8 bytes");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(snapshot.text).not.toMatch(/[\u0000-\u0008\u001b]/);
  });

  test("colour escapes in text are neutralised without calling it binary", () => {
    const buffer = createOutputBuffer(1024);
    buffer.append(text("\u001b[31mred\u001b[0m and a long enough line of ordinary text here\n"));
    const snapshot = buffer.snapshot();
    expect(snapshot.binary).toBe(false);
    expect(snapshot.text).not.toContain("\u001b");
  });
});

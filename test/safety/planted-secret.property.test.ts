/**
 * Property: random text with a planted secret value — in any of the forms the detector promises
 * (plain, base64, URL-encoded, hex), anywhere, among other secrets — is always caught and never
 * survives redaction. A seeded generator keeps a failure reproducible: the seed and case index
 * are in the failure message.
 */
import { expect, test } from "bun:test";
import { createLeakDetector, knownSecretFinding } from "../../src/safety/leak-detector.ts";

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n\t.,;:!?-_/+=%&@#$()[]{}<>\"'äöüé漢字🙂";

function randomText(random: () => number, length: number): string {
  const characters = [...alphabet];
  let text = "";
  for (let index = 0; index < length; index += 1) {
    text += characters[Math.floor(random() * characters.length)];
  }
  return text;
}

const encoders: ReadonlyArray<(value: string) => string> = [
  (value) => value,
  (value) => Buffer.from(value).toString("base64"),
  (value) => Buffer.from(value).toString("base64url"),
  (value) => encodeURIComponent(value),
  (value) => Buffer.from(value).toString("hex"),
];

test("random text with a planted secret value is always caught", () => {
  const seed = 15;
  const random = seededRandom(seed);
  for (let index = 0; index < 500; index += 1) {
    const secrets = [0, 1, 2].map(() =>
      randomText(random, 8 + Math.floor(random() * 56)).replace(/\s/g, "x"),
    );
    const planted = secrets[Math.floor(random() * secrets.length)] as string;
    const form = (encoders[Math.floor(random() * encoders.length)] as (value: string) => string)(planted);
    const before = randomText(random, Math.floor(random() * 2000));
    const after = randomText(random, Math.floor(random() * 2000));
    const detector = createLeakDetector({ secretValues: () => secrets });
    const scan = detector.scan(`${before}${form}${after}`);
    const context = `seed ${seed}, case ${index}`;
    expect(
      scan.findings.some((finding) => finding.name === knownSecretFinding),
      context,
    ).toBe(true);
    expect(scan.action, context).toBe("block");
    expect(scan.redacted.includes(form), context).toBe(false);
  }
});

/**
 * The leak detector: exact secret values in every form a model can be talked into (plain,
 * base64, URL-encoded, hex), read through the provider on every scan; patterns with their
 * actions; findings that never carry the value; long texts scanned in bounded windows.
 */
import { describe, expect, test } from "bun:test";
import {
  createLeakDetector,
  knownSecretFinding,
  leakRedactionMarker,
} from "../../src/safety/leak-detector.ts";
import { leakPatterns } from "../../src/safety/leak-patterns.ts";

const secret = "s3cr3t-Value/with+chars=";

describe("leak detector", () => {
  test("the pattern corpus has at least 20 credential formats, each with an action", () => {
    expect(leakPatterns.length).toBeGreaterThanOrEqual(20);
    expect(new Set(leakPatterns.map((pattern) => pattern.name)).size).toBe(leakPatterns.length);
    for (const pattern of leakPatterns) expect(["block", "redact", "warn"]).toContain(pattern.action);
  });

  test("a known secret is caught plain, base64, base64url, URL-encoded and hex, and the text redacted", () => {
    const detector = createLeakDetector({ secretValues: () => [secret] });
    const bytes = Buffer.from(secret);
    const forms = [
      secret,
      bytes.toString("base64"),
      bytes.toString("base64url"),
      encodeURIComponent(secret),
      bytes.toString("hex"),
      bytes.toString("hex").toUpperCase(),
    ];
    for (const form of forms) {
      const scan = detector.scan(`before ${form} after`);
      expect(scan.action).toBe("block");
      expect(scan.findings.map((finding) => finding.name)).toContain(knownSecretFinding);
      expect(scan.redacted).toBe(`before ${leakRedactionMarker} after`);
      expect(JSON.stringify(scan.findings)).not.toContain(form);
    }
  });

  test("the provider is read on every scan: a secret added later is caught from then on", () => {
    const values: string[] = [];
    const detector = createLeakDetector({ secretValues: () => values });
    expect(detector.scan("the value is fresh-secret-42").action).toBeNull();
    values.push("fresh-secret-42");
    expect(detector.scan("the value is fresh-secret-42").action).toBe("block");
  });

  test("values shorter than six characters are not matched (they would mangle ordinary words)", () => {
    const detector = createLeakDetector({ secretValues: () => ["abc", ""] });
    expect(detector.scan("abc abc").findings).toEqual([]);
  });

  test("a redact pattern is replaced in place; a warn pattern is reported and left alone", () => {
    const detector = createLeakDetector();
    const token = `ghp_${"a1B2".repeat(9)}`;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${"s".repeat(43)}`;
    const scan = detector.scan(`token ${token} and ${jwt}`);
    expect(scan.action).toBe("redact");
    expect(scan.findings.map((finding) => [finding.name, finding.action])).toEqual([
      ["github_token", "redact"],
      ["jwt", "warn"],
    ]);
    expect(scan.redacted).toBe(`token ${leakRedactionMarker} and ${jwt}`);
  });

  test("a private key is a block finding", () => {
    const scan = createLeakDetector().scan(
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----",
    );
    expect(scan.action).toBe("block");
  });

  test("a long text is scanned in windows: a secret across a window edge and at the very end is found", () => {
    const detector = createLeakDetector({ secretValues: () => [secret], windowChars: 20_000 });
    const filler = "x".repeat(20_000 - 8_192 - 5);
    const text = `${filler}${secret}${"y".repeat(50_000)}${secret}`;
    const scan = detector.scan(text);
    expect(scan.findings.filter((finding) => finding.name === knownSecretFinding)).toHaveLength(2);
    expect(scan.redacted).not.toContain(secret);
  });

  test("50 MB of text is scanned without error and the planted secret is found", () => {
    const detector = createLeakDetector({ secretValues: () => [secret] });
    const text = `${"lorem ipsum ".repeat(4_400_000)}${secret}`;
    expect(text.length).toBeGreaterThan(50_000_000);
    const scan = detector.scan(text);
    expect(scan.action).toBe("block");
    expect(scan.findings).toHaveLength(1);
  });
});

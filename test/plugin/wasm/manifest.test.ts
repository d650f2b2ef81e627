import { describe, expect, test } from "bun:test";
import { defaultPluginLimits } from "../../../src/plugin/wasm/contract.ts";
import {
  ManifestError,
  parseToolManifest,
  parseToolManifestText,
} from "../../../src/plugin/wasm/manifest.ts";
import { manifestToJson } from "../../../src/plugin/wasm/manifest-json.ts";

const source = "weather.capabilities.json";

function refusal(json: unknown): string {
  try {
    parseToolManifest(json, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error("the manifest was accepted");
}

describe("parseToolManifest", () => {
  test("a name alone grants nothing: deny-all defaults", () => {
    const manifest = parseToolManifest({ kind: "tool", name: "clock" }, source);
    expect(manifest).toEqual({
      kind: "tool",
      name: "clock",
      description: "",
      risk: "read",
      approval: "unless-auto-approved",
      http: { allowlist: [] },
      credentials: [],
      secrets: { allowedNames: [] },
      workspace: { readPrefixes: [] },
      limits: defaultPluginLimits,
    });
    expect(Object.isFrozen(manifest.http.allowlist)).toBe(true);
  });

  test("a full manifest is read into the host's shape", () => {
    const manifest = parseToolManifest(
      {
        kind: "tool",
        name: "github",
        description: "Search GitHub issues.",
        risk: "external",
        approval: "never",
        http: { allowlist: [{ host: "API.GitHub.com", path_prefix: "/search/", methods: ["get", "POST"] }] },
        credentials: [{ secret: "github_token", hosts: ["api.github.com"] }],
        secrets: { allowed_names: ["github_token"] },
        workspace: { read_prefixes: ["./notes/", "projects/ironclaw"] },
        limits: {
          timeout_ms: 5000,
          memory_mib: 128,
          response_bytes: 2048,
          requests_per_minute: 10,
          requests_per_hour: 100,
        },
      },
      source,
    );
    expect(manifest.http.allowlist).toEqual([
      { host: "api.github.com", pathPrefix: "/search", methods: ["GET", "POST"] },
    ]);
    expect(manifest.credentials).toEqual([
      { secret: "github_token", hosts: ["api.github.com"], location: { type: "bearer" } },
    ]);
    expect(manifest.workspace.readPrefixes).toEqual(["notes", "projects/ironclaw"]);
    expect(manifest.limits).toEqual({
      timeoutMs: 5000,
      memoryMiB: 128,
      responseBytes: 2048,
      requestsPerMinute: 10,
      requestsPerHour: 100,
    });
    // The stored form parses back to the same manifest.
    expect(parseToolManifest(manifestToJson(manifest), "stored")).toEqual(manifest);
  });

  test("a tool that reaches the network defaults to risk external", () => {
    const manifest = parseToolManifest(
      { name: "stars", http: { allowlist: [{ host: "api.github.com" }] } },
      source,
    );
    expect(manifest.risk).toBe("external");
    expect(manifest.http.allowlist[0]?.methods).toEqual(["GET"]);
  });

  test("unknown fields are refused by their path", () => {
    expect(refusal({ name: "x", limits: { memmory_mib: 64 } })).toBe(
      `${source}: limits.memmory_mib: unknown field`,
    );
    expect(refusal({ name: "x", network: {} })).toBe(`${source}: network: unknown field`);
    expect(refusal({ name: "x", http: { allowlist: [{ host: "a.example.com", port: 8080 }] } })).toBe(
      `${source}: http.allowlist[0].port: unknown field`,
    );
    expect(
      refusal({
        name: "x",
        http: { allowlist: [{ host: "a.example.com" }] },
        credentials: [{ secret: "t", hosts: ["a.example.com"], location: { type: "bearer", prefix: "x" } }],
      }),
    ).toBe(`${source}: credentials[0].location.prefix: unknown field`);
  });

  test("impossible limits are refused naming the limit and the range", () => {
    expect(refusal({ name: "x", limits: { memory_mib: 8 } })).toContain(
      "limits.memory_mib: 8 MiB is impossible: use 16 MiB to 1024 MiB",
    );
    expect(refusal({ name: "x", limits: { memory_mib: 4096 } })).toContain(
      "limits.memory_mib: 4096 MiB is impossible",
    );
    expect(refusal({ name: "x", limits: { timeout_ms: 0 } })).toContain(
      "limits.timeout_ms: 0 ms is impossible",
    );
    expect(refusal({ name: "x", limits: { timeout_ms: 600_001 } })).toContain("limits.timeout_ms");
    expect(refusal({ name: "x", limits: { timeout_ms: 1.5 } })).toContain(
      "limits.timeout_ms: must be a whole number",
    );
    expect(refusal({ name: "x", limits: { response_bytes: -1 } })).toContain("limits.response_bytes");
    expect(refusal({ name: "x", limits: { requests_per_minute: "10" } })).toContain(
      "limits.requests_per_minute: must be a whole number",
    );
  });

  test("a bare * host, a TLD glob and malformed hosts are refused", () => {
    expect(refusal({ name: "x", http: { allowlist: [{ host: "*" }] } })).toContain(
      'http.allowlist[0].host: a bare "*" would allow every host',
    );
    expect(refusal({ name: "x", http: { allowlist: [{ host: "*.com" }] } })).toContain(
      "http.allowlist[0].host: invalid host",
    );
    expect(refusal({ name: "x", http: { allowlist: [{ host: "evil.com/.github.com" }] } })).toContain(
      "invalid host",
    );
    expect(
      refusal({ name: "x", http: { allowlist: [{ host: "a.example.com", path_prefix: "v1" }] } }),
    ).toContain("http.allowlist[0].path_prefix: invalid path prefix");
    expect(
      refusal({ name: "x", http: { allowlist: [{ host: "a.example.com", methods: ["CONNECT"] }] } }),
    ).toContain("http.allowlist[0].methods[0]");
  });

  test("a credential may only go to hosts the allowlist grants", () => {
    const http = { allowlist: [{ host: "api.github.com" }] };
    expect(refusal({ name: "x", http, credentials: [{ secret: "t", hosts: ["evil.example"] }] })).toContain(
      'credentials[0].hosts[0]: "evil.example" is not on http.allowlist',
    );
    // A glob wider than the allowlist is not covered either.
    expect(refusal({ name: "x", http, credentials: [{ secret: "t", hosts: ["*.github.com"] }] })).toContain(
      "not on http.allowlist",
    );
    const covered = parseToolManifest(
      {
        name: "x",
        http: { allowlist: [{ host: "*.github.com" }] },
        credentials: [
          { secret: "t", hosts: ["api.github.com"], location: { type: "header", name: "X-Token" } },
        ],
      },
      source,
    );
    expect(covered.credentials[0]?.location).toEqual({ type: "header", name: "X-Token" });
    expect(
      refusal({
        name: "x",
        http,
        credentials: [{ secret: "t", hosts: ["api.github.com"], location: { type: "header", name: "Host" } }],
      }),
    ).toContain("credentials[0].location: invalid header name");
    expect(
      refusal({ name: "x", http, credentials: [{ secret: "bad name", hosts: ["api.github.com"] }] }),
    ).toContain("credentials[0].secret");
  });

  test("a read-risk tool may not use writing methods", () => {
    expect(
      refusal({
        name: "x",
        risk: "read",
        http: { allowlist: [{ host: "a.example.com", methods: ["POST"] }] },
      }),
    ).toContain('risk: "read" but http.allowlist[0] allows POST');
  });

  test("workspace prefixes never reach outside the workspace", () => {
    for (const prefix of ["/etc", "../secrets", "notes/../../x", ".", ""]) {
      expect(refusal({ name: "x", workspace: { read_prefixes: [prefix] } })).toContain(
        "workspace.read_prefixes[0]",
      );
    }
  });

  test("names, kinds, tiers and text are checked", () => {
    expect(refusal({})).toContain("name: is required");
    expect(refusal({ name: "Http Request" })).toContain("name:");
    expect(refusal({ name: "x", kind: "channel" })).toContain('kind: "channel" is not supported');
    expect(refusal({ name: "x", risk: "root" })).toContain(
      'risk: "root" is not one of read, write, external, exec',
    );
    expect(refusal({ name: "x", approval: "sometimes" })).toContain("approval:");
    expect(refusal({ name: "x", description: "line\u001b[2Jclear" })).toContain(
      "description: contains control characters",
    );
    expect(refusal([])).toContain("must be an object");
    expect(() => parseToolManifestText("{ not json", source)).toThrow(
      /weather.capabilities.json: is not valid JSON/,
    );
  });
});

/**
 * Credential injection at the HTTP boundary, through the real HTTP port and a real server: the
 * secret reaches exactly the hosts and paths it is mapped to, at the mapped location; a redirect
 * is injected hop by hop and never carries a credential to another host; the outbound scan hook
 * runs before injection and sees no secret; every injection is recorded (name, host, time) and
 * no value reaches a log line, an error or what the tool gets back.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../src/db/client.ts";
import { listSecretUsage } from "../../src/db/secrets.ts";
import { createLogger } from "../../src/log.ts";
import {
  createHttpPort,
  type OutgoingRequest,
  RequestRefusedError,
} from "../../src/plugin/ports/http/http-port.ts";
import { createCredentialInjector } from "../../src/secrets/injector.ts";
import { type CredentialMapping, hostMatches } from "../../src/secrets/mapping.ts";
import { addCredentialMapping } from "../../src/secrets/mappings.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { forEachBackend } from "../support/db.ts";

const token = "ghp_InjectionTestToken0123456789abcdefXYZ";
let server: ReturnType<typeof Bun.serve>;
let port: number;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/redirect")) {
        return new Response(null, { status: 302, headers: { location: url.searchParams.get("to") ?? "/" } });
      }
      return Response.json({
        host: url.hostname,
        path: url.pathname,
        query: url.search,
        authorization: request.headers.get("authorization"),
        apiKey: request.headers.get("x-api-key"),
      });
    },
  });
  port = server.port as number;
});

afterAll(() => server.stop(true));

const signal = new AbortController().signal;

async function setUp(db: Database, mappings: Omit<CredentialMapping, "secret">[]) {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });
  const store = createSecretStore({
    db,
    home: mkdtempSync(join(tmpdir(), "ironclaw-inject-")),
    environmentKey: "m".repeat(40),
  });
  await store.set("github_token", token);
  for (const mapping of mappings) await addCredentialMapping(db, { secret: "github_token", ...mapping });
  const scanned: OutgoingRequest[] = [];
  const http = createHttpPort({
    allowHosts: ["127.0.0.1", "localhost"],
    beforeSend: [(request) => void scanned.push(request)],
    credentials: createCredentialInjector({ db, store, log, plainHttpHosts: ["127.0.0.1", "localhost"] }),
  });
  const get = async (path: string, host = "127.0.0.1") => {
    const outcome = await http.send(
      { method: "GET", url: new URL(`http://${host}:${port}${path}`), headers: new Headers() },
      { signal },
    );
    const body = (await outcome.response.json()) as Record<string, string | null>;
    return { body, url: outcome.url.href };
  };
  return { get, lines, scanned, http };
}

forEachBackend("credential injection", ({ database }) => {
  test("a bearer mapping reaches its host only, and each injection is recorded", async () => {
    const { db } = await database();
    const { get, lines, scanned } = await setUp(db, [{ hosts: ["127.0.0.1"], location: { type: "bearer" } }]);
    expect((await get("/user")).body.authorization).toBe(`Bearer ${token}`);
    expect((await get("/user", "localhost")).body.authorization).toBeNull();
    const usage = await listSecretUsage(db);
    expect(usage.map((row) => [row.secretName, row.host])).toEqual([["github_token", "127.0.0.1"]]);
    expect(usage[0]?.usedAt).toBeInstanceOf(Date);
    expect(lines.some((line) => line.includes("credential injected"))).toBe(true);
    expect(lines.join("\n")).not.toContain(token);
    // The outbound scan ran on both requests, before injection: it never saw the token.
    expect(scanned).toHaveLength(2);
    expect(JSON.stringify(scanned.map((request) => [...request.headers]))).not.toContain(token);
  });

  test("a redirect to another host carries no credential; back to the mapped host it is injected again", async () => {
    const { db } = await database();
    const { get } = await setUp(db, [
      { hosts: ["127.0.0.1"], location: { type: "header", name: "x-api-key" } },
    ]);
    const away = await get(`/redirect?to=${encodeURIComponent(`http://localhost:${port}/landing`)}`);
    expect(away.body).toMatchObject({ host: "localhost", apiKey: null });
    const back = await get(
      `/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/landing`)}`,
      "localhost",
    );
    expect(back.body).toMatchObject({ host: "127.0.0.1", apiKey: token });
    expect((await listSecretUsage(db)).map((row) => row.host)).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  test("a path prefix limits the mapping to that path and below", async () => {
    const { db } = await database();
    const { get } = await setUp(db, [
      { hosts: ["127.0.0.1"], pathPrefix: "/v1", location: { type: "bearer" } },
    ]);
    expect((await get("/v1/things")).body.authorization).toBe(`Bearer ${token}`);
    expect((await get("/v10/things")).body.authorization).toBeNull();
    expect((await get("/other")).body.authorization).toBeNull();
  });

  test("basic, header with prefix, query and url-path locations", async () => {
    const { db } = await database();
    const { get } = await setUp(db, [
      { hosts: ["127.0.0.1"], pathPrefix: "/basic", location: { type: "basic" } },
      {
        hosts: ["127.0.0.1"],
        pathPrefix: "/header",
        location: { type: "header", name: "x-api-key", prefix: "token " },
      },
      { hosts: ["127.0.0.1"], pathPrefix: "/query", location: { type: "query", name: "key" } },
      { hosts: ["127.0.0.1"], location: { type: "url-path", placeholder: "{TOKEN}" } },
    ]);
    expect((await get("/basic")).body.authorization).toBe(`Basic ${Buffer.from(token).toString("base64")}`);
    expect((await get("/header")).body.apiKey).toBe(`token ${token}`);
    const query = await get("/query?q=1");
    expect(query.body.query).toBe(`?q=1&key=${token}`);
    expect(query.url).not.toContain(token); // what the tool gets back names no secret
    const path = await get("/bot{TOKEN}/getMe");
    expect(path.body.path).toBe(`/bot${token}/getMe`);
    expect(path.url).not.toContain(token);
  });

  test("a scan hook that refuses stops the request before any credential is injected", async () => {
    const { db } = await database();
    const store = createSecretStore({
      db,
      home: mkdtempSync(join(tmpdir(), "ironclaw-inject-")),
      environmentKey: "m".repeat(40),
    });
    await store.set("github_token", token);
    await addCredentialMapping(db, {
      secret: "github_token",
      hosts: ["127.0.0.1"],
      location: { type: "bearer" },
    });
    const http = createHttpPort({
      allowHosts: ["127.0.0.1"],
      beforeSend: [
        () => {
          throw new RequestRefusedError("blocked by the outbound scan");
        },
      ],
      credentials: createCredentialInjector({
        db,
        store,
        log: createLogger({ level: "error", write: () => {} }),
        plainHttpHosts: ["127.0.0.1"],
      }),
    });
    const sent = http.send(
      { method: "GET", url: new URL(`http://127.0.0.1:${port}/`), headers: new Headers() },
      { signal },
    );
    await expect(sent).rejects.toThrow("blocked by the outbound scan");
    expect(await listSecretUsage(db)).toEqual([]);
  });

  test("over plain http a credential goes only to the local hosts the owner allowed", async () => {
    const { db } = await database();
    const store = createSecretStore({
      db,
      home: mkdtempSync(join(tmpdir(), "ironclaw-inject-")),
      environmentKey: "m".repeat(40),
    });
    await store.set("github_token", token);
    await addCredentialMapping(db, {
      secret: "github_token",
      hosts: ["127.0.0.1"],
      location: { type: "bearer" },
    });
    const lines: string[] = [];
    const http = createHttpPort({
      allowHosts: ["127.0.0.1"],
      credentials: createCredentialInjector({
        db,
        store,
        log: createLogger({ level: "debug", write: (line) => lines.push(line) }),
      }),
    });
    const outcome = await http.send(
      { method: "GET", url: new URL(`http://127.0.0.1:${port}/user`), headers: new Headers() },
      { signal },
    );
    expect(((await outcome.response.json()) as { authorization: string | null }).authorization).toBeNull();
    expect(lines.join("\n")).toContain("credential not injected over plain http");
    expect(await listSecretUsage(db)).toEqual([]);
  });

  test("a wrong master key refuses the request with a message naming the secret, not its value", async () => {
    const { db } = await database();
    const home = mkdtempSync(join(tmpdir(), "ironclaw-inject-"));
    await createSecretStore({ db, home, environmentKey: "m".repeat(40) }).set("github_token", token);
    await addCredentialMapping(db, {
      secret: "github_token",
      hosts: ["127.0.0.1"],
      location: { type: "bearer" },
    });
    const wrong = createSecretStore({ db, home, environmentKey: "w".repeat(40) });
    const lines: string[] = [];
    const http = createHttpPort({
      allowHosts: ["127.0.0.1"],
      credentials: createCredentialInjector({
        db,
        store: wrong,
        log: createLogger({ level: "debug", write: (line) => lines.push(line) }),
        plainHttpHosts: ["127.0.0.1"],
      }),
    });
    const sent = http.send(
      { method: "GET", url: new URL(`http://127.0.0.1:${port}/`), headers: new Headers() },
      { signal },
    );
    await expect(sent).rejects.toThrow('The credential "github_token" for 127.0.0.1 could not be opened');
    expect(lines.join("\n")).toContain("credential not injected");
    expect(lines.join("\n")).not.toContain(token);
  });

  test("a mapping to an unknown secret, or with a bad host or location, is refused with its name", async () => {
    const { db } = await database();
    const refusal = addCredentialMapping(db, {
      secret: "missing_token",
      hosts: ["api.github.com"],
      location: { type: "bearer" },
    });
    await expect(refusal).rejects.toThrow('no secret named "missing_token"');
    await setUp(db, []); // stores github_token
    for (const hosts of [["*"], ["*.com"], ["evil.com/x"], []]) {
      await expect(
        addCredentialMapping(db, { secret: "github_token", hosts, location: { type: "bearer" } }),
      ).rejects.toThrow();
    }
    await expect(
      addCredentialMapping(db, {
        secret: "github_token",
        hosts: ["a.example"],
        location: { type: "header", name: "Bad Header" },
      }),
    ).rejects.toThrow("invalid header name");
    await expect(
      addCredentialMapping(db, {
        secret: "github_token",
        hosts: ["a.example"],
        pathPrefix: "v1",
        location: { type: "bearer" },
      }),
    ).rejects.toThrow("invalid path prefix");
  });
});

test("a glob covers one subdomain label, never the apex or a look-alike", () => {
  expect(hostMatches("*.github.com", "api.github.com")).toBe(true);
  expect(hostMatches("*.github.com", "github.com")).toBe(false);
  expect(hostMatches("*.github.com", "a.b.github.com")).toBe(false);
  expect(hostMatches("*.github.com", "evilgithub.com")).toBe(false);
  expect(hostMatches("api.github.com", "API.GitHub.com.")).toBe(true);
});

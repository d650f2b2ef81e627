/**
 * DNS rebinding against the whole send path (check → hooks → credentials → pinned fetch): a name
 * that answers an approved address to the check and 127.0.0.1 afterwards must never reach
 * 127.0.0.1. The name is "localhost", which the system resolver really does answer with
 * 127.0.0.1, so a fetch that resolved it again would hit the internal server — the control test
 * shows exactly that. The approved "public" server listens on 127.0.0.2 (the policy's `classify`
 * seam treats that one address as public) on the same port as the internal one on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { classifyAddress } from "../../../../src/plugin/ports/http/address-policy.ts";
import {
  createDestinationPolicy,
  type DestinationPolicy,
  type PinnedAddresses,
  type ResolvedAddress,
} from "../../../../src/plugin/ports/http/destination-check.ts";
import { createHttpPort } from "../../../../src/plugin/ports/http/http-port.ts";
import { createPinnedFetch } from "../../../../src/plugin/ports/http/pinned-fetch.ts";
import {
  type FetchFunction,
  type OutgoingRequest,
  RequestRefusedError,
  type SendOptions,
  sendRequest,
} from "../../../../src/plugin/ports/http/send-request.ts";
import { applyCredential } from "../../../../src/secrets/injector.ts";
import { type CredentialMapping, mappingApplies } from "../../../../src/secrets/mapping.ts";

const publicAddress = "127.0.0.2";
let port: number;
let publicServer: ReturnType<typeof Bun.serve>;
let internalServer: ReturnType<typeof Bun.serve>;
const publicHits: { host: string | null; path: string; key: string | null }[] = [];
const internalHits: string[] = [];

beforeAll(() => {
  publicServer = Bun.serve({
    hostname: publicAddress,
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      publicHits.push({
        host: request.headers.get("host"),
        path: url.pathname,
        key: request.headers.get("x-api-key"),
      });
      const to = url.searchParams.get("to");
      return to ? new Response(null, { status: 302, headers: { location: to } }) : new Response("public");
    },
  });
  port = publicServer.port as number;
  internalServer = Bun.serve({
    hostname: "127.0.0.1",
    port,
    fetch(request) {
      internalHits.push(new URL(request.url).pathname);
      return new Response("internal metadata");
    },
  });
});

afterAll(() => {
  publicServer.stop(true);
  internalServer.stop(true);
});

/** A rebinding resolver: each name's answers in turn, the last one repeated; every question kept. */
function scriptedLookup(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<ResolvedAddress[]> => {
    const count = asked.filter((name) => name === hostname).length;
    asked.push(hostname);
    const script = answers[hostname] ?? [];
    const address = script[Math.min(count, script.length - 1)];
    return address === undefined ? [] : [{ address, family: 4 }];
  };
  return { lookup, asked };
}

const classify = (address: string) => (address === publicAddress ? null : classifyAddress(address));

function policyWith(lookup: (hostname: string) => Promise<ResolvedAddress[]>): DestinationPolicy {
  return { ...createDestinationPolicy([], lookup), classify };
}

const signal = new AbortController().signal;
const get = (url: string): OutgoingRequest => ({ method: "GET", url: new URL(url), headers: new Headers() });
const options = (policy: DestinationPolicy, fetch: FetchFunction, extra: Partial<SendOptions> = {}) => ({
  policy,
  fetch,
  signal,
  maxRedirects: 5,
  ...extra,
});

describe("DNS rebinding", () => {
  test("control: a fetch that resolves the name again reaches the internal server", async () => {
    const { lookup } = scriptedLookup({ localhost: [publicAddress, "127.0.0.1"] });
    const resolvingAgain: FetchFunction = (input, init) => fetch(input, init);
    const before = internalHits.length;
    const { response } = await sendRequest(
      get(`http://localhost:${port}/control`),
      options(policyWith(lookup), resolvingAgain),
    );
    expect(await response.text()).toBe("internal metadata");
    expect(internalHits.slice(before)).toEqual(["/control"]);
  });

  test("public first, 127.0.0.1 second: the request reaches only the approved address", async () => {
    const { lookup, asked } = scriptedLookup({ localhost: [publicAddress, "127.0.0.1"] });
    const before = internalHits.length;
    const { response } = await sendRequest(
      get(`http://localhost:${port}/pinned`),
      options(policyWith(lookup), createPinnedFetch()),
    );
    expect(await response.text()).toBe("public");
    expect(publicHits.at(-1)).toEqual({ host: `localhost:${port}`, path: "/pinned", key: null });
    expect(asked).toEqual(["localhost"]);
    expect(internalHits.length).toBe(before);
  });

  test("the HTTP port's default fetch is the pinned one", async () => {
    const { lookup, asked } = scriptedLookup({ localhost: [publicAddress, "127.0.0.1"] });
    const httpPort = createHttpPort({ allowHosts: [], lookup, classifyAddress: classify });
    const before = internalHits.length;
    const { response } = await httpPort.send(get(`http://localhost:${port}/through-port`), { signal });
    expect(await response.text()).toBe("public");
    expect(publicHits.at(-1)?.path).toBe("/through-port");
    expect(asked).toEqual(["localhost"]);
    expect(internalHits.length).toBe(before);
  });

  test("each redirect hop is checked and pinned on its own", async () => {
    const { lookup, asked } = scriptedLookup({ localhost: [publicAddress], "next.test": [publicAddress] });
    const pins: (PinnedAddresses | undefined)[] = [];
    const pinnedFetch = createPinnedFetch();
    const recording: FetchFunction = (input, init, pinned) => {
      pins.push(pinned);
      return pinnedFetch(input, init, pinned);
    };
    const next = encodeURIComponent(`http://next.test:${port}/final`);
    const outcome = await sendRequest(
      get(`http://localhost:${port}/first?to=${next}`),
      options(policyWith(lookup), recording),
    );
    expect(outcome.redirects).toBe(1);
    expect(outcome.url.href).toBe(`http://next.test:${port}/final`);
    expect(asked).toEqual(["localhost", "next.test"]);
    expect(pins.map((pinned) => pinned?.hostname)).toEqual(["localhost", "next.test"]);
    expect(publicHits.slice(-2).map(({ host }) => host)).toEqual([`localhost:${port}`, `next.test:${port}`]);
  });

  test("a redirect back to the same name is resolved again, and its private answer refused", async () => {
    const { lookup } = scriptedLookup({ localhost: [publicAddress, "127.0.0.1"] });
    const before = internalHits.length;
    const again = encodeURIComponent(`http://localhost:${port}/metadata`);
    const sent = sendRequest(
      get(`http://localhost:${port}/first?to=${again}`),
      options(policyWith(lookup), createPinnedFetch()),
    );
    await expect(sent).rejects.toBeInstanceOf(RequestRefusedError);
    await expect(sent).rejects.toThrow(
      "Redirect 1: Refused to connect to localhost: it resolves to 127.0.0.1",
    );
    expect(internalHits.length).toBe(before);
  });

  test("the scan and the credential mapping see the host name; the secret reaches the pinned server", async () => {
    const { lookup } = scriptedLookup({ localhost: [publicAddress, "127.0.0.1"] });
    const mapping: CredentialMapping = {
      secret: "api_key",
      hosts: ["localhost"],
      location: { type: "header", name: "x-api-key" },
    };
    const scanned: string[] = [];
    const mapped: string[] = [];
    const { response } = await sendRequest(
      get(`http://localhost:${port}/with-key`),
      options(policyWith(lookup), createPinnedFetch(), {
        beforeSend: [(request) => void scanned.push(request.url.href)],
        credentials: (url, headers) => {
          mapped.push(url.href);
          if (mappingApplies(mapping, url)) return applyCredential(mapping.location, "s3cret", url, headers);
          return undefined;
        },
      }),
    );
    expect(await response.text()).toBe("public");
    expect(scanned).toEqual([`http://localhost:${port}/with-key`]);
    expect(mapped).toEqual([`http://localhost:${port}/with-key`]);
    expect(publicHits.at(-1)).toEqual({ host: `localhost:${port}`, path: "/with-key", key: "s3cret" });
  });
});

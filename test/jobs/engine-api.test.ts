/**
 * Engine detection and the start-up reconciliation talk to the engine without dockerode
 * (src/jobs/engine-api.ts): against a fake engine on a Unix socket (wire level: the Docker API's
 * paths and JSON), in a child process that proves dockerode stays unloaded, and against the real
 * engine when there is one (the light listing must agree with dockerode's).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectEngine } from "../../src/jobs/engine.ts";
import { EngineApiError, engineGet } from "../../src/jobs/engine-api.ts";
import { jobLabel } from "../../src/jobs/policies.ts";
import { engineFixture, noEngine } from "./engine-support.ts";

const socketPath = join(mkdtempSync(join(tmpdir(), "ironclaw-fake-engine-")), "engine.sock");
const seen: string[] = [];
let hang = false;
const fakeEngine = Bun.serve({
  unix: socketPath,
  async fetch(request) {
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.pathname}${url.search}`);
    if (hang) await Bun.sleep(2_000);
    if (url.pathname === "/version") {
      return Response.json({
        Version: "9.9.9",
        ApiVersion: "1.41",
        Components: [{ Name: "Podman Engine" }],
      });
    }
    if (url.pathname === "/containers/json") {
      return Response.json([{ Id: "abc", State: "running", Labels: { [jobLabel]: "job-1" } }]);
    }
    return Response.json({ message: "no such container" }, { status: 404 });
  },
});
afterAll(() => fakeEngine.stop(true));

describe("engine API without dockerode", () => {
  test("detects the engine and lists containers with the filters sent as given", async () => {
    const detection = await detectEngine({ dockerHost: `unix://${socketPath}` });
    if (!detection.ok) throw new Error(detection.reason);
    expect(detection.engine).toMatchObject({
      name: "Podman Engine",
      version: "9.9.9",
      apiVersion: "1.41",
      address: `unix://${socketPath}`,
    });
    const filters = JSON.stringify({ label: [jobLabel] });
    const containers = await detection.engine.listContainers({ all: true, filters });
    expect(containers.map((container) => container.Id)).toEqual(["abc"]);
    const listed = seen.find((line) => line.startsWith("GET /containers/json"));
    expect(new URLSearchParams(listed?.split("?")[1]).get("filters")).toBe(filters);
    expect(new URLSearchParams(listed?.split("?")[1]).get("all")).toBe("true");
  });

  test("an error answer carries the engine's status and message, as dockerode's errors do", async () => {
    const target = { address: `unix://${socketPath}`, options: { socketPath } };
    const error = (await engineGet(target, "/containers/nope/json", 1000).catch(
      (caught: unknown) => caught,
    )) as EngineApiError;
    expect(error).toBeInstanceOf(EngineApiError);
    expect(error.statusCode).toBe(404);
    expect(error.message).toContain("no such container");
  });

  test("an engine that does not answer in time is a reason, not a hang or a throw", async () => {
    hang = true;
    try {
      const detection = await detectEngine({ dockerHost: `unix://${socketPath}`, timeoutMs: 200 });
      expect(detection.ok).toBe(false);
      if (!detection.ok) expect(detection.reason).toContain("does not answer");
    } finally {
      hang = false;
    }
  });

  test("a missing socket is a reason naming the address", async () => {
    const detection = await detectEngine({ dockerHost: "unix:///nonexistent/engine.sock" });
    expect(detection).toMatchObject({ ok: false });
    if (!detection.ok) expect(detection.reason).toContain("unix:///nonexistent/engine.sock");
  });

  test("detecting and listing load no dockerode; the first real use does", async () => {
    const script = `
      import { detectEngine } from ${JSON.stringify(join(import.meta.dir, "../../src/jobs/engine.ts"))};
      const loaded = () => Object.keys(require.cache).some((path) => path.includes("/dockerode/"));
      const detection = await detectEngine({ dockerHost: ${JSON.stringify(`unix://${socketPath}`)} });
      if (!detection.ok) throw new Error(detection.reason);
      await detection.engine.listContainers({ all: true });
      const before = loaded();
      const client = detection.engine.docker;
      const untouched = loaded();
      client.getContainer("abc");
      console.log(JSON.stringify({ before, untouched, after: loaded() }));`;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const [output, errors, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    expect(errors).not.toContain("error");
    expect(code).toBe(0);
    expect(JSON.parse(output.trim())).toEqual({ before: false, untouched: false, after: true });
  });
});

describe.skipIf(noEngine)("engine API on the real engine", () => {
  test("the light listing matches dockerode's for the same filter", async () => {
    const engine = engineFixture!.engine;
    const filters = JSON.stringify({ label: ["ironclaw.sandbox"] });
    const [light, full] = await Promise.all([
      engine.listContainers({ all: true, filters }),
      engine.docker.listContainers({ all: true, filters }),
    ]);
    expect(light.map((container) => container.Id).sort()).toEqual(
      full.map((container) => container.Id).sort(),
    );
    const version = await engineGet<{ ApiVersion: string }>(
      { address: engine.address, options: { socketPath: engine.address.replace("unix://", "") } },
      "/version",
      3000,
    );
    expect(version.ApiVersion).toBe(engine.apiVersion);
  });
});

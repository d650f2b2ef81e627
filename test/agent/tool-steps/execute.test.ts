/**
 * The execute step contains whatever a tool does: a timeout, a cancelled turn, a throw, a hang
 * or garbage all end as a clear result, logged with the tool's registered name; the tool sees
 * the host's ports and a logger carrying its name.
 */
import { describe, expect, test } from "bun:test";
import { ToolRunner } from "../../../src/agent/tool-runner.ts";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import type { ToolContext } from "../../../src/plugin/tool.ts";
import { hang, harness, recordingLog, toolNamed } from "./harness.ts";

describe("execute", () => {
  test("a tool that hangs past its timeoutMs is stopped with a clear result and logged by name", async () => {
    const h = harness([toolNamed("sleepy", { timeoutMs: 20, execute: hang })]);
    const outcome = await h.call("sleepy");
    expect(outcome).toEqual({
      kind: "result",
      result: { content: "The tool sleepy did not finish within 20 ms and was stopped.", isError: true },
      status: "failed",
    });
    expect(h.lines.find((line) => line.msg === "tool timed out")).toMatchObject({
      tool: "sleepy",
      timeoutMs: 20,
    });
  });

  test("a cancelled turn: a tool that honours the signal returns its own result; one that ignores it is not waited for", async () => {
    const started: string[] = [];
    let bothStarted: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    const starting = (name: string) => {
      started.push(name);
      if (started.length === 2) bothStarted();
    };
    const polite = toolNamed("polite", {
      execute: (_params, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener("abort", () =>
            resolve({ content: "stopped politely", isError: true }),
          );
          starting("polite");
        }),
    });
    const stubborn = toolNamed("stubborn", {
      execute: () => {
        starting("stubborn");
        return hang();
      },
    });
    const h = harness([polite, stubborn]);
    const calls = Promise.all([h.call("polite"), h.call("stubborn")]);
    await running;
    h.controller.abort();
    const [politeOutcome, stubbornOutcome] = await calls;
    expect(politeOutcome).toMatchObject({ status: "failed", result: { content: "stopped politely" } });
    expect(stubbornOutcome).toMatchObject({
      status: "failed",
      result: { content: "The tool stubborn was cancelled before it finished.", isError: true },
    });
    expect(h.lines.find((line) => line.msg === "tool ignored cancellation")).toMatchObject({
      tool: "stubborn",
    });
    // Once the turn is cancelled, no further call starts.
    expect(await h.call("polite")).toMatchObject({
      status: "failed",
      result: { content: "The tool polite was not run: the turn was cancelled." },
    });
    expect(started).toEqual(["polite", "stubborn"]);
  });

  test("a throw (even a synchronous one) and a garbage result are error results naming the tool", async () => {
    const h = harness([
      toolNamed("thrower", {
        execute: () => {
          throw new Error("boom");
        },
      }),
      toolNamed("garbage", { execute: async () => ({ content: 42 }) as unknown as { content: string } }),
      toolNamed("nothing", { execute: async () => undefined as unknown as { content: string } }),
    ]);
    expect(await h.call("thrower")).toMatchObject({
      status: "failed",
      result: { content: "The tool thrower failed: boom", isError: true },
    });
    for (const name of ["garbage", "nothing"]) {
      expect(await h.call(name)).toMatchObject({
        status: "failed",
        result: { content: `The tool ${name} returned an invalid result (expected text content).` },
      });
    }
    expect(h.lines.find((line) => line.msg === "tool threw")).toMatchObject({ tool: "thrower" });
    expect(
      h.lines.filter((line) => line.msg === "tool returned an invalid result").map((line) => line.tool),
    ).toEqual(["garbage", "nothing"]);
  });

  test("the tool receives the host's ports, the turn's ids and ceiling, and a logger carrying its name", async () => {
    let seen: ToolContext | undefined;
    const probe = toolNamed("probe", {
      execute: async (_params, context) => {
        seen = context;
        return { content: String(await context.secrets.exists("github_token")) };
      },
    });
    const fixed = new Date("2026-01-02T03:04:05Z");
    const runner = new ToolRunner([probe], recordingLog().log, {
      ports: createToolPorts({ now: () => fixed }),
    });
    const { log, lines } = recordingLog();
    const context = runner.contextFor(
      { signal: new AbortController().signal, log, turnId: "t", conversationId: "c" },
      "probe",
    );
    expect(
      await runner.execute(runner.prepare({ id: "p", name: "probe", arguments: "{}" }), context),
    ).toEqual({
      content: "false",
    });
    expect(seen?.now()).toEqual(fixed);
    expect(seen?.ceiling).toBe("full");
    expect(seen?.turnId).toBe("t");
    expect(await seen?.http.check(new URL("http://127.0.0.1/"), new AbortController().signal)).toContain(
      "loopback",
    );
    seen?.log.info("hello from the tool");
    expect(lines.at(-1)).toMatchObject({ msg: "hello from the tool", tool: "probe" });
  });
});

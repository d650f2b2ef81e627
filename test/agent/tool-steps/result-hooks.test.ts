/**
 * The steps around a result: arguments checked first, the output cap, the result hooks (where
 * the safety issue adds the leak scan; a failing hook withholds the result) and the event.
 */
import { describe, expect, test } from "bun:test";
import { harness, toolNamed } from "./harness.ts";

describe("output cap, result hooks and the event", () => {
  test("hooks see the capped text and can rewrite it; the event carries what the model receives", async () => {
    const h = harness([
      toolNamed("big", { execute: async () => ({ content: `token=abc ${"x".repeat(1000)}` }) }),
    ]);
    const seenLengths: number[] = [];
    h.runner.resultHooks.push(({ result }) => {
      seenLengths.push(result.content.length);
      return { ...result, content: result.content.replace("token=abc", "token=[redacted]") };
    });
    const outcome = await h.call("big");
    expect(seenLengths).toEqual([200]);
    const content = outcome.kind === "result" ? outcome.result.content : "";
    expect(content).toStartWith("token=[redacted] xxx");
    expect(content).toContain("[Output cut: the tool returned 1010 characters");
    expect(h.events.at(-1)).toMatchObject({ type: "tool-result", name: "big", content, status: "succeeded" });
  });

  test("a hook that throws withholds the result (fails closed) and is logged", async () => {
    const h = harness([toolNamed("leaky", { execute: async () => ({ content: "sk-live-secret" }) })]);
    h.runner.resultHooks.push(() => {
      throw new Error("scanner down");
    });
    expect(await h.call("leaky")).toEqual({
      kind: "result",
      result: { content: "The result of leaky was withheld: a safety check could not run.", isError: true },
      status: "failed",
    });
    expect(JSON.stringify(h.events)).not.toContain("sk-live-secret");
    expect(h.lines.find((line) => line.msg === "tool result hook failed; result withheld")).toMatchObject({
      tool: "leaky",
    });
  });

  test("invalid arguments and unknown tools fail before any other step", async () => {
    const h = harness([toolNamed("strict")]);
    expect(await h.call("strict", { text: 5 })).toMatchObject({
      status: "failed",
      result: { content: "Invalid arguments for strict: /text must be string", isError: true },
    });
    expect(await h.call("missing")).toMatchObject({
      status: "failed",
      result: { content: 'Unknown tool "missing". Available tools: strict.' },
    });
    expect(h.gateCalls).toEqual([]);
  });
});

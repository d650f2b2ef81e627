/**
 * The policy/approval step: refuse → denied, ask → the precheck first, then the call waits;
 * an approved stored call skips the gate.
 */
import { describe, expect, test } from "bun:test";
import type { GateVerdict } from "../../../src/agent/tool-steps/approval.ts";
import { harness, toolNamed } from "./harness.ts";

describe("policy and approval", () => {
  test("refuse is denied, ask waits (after the precheck), a precheck refusal fails, approved skips the gate", async () => {
    const verdicts: Record<string, GateVerdict> = {
      refused: { action: "refuse", reason: "The owner disabled refused." },
      asked: { action: "ask" },
      checked: { action: "ask" },
    };
    const tools = [
      toolNamed("refused"),
      toolNamed("asked"),
      toolNamed("checked", { precheck: async () => "That address is private." }),
    ];
    const h = harness(tools, { gate: async (prepared) => verdicts[prepared.call.name] ?? { action: "run" } });
    expect(await h.call("refused")).toEqual({
      kind: "result",
      result: { content: "The owner disabled refused.", isError: true },
      status: "denied",
    });
    expect(await h.call("asked")).toEqual({ kind: "ask" });
    expect(await h.call("checked")).toMatchObject({
      status: "failed",
      result: { content: "That address is private." },
    });
    const prepared = h.runner.prepare({ id: "a2", name: "asked", arguments: '{"text":"now"}' });
    expect(await h.run(prepared, h.runner.contextFor(h.turn, "asked"), "approved")).toMatchObject({
      status: "succeeded",
      result: { content: "ran now" },
    });
    // A waiting call has no result yet, so no event; every decided call has one.
    expect(h.events.map((event) => event.type === "tool-result" && event.name)).toEqual([
      "refused",
      "checked",
      "asked",
    ]);
  });
});

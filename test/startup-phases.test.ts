/**
 * The start-up timings an owner sees with LOG_LEVEL=debug: each phase's wall and CPU time since
 * the previous mark, the first phase counted from process start.
 */
import { expect, test } from "bun:test";
import { createStartupPhases } from "../src/startup-phases.ts";

test("each mark closes a phase with the wall and CPU time since the previous one", () => {
  const clock = { wallMs: 120, cpuMicros: 90_000 };
  const phases = createStartupPhases({ now: () => clock.wallMs, cpuMicros: () => clock.cpuMicros });
  clock.wallMs = 170;
  clock.cpuMicros = 130_500;
  phases.mark("database");
  clock.wallMs = 171;
  clock.cpuMicros = 131_000;
  phases.mark("gateway");

  expect(phases.phases()).toEqual([
    { name: "load", wallMs: 120, cpuMs: 90 },
    { name: "database", wallMs: 50, cpuMs: 40.5 },
    { name: "gateway", wallMs: 1, cpuMs: 0.5 },
  ]);
  expect(phases.fields()).toEqual({
    totalMs: 171,
    cpuMs: 131,
    phases: "load 120ms/90ms cpu, database 50ms/41ms cpu, gateway 1ms/1ms cpu",
  });
});

test("by default the first phase runs from process start and CPU time is this process's", () => {
  const phases = createStartupPhases();
  const [load] = phases.phases();
  expect(load?.name).toBe("load");
  // This test file was loaded before it ran: some time has passed since the process started.
  expect(load?.wallMs).toBeGreaterThan(0);
  expect(load?.cpuMs).toBeGreaterThan(0);
});

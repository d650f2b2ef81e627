/** The shared health lifecycle: not started → connecting → ok ⇄ degraded → stopped. */
import { expect, test } from "bun:test";
import { HealthTracker } from "../../../channels/shared/health.ts";

test("health follows the lifecycle; only ok is healthy", () => {
  const health = new HealthTracker();
  expect(health.current()).toEqual({ ok: false, detail: "not started" });
  health.connecting();
  expect(health.current()).toEqual({ ok: false, detail: "connecting" });
  health.ok("polling");
  expect(health.current()).toEqual({ ok: true, detail: "polling" });
  health.report({ ok: false, detail: "reconnecting" });
  expect(health.phase).toBe("degraded");
  expect(health.current()).toEqual({ ok: false, detail: "reconnecting" });
  health.report({ ok: true, detail: "connected" });
  expect(health.current()).toEqual({ ok: true, detail: "connected" });
});

test("after stop, late reports from a closing connection are ignored until it connects again", () => {
  const health = new HealthTracker();
  health.connecting();
  health.ok("connected");
  health.stopped();
  health.ok("connected");
  health.degraded("socket closed");
  expect(health.current()).toEqual({ ok: false, detail: "stopped" });
  health.connecting();
  health.ok("connected again");
  expect(health.current()).toEqual({ ok: true, detail: "connected again" });
});

/**
 * A channel's health through its lifecycle, as `/readyz` and `ironclaw doctor` show it:
 * not started → connecting → ok ⇄ degraded → stopped. Only `ok` counts as healthy; the detail
 * says why. Once stopped, late reports from a connection that is still closing are ignored until
 * the channel connects again, so a stopped channel never claims to be up.
 */
import type { ChannelHealth } from "../../src/plugin/channel.ts";

export type HealthPhase = "not started" | "connecting" | "ok" | "degraded" | "stopped";

export class HealthTracker {
  #phase: HealthPhase = "not started";
  #detail = "not started";

  get phase(): HealthPhase {
    return this.#phase;
  }

  connecting(detail = "connecting"): void {
    this.#set("connecting", detail);
  }

  ok(detail: string): void {
    if (this.#phase !== "stopped") this.#set("ok", detail);
  }

  degraded(detail: string): void {
    if (this.#phase !== "stopped") this.#set("degraded", detail);
  }

  /** Follows a health report from the connection (ok or not, with a detail). */
  report(health: ChannelHealth): void {
    if (health.ok) this.ok(health.detail ?? "ok");
    else this.degraded(health.detail ?? "unavailable");
  }

  stopped(detail = "stopped"): void {
    this.#set("stopped", detail);
  }

  current(): ChannelHealth {
    return { ok: this.#phase === "ok", detail: this.#detail };
  }

  #set(phase: HealthPhase, detail: string): void {
    this.#phase = phase;
    this.#detail = detail;
  }
}

/**
 * Starting one channel, contained: a channel whose `start()` throws (a revoked token, a platform
 * that is down, a plugin's bug) or never settles must not keep the owner's other channels from
 * working. It is logged under its registered id and reported unhealthy with the reason, so
 * `/readyz` and `doctor` say what is wrong; the rest of the host starts as usual. A start that
 * settles after the deadline is stopped again, so a half-started channel never lingers.
 */
import type { Logger } from "../log.ts";
import type { Channel, ChannelHealth, ChannelHost } from "../plugin/channel.ts";

export const channelStartTimeoutMs = 60_000;

export type ChannelStartResult = { ok: true } | { ok: false; health: ChannelHealth };

export async function startChannelContained(
  channel: Channel,
  host: ChannelHost,
  log: Logger,
  timeoutMs = channelStartTimeoutMs,
): Promise<ChannelStartResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const starting = Promise.resolve().then(() => channel.start(host));
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([starting, deadline]);
    if (outcome !== "timeout") return { ok: true };
    log.error("channel did not finish starting in time; it is off until the next start", { timeoutMs });
    starting.then(
      () => channel.stop().catch(() => {}),
      () => {},
    );
    return {
      ok: false,
      health: {
        ok: false,
        detail: `did not start within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`,
      },
    };
  } catch (error) {
    log.error("channel failed to start; the other channels keep working", { error });
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, health: { ok: false, detail: `failed to start: ${reason.slice(0, 200)}` } };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

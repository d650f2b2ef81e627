/**
 * The discord.js client and its gateway connection: intents, where REST points, waiting for
 * ready at start-up, and the health the host shows in /readyz and `doctor`.
 *
 * Intents are the least that works: Guilds and DirectMessages (plus GuildMessages when guild
 * messages are allowed). Message Content is *not* requested: DMs and messages that mention the
 * bot carry their content without it, and asking for a privileged intent the application does
 * not have ends the connection with close code 4014.
 *
 * Reconnecting is discord.js's job (@discordjs/ws resumes after resumable close codes and
 * identifies afresh otherwise); this module only follows it, so health is ok exactly while a
 * session is ready. Two guards are ours, both through the sharding strategy hook: discord.js
 * processes gateway events inside its socket handler, and a payload it cannot digest would
 * surface as an unhandled rejection and end the process, so that is caught, logged and skipped;
 * and a connection that goes silent without closing is dropped early (gateway-watchdog.ts).
 */
import { Client, Events, GatewayIntentBits, Partials, type WebSocketOptions } from "discord.js";
import type { Logger } from "../../src/log.ts";
import type { ChannelHealth } from "../../src/plugin/channel.ts";
import type { DiscordChannelConfig } from "./config.ts";
import { WatchedShardingStrategy } from "./gateway-watchdog.ts";

const closeHints: Record<number, string> = {
  4004: "authentication failed: check DISCORD_BOT_TOKEN",
  4013: "invalid intents",
  4014: "disallowed intents: enable them for the bot in the Discord developer portal",
};

export function describeClose(code: number): string {
  return `gateway closed with code ${code}${closeHints[code] ? ` (${closeHints[code]})` : ""}`;
}

/** @discordjs/ws's manager (discord.js exports its own class under the same name). */
type GatewayManager = Parameters<NonNullable<WebSocketOptions["buildStrategy"]>>[0];

/**
 * Shows every shard event to the liveness watchdog, and logs and skips a gateway event that
 * discord.js throws on instead of letting it end the process.
 */
function guardedStrategy(log: Logger) {
  return (manager: GatewayManager) => {
    const strategy = new WatchedShardingStrategy(manager, log);
    const emit = manager.emit.bind(manager) as (event: string, ...args: unknown[]) => boolean;
    (manager as unknown as { emit: typeof emit }).emit = (event, ...args) => {
      strategy.note(event, args[0]);
      try {
        return emit(event, ...args);
      } catch (error) {
        const data = (args[0] as { data?: { t?: unknown; s?: unknown } } | undefined)?.data;
        log.warn("skipped a gateway event that could not be processed", { event, type: data?.t, error });
        return true;
      }
    };
    return strategy;
  };
}

export function createDiscordClient(config: DiscordChannelConfig, log: Logger): Client {
  const maxWaitMs = config.maxRateLimitWaitMs ?? 60_000;
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages];
  if (config.allowGuilds) intents.push(GatewayIntentBits.GuildMessages);
  return new Client({
    intents,
    partials: [Partials.Channel],
    allowedMentions: { parse: [] },
    rest: {
      ...(config.apiUrl ? { api: config.apiUrl } : {}),
      // Channel routes (sending, editing, typing) reject at once: sender.ts waits them out where
      // stopping can cut the wait short. Elsewhere (interaction replies) discord.js waits out
      // ordinary 429s and fails a request Discord wants to hold for longer than the cap.
      rejectOnRateLimit: (limit) => limit.route.startsWith("/channels/") || limit.retryAfter > maxWaitMs,
    },
    ws: { buildStrategy: guardedStrategy(log) },
  });
}

/** Follows the gateway connection and reports it as channel health. */
export function watchConnection(
  client: Client,
  log: Logger,
  setHealth: (health: ChannelHealth) => void,
): void {
  const connected = () => ({ ok: true, detail: `connected as ${client.user?.tag ?? "unknown"}` });
  client.on(Events.ShardReady, () => {
    setHealth(connected());
    log.info("discord gateway ready", { bot: client.user?.tag });
  });
  client.on(Events.ShardResume, (_shard, replayed) => {
    setHealth(connected());
    log.info("discord gateway resumed", { replayed });
  });
  client.on(Events.ShardReconnecting, () => {
    setHealth({ ok: false, detail: "reconnecting to the gateway" });
    log.warn("discord gateway connection lost; reconnecting");
  });
  client.on(Events.ShardDisconnect, (event) => {
    setHealth({ ok: false, detail: `disconnected: ${describeClose(event.code)}` });
    log.error("discord gateway closed for good", { code: event.code, reason: describeClose(event.code) });
  });
  client.on(Events.ShardError, (error) => log.warn("discord gateway error", { error }));
  client.on(Events.Error, (error) => log.warn("discord client error", { error }));
}

/** Logs in and resolves once the client is ready; rejects on a fatal close code or after `timeoutMs`. */
export async function connect(client: Client, token: string, timeoutMs: number): Promise<void> {
  let onDisconnect: ((event: { code: number }) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => resolve());
    onDisconnect = (event) => reject(new Error(`Discord: ${describeClose(event.code)}`));
    client.once(Events.ShardDisconnect, onDisconnect);
    timer = setTimeout(
      () => reject(new Error(`Discord: the gateway was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.login(token).then(() => ready), ready]);
  } finally {
    clearTimeout(timer);
    if (onDisconnect) client.off(Events.ShardDisconnect, onDisconnect);
  }
}

/**
 * Shared set-up for the fake's self-tests: a fresh fake and a real grammy Bot pointed at it for
 * every test, both torn down afterwards.
 */
import { afterEach, beforeEach } from "bun:test";
import { Bot, GrammyError } from "grammy";
import { startTelegramFake, type TelegramFake } from "./bot-api-fake.ts";

export const TOKEN = "424242:fake-token";
export const OWNER = 777;

/** Registers the hooks; read `.telegram` and `.bot` inside tests. */
export function useGrammyAgainstFake(): { telegram: TelegramFake; bot: Bot } {
  const context = {} as { telegram: TelegramFake; bot: Bot };
  beforeEach(() => {
    context.telegram = startTelegramFake({ token: TOKEN });
    context.bot = new Bot(TOKEN, {
      client: { apiRoot: context.telegram.apiRoot },
      botInfo: context.telegram.botInfo,
    });
  });
  afterEach(async () => {
    if (context.bot.isRunning()) await context.bot.stop();
    await context.telegram.close();
  });
  return context;
}

/** The GrammyError a call was rejected with (fails the test if it resolved or threw something else). */
export async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

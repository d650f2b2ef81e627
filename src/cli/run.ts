/**
 * `ironclaw run`: starts the assistant and keeps it running until SIGINT/SIGTERM, then shuts down
 * gracefully (stop intake, let queued turns finish for a bounded time, close the database). The
 * handlers are installed before start-up so a signal during start-up also shuts down cleanly. A
 * second signal exits at once.
 */
import { type App, startApp } from "../app.ts";

export async function runAssistant(env: Record<string, string | undefined>): Promise<number> {
  let signalled: NodeJS.Signals | undefined;
  let wake: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`ironclaw: second ${signal}, exiting now\n`);
      process.exit(130);
    }
    signalled = signal;
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const app: App = await startApp({ env });
  await stopRequested;
  app.log.info("signal received", { signal: signalled });
  try {
    await app.stop();
    return 0;
  } catch (error) {
    app.log.error("shutdown failed", { error });
    return 1;
  }
}

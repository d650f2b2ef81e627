/**
 * `ironclaw run`: starts the assistant and keeps it running until SIGINT/SIGTERM, then shuts down
 * gracefully (stop intake, finish or checkpoint turns, close the database). A second signal exits
 * at once.
 */
import { startApp } from "../app.ts";

export async function runAssistant(env: Record<string, string | undefined>): Promise<number> {
  const app = await startApp({ env });
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        app.log.warn("second signal, exiting now", { signal });
        process.exit(130);
      }
      signalled = true;
      app.log.info("signal received", { signal });
      app
        .stop()
        .then(() => resolve(0))
        .catch((error: unknown) => {
          app.log.error("shutdown failed", { error });
          resolve(1);
        });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

/**
 * A host with the scheduler on a controllable clock: timers off, the test moves `clock` and calls
 * `tick()`. Runs finish asynchronously (a routine's turn goes through the queue), so tests wait
 * on the database state rather than on timing.
 */
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { getRoutineByName, listRuns, type RoutineRun } from "../../src/db/routines.ts";
import { routineDeliveries } from "../../src/db/schema/index.ts";
import { type HostHarnessOptions, startHostHarness } from "../support/host.ts";

export class Clock {
  constructor(public current: Date) {}
  now = (): Date => new Date(this.current.getTime());
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export async function startScheduledHost(
  database: DatabaseHandle,
  clock: Clock,
  options: HostHarnessOptions = {},
) {
  const harness = await startHostHarness(database, {
    ...options,
    env: { HEARTBEAT_ENABLED: "false", ...options.env },
    overrides: { now: clock.now, schedulerTimers: false, ...options.overrides },
  });
  const scheduler = harness.host.scheduler;
  return {
    ...harness,
    scheduler,
    /** One scheduler pass, then wait until what it started has been handed off. */
    async tick() {
      await scheduler.tick();
      await scheduler.idle();
    },
    runs: async (name: string): Promise<RoutineRun[]> => {
      const routine = await getRoutineByName(database.db, name);
      return routine ? listRuns(database.db, routine.id, 100) : [];
    },
    /** Waits until `name` has `count` runs that started and none still running; returns those, newest first. */
    async settledRuns(name: string, count: number, timeoutMs = 10_000): Promise<RoutineRun[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const runs = (await this.runs(name)).filter((run) => run.status !== "pending");
        if (runs.length >= count && runs.every((run) => run.status !== "running")) return runs;
        if (Date.now() > deadline) throw new Error(`runs of ${name} did not settle: ${JSON.stringify(runs)}`);
        await Bun.sleep(20);
      }
    },
    deliveries: () => database.db.select().from(routineDeliveries),
    undelivered: (id: string) =>
      database.db.select().from(routineDeliveries).where(eq(routineDeliveries.id, id)),
  };
}

export type ScheduledHost = Awaited<ReturnType<typeof startScheduledHost>>;

export async function until(predicate: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/**
 * Where start-up time goes, phase by phase: wall time and this process's CPU time (user + system,
 * every thread) since the previous mark. `app.ts` marks each step of start-up and logs the result
 * at debug level once ready (`LOG_LEVEL=debug ironclaw run`), so an owner with a slow start can see
 * which step is slow, and `scripts/bench/startup.ts` prints the same figures. CPU time is the
 * figure to compare on a busy machine: waiting for another process's turn on a core inflates wall
 * time, not CPU time.
 *
 * The first phase, `load`, runs from process start (performance.timeOrigin) to the creation of
 * the recorder: the runtime booting and the modules loading.
 */

export interface StartupPhase {
  name: string;
  wallMs: number;
  cpuMs: number;
}

export interface StartupPhases {
  /** Ends the phase running now and names it. */
  mark(name: string): void;
  phases(): readonly StartupPhase[];
  /** Log fields: `{ totalMs, cpuMs, phases: "load 210ms/180ms cpu, database 40ms/12ms cpu, …" }`. */
  fields(): Record<string, string | number>;
}

export interface StartupPhasesOptions {
  /** Milliseconds since process start; performance.now() by default. */
  now?: () => number;
  /** Microseconds of CPU time since process start; process.cpuUsage() by default. */
  cpuMicros?: () => number;
}

function processCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

export function createStartupPhases(options: StartupPhasesOptions = {}): StartupPhases {
  const now = options.now ?? (() => performance.now());
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const recorded: StartupPhase[] = [];
  let lastWall = 0;
  let lastCpu = 0;

  function mark(name: string): void {
    const wall = now();
    const cpu = cpuMicros() / 1000;
    recorded.push({ name, wallMs: wall - lastWall, cpuMs: cpu - lastCpu });
    lastWall = wall;
    lastCpu = cpu;
  }

  mark("load");
  return {
    mark,
    phases: () => recorded,
    fields: () => ({
      totalMs: Math.round(lastWall),
      cpuMs: Math.round(lastCpu),
      phases: recorded
        .map((phase) => `${phase.name} ${Math.round(phase.wallMs)}ms/${Math.round(phase.cpuMs)}ms cpu`)
        .join(", "),
    }),
  };
}

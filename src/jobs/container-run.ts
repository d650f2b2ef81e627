/**
 * One container's life, from create to remove: output flows from the attach stream (attached
 * before start, so nothing is missed) into the capped buffer; the wait races the job's deadline
 * and cancellation, either of which stops the container — SIGTERM, then SIGKILL after a short
 * grace, so a command that ignores SIGTERM still ends. The container is removed whatever
 * happened. `adoptContainer` picks up a container a previous process started (after a restart)
 * with the time it has left.
 */
import { Writable } from "node:stream";
import type Docker from "dockerode";
import { describeError } from "../errors.ts";
import { createOutputBuffer, type OutputBuffer, type OutputSnapshot } from "./output-buffer.ts";

/** `detached`: the host stopped following a container it leaves running (shutdown). */
export type RunEnding = "succeeded" | "failed" | "timed_out" | "cancelled" | "detached";

export interface RunOutcome {
  status: RunEnding;
  exitCode: number | null;
  output: OutputSnapshot;
  /** For the owner: why it did not succeed. */
  error?: string;
}

export interface ContainerRun {
  containerId: string;
  /** Settles when the container has ended and been removed; never rejects. */
  done: Promise<RunOutcome>;
  cancel(): void;
  output(): OutputSnapshot;
}

export interface RunOptions {
  docker: Docker;
  timeoutMs: number;
  outputBytes: number;
  /** Seconds between SIGTERM and SIGKILL when stopping (default 2). */
  stopGraceSeconds?: number;
  /** Called with each chunk as it arrives (job-output events). */
  onOutput?: (chunk: Uint8Array) => void;
  /** Called once the container runs. */
  onStarted?: (containerId: string) => void;
  memoryLimitBytes?: number;
  /** Aborting stops following the container and leaves it running (outcome `detached`). */
  signal?: AbortSignal;
}

function sink(buffer: OutputBuffer, onOutput: RunOptions["onOutput"]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      buffer.append(bytes);
      onOutput?.(bytes);
      callback();
    },
  });
}

export async function startContainer(
  spec: Docker.ContainerCreateOptions,
  options: RunOptions,
): Promise<ContainerRun> {
  const container = await options.docker.createContainer(spec);
  try {
    // Attached before start so no output is missed; followed (waited on) only once started:
    // a wait on a created container answers at once.
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    await container.start();
    options.onStarted?.(container.id);
    return follow(container, stream, options, options.timeoutMs);
  } catch (error) {
    await container.remove({ force: true }).catch(() => {});
    throw error;
  }
}

export async function adoptContainer(
  containerId: string,
  remainingMs: number,
  options: RunOptions,
): Promise<ContainerRun> {
  const container = options.docker.getContainer(containerId);
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  return follow(container, stream, options, Math.max(remainingMs, 0));
}

function follow(
  container: Docker.Container,
  stream: NodeJS.ReadWriteStream,
  options: RunOptions,
  timeoutMs: number,
): ContainerRun {
  const buffer = createOutputBuffer(options.outputBytes);
  const writer = sink(buffer, options.onOutput);
  container.modem.demuxStream(stream, writer, writer);
  const streamEnded = new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  let stopping: "timed_out" | "cancelled" | undefined;
  const stop = (reason: "timed_out" | "cancelled") => {
    if (stopping) return;
    stopping = reason;
    container
      .stop({ t: options.stopGraceSeconds ?? 2 })
      .catch(() => container.kill({ signal: "SIGKILL" }))
      .catch(() => {});
  };
  const timer = setTimeout(() => stop("timed_out"), timeoutMs);

  const done = (async (): Promise<RunOutcome> => {
    let exitCode: number | null = null;
    let engineError: string | undefined;
    try {
      if (options.signal?.aborted) throw options.signal.reason;
      const result = (await container.wait({ abortSignal: options.signal })) as { StatusCode?: number };
      exitCode = typeof result.StatusCode === "number" ? result.StatusCode : null;
    } catch (error) {
      engineError = `the container engine stopped answering: ${describeError(error)}`;
    } finally {
      clearTimeout(timer);
    }
    if (options.signal?.aborted) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return { status: "detached", exitCode: null, output: buffer.snapshot() };
    }
    let oomKilled = false;
    if (!engineError) {
      // Podman's wait can answer -1 for a container that exited quickly; its state knows better.
      const state = await container
        .inspect()
        .then((info) => info.State)
        .catch(() => undefined);
      oomKilled = state?.OOMKilled === true;
      if (state && !state.Running && typeof state.ExitCode === "number" && state.ExitCode >= 0) {
        exitCode = state.ExitCode;
      }
      // The last chunks may still be in flight when wait returns.
      await Promise.race([streamEnded, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    await container.remove({ force: true }).catch(() => {});
    const output = buffer.snapshot();
    if (engineError) return { status: "failed", exitCode, output, error: engineError };
    if (stopping === "timed_out") {
      return {
        status: "timed_out",
        exitCode,
        output,
        error: `stopped after the ${Math.round(timeoutMs / 1000)} s timeout`,
      };
    }
    if (stopping === "cancelled") return { status: "cancelled", exitCode, output, error: "cancelled" };
    if (oomKilled || (exitCode === 137 && options.memoryLimitBytes)) {
      const limit = options.memoryLimitBytes
        ? ` (limit ${Math.round(options.memoryLimitBytes / 1048576)} MB)`
        : "";
      return { status: "failed", exitCode, output, error: `killed: out of memory${limit}` };
    }
    if (exitCode === 0) return { status: "succeeded", exitCode, output };
    return { status: "failed", exitCode, output, error: `exited with status ${exitCode}` };
  })();

  return {
    containerId: container.id,
    done,
    cancel: () => stop("cancelled"),
    output: () => buffer.snapshot(),
  };
}

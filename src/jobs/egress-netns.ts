/**
 * Starts a job's egress forwarder (egress-forwarder.ts) inside the network namespace of its
 * running container, with `nsenter -n` on the container's process id, and waits until it
 * listens. This needs the host process to see the engine's processes (a local, rootful engine,
 * as in CI); when it cannot, the job runs without egress and the owner sees why in the log.
 * The forwarder dies with its stdin, so closing here (or this process dying) ends it.
 */
import { fileURLToPath } from "node:url";
import { AppError } from "../errors.ts";

const forwarderScript = fileURLToPath(new URL("./egress-forwarder.ts", import.meta.url));

export interface NamespaceForwarder {
  /** Stops the forwarder; settles once it has exited. */
  close(): Promise<void>;
}

export async function startNamespaceForwarder(options: {
  containerPid: number;
  socketPath: string;
  port: number;
  readyTimeoutMs?: number;
}): Promise<NamespaceForwarder> {
  if (!Number.isInteger(options.containerPid) || options.containerPid <= 0) {
    throw new AppError("engine_unavailable", "the job container has no process to attach egress to");
  }
  const child = Bun.spawn(
    [
      "nsenter",
      `--target=${options.containerPid}`,
      "--net",
      "--",
      process.execPath,
      forwarderScript,
      options.socketPath,
      String(options.port),
    ],
    { stdin: "pipe", stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
  );
  const close = async () => {
    try {
      child.stdin.end();
    } catch {}
    child.kill();
    await Promise.race([child.exited, Bun.sleep(2000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const ready = (async () => {
    const decoder = new TextDecoder();
    let seen = "";
    for await (const chunk of child.stdout) {
      seen += decoder.decode(chunk);
      if (seen.includes("listening")) return true;
    }
    return false;
  })();
  const timeout = new Promise<"timeout">((resolve) =>
    setTimeout(() => resolve("timeout"), options.readyTimeoutMs ?? 10_000).unref?.(),
  );
  const outcome = await Promise.race([ready, timeout]);
  if (outcome !== true) {
    await close();
    const reason =
      outcome === "timeout" ? "it did not start in time" : await new Response(child.stderr).text();
    throw new AppError("engine_unavailable", `the job's egress forwarder failed: ${reason.trim()}`);
  }
  return { close };
}

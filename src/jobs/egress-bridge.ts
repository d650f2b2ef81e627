/**
 * How bytes leave a container that has no network: busybox `nc` listens on the container's
 * loopback and runs /bin/ironclaw-egress for each connection (see `bridgeScript`), which makes
 * two FIFOs in the job's mounted folder and announces them with `<n>.open`. The host watches
 * that folder, opens the pair and hands the connection to the egress proxy as one duplex
 * stream. Only busybox is needed inside, and nothing inside can reach anything but the proxy.
 *
 * Known gap: single requests from busybox wget (which half-closes after its request) get their
 * answer most of the time, not always, and some runs still stall; `nc`-style clients work.
 * Until that is understood the in-container tests are opt-in (test/jobs/egress-proxy.test.ts)
 * and the proxy itself is tested on the host (egress-proxy-host.test.ts).
 */
import { existsSync, type FSWatcher, rmSync, watch } from "node:fs";
import { join } from "node:path";
import { Duplex } from "node:stream";
import type { Logger } from "../log.ts";

/** /bin/ironclaw-egress in the sandbox image: one proxied connection over two FIFOs. */
export const bridgeScript = `#!/bin/sh
# One connection from a job's tool to the host's egress proxy (nc runs this with the connection
# as stdin/stdout); the bytes cross through two FIFOs in the job's proxy folder.
d=/run/ironclaw-egress
n=$$
mkfifo "$d/$n.up" "$d/$n.down" || exit 1
# host -> client. A reader waiting in open() already counts as one, so what the host writes
# is kept even if it closes its end before this cat runs: wait until it is waiting there.
cat "$d/$n.down" &
down=$!
i=0
while [ $i -lt 50 ] && ! grep -q partner "/proc/$down/wchan" 2>/dev/null; do usleep 10000; i=$((i+1)); done
# client -> host. A background command's stdin would be /dev/null: hand it the connection.
exec 3<&0
cat <&3 > "$d/$n.up" &
up=$!
: > "$d/$n.open"
wait $down
kill $up 2>/dev/null
rm -f "$d/$n.up" "$d/$n.down" "$d/$n.open"
`;

/**
 * One connection over the two FIFOs, each end held by a `cat` child process: Bun opens FIFOs
 * in blocking mode and its fs layer stalls or loses data on them, while a child's pipes behave.
 * `cat up` copies the container's bytes to us; `cat > down` copies ours to the container, and
 * closing its stdin is the container reader's end of file.
 */
function fifoConnection(upPath: string, downPath: string): Duplex {
  const reader = Bun.spawn(["cat", upPath], { stdin: "ignore", stdout: "pipe", stderr: "ignore", env: {} });
  const writer = Bun.spawn(["sh", "-c", 'exec cat > "$0"', downPath], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "ignore",
    env: {},
  });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    reader.kill();
    writer.kill();
  };
  const connection: Duplex = new Duplex({
    // The container's client may half-close after its request; the answer still comes back.
    allowHalfOpen: true,
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      try {
        writer.stdin.write(chunk);
        Promise.resolve(writer.stdin.flush()).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      } catch (error) {
        callback(error as Error);
      }
    },
    final(callback) {
      Promise.resolve(writer.stdin.end()).then(
        () => callback(),
        () => callback(),
      );
    },
    destroy(error, callback) {
      release();
      callback(error);
    },
  });
  void (async () => {
    try {
      for await (const chunk of reader.stdout) connection.push(Buffer.from(chunk));
      connection.push(null);
    } catch (error) {
      connection.destroy(error as Error);
    }
  })();
  // The connection is over once the container's side is gone (its script removes the FIFOs).
  void writer.exited.then(() => {
    if (!connection.destroyed) connection.destroy();
  });
  return connection;
}

export function createFifoBridge(
  folder: string,
  onConnection: (client: Duplex) => void,
  log: Logger,
): { close(): Promise<void> } {
  const seen = new Set<string>();
  const connections = new Set<Duplex>();
  const accept = (name: string) => {
    const match = /^(\d+)\.open$/.exec(name);
    if (!match || seen.has(name)) return;
    const base = join(folder, match[1] as string);
    if (!existsSync(`${base}.open`) || !existsSync(`${base}.up`) || !existsSync(`${base}.down`)) return;
    seen.add(name);
    const client = fifoConnection(`${base}.up`, `${base}.down`);
    connections.add(client);
    client.on("close", () => {
      connections.delete(client);
      rmSync(`${base}.open`, { force: true });
    });
    client.on("error", (error) => log.debug("egress bridge connection ended", { error }));
    onConnection(client);
  };
  let watcher: FSWatcher | undefined = watch(folder, (_event, name) => {
    if (typeof name === "string") accept(name);
  });
  watcher.on("error", (error) => log.warn("egress bridge watch failed", { folder, error }));
  return {
    async close() {
      watcher?.close();
      watcher = undefined;
      for (const connection of connections) connection.destroy();
      connections.clear();
    },
  };
}

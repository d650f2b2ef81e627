/**
 * The in-namespace end of a job's egress: the host runs this script with `nsenter -n` inside
 * the network namespace of a job container that has no network (`NetworkMode: none`), so the
 * only listener the container can reach is this one, on its own loopback at the proxy port.
 * Every connection is handed byte for byte to the job's egress proxy through a Unix socket in
 * the host's filesystem (pathname sockets do not belong to a network namespace). The script
 * never connects anywhere else, and it exits when the host closes its stdin, so it cannot
 * outlive the process that started it.
 *
 * Usage: bun egress-forwarder.ts <unix-socket-path> <port>
 */
import { connect, createServer } from "node:net";

const [socketPath, portText] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !Number.isInteger(port) || port <= 0) {
  process.stderr.write("usage: egress-forwarder <unix-socket-path> <port>\n");
  process.exit(2);
}

const server = createServer({ allowHalfOpen: true }, (client) => {
  const upstream = connect({ path: socketPath, allowHalfOpen: true });
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => {
    if (!client.writableEnded) client.end();
  });
});
server.on("error", (error) => {
  process.stderr.write(`egress forwarder: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => process.stdout.write("listening\n"));

process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();

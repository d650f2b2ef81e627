/**
 * A TCP relay in front of the fake gateway, so a test can make a connection go half-open. After
 * `silence()` the relay swallows every byte of the connections open at that moment, in both
 * directions, and closes neither side: what a connection through a dead NAT entry or a suspended
 * laptop looks like. The WebSocket server cannot play this itself, because Bun answers a client's
 * close frame on its own, so the client would notice at once. Connections opened later are relayed
 * normally, so a client that gives up on the silent one can reconnect.
 */
import type { Socket, TCPSocketListener } from "bun";

interface Link {
  client: Socket<LinkRef>;
  upstream?: Socket<LinkRef>;
  /** Bytes waiting because the other side is not connected yet or its buffer is full. */
  toClient: Uint8Array[];
  toUpstream: Uint8Array[];
  silent: boolean;
  closed: boolean;
}

interface LinkRef {
  link?: Link;
}

export interface GatewayRelay {
  port: number;
  /** Makes every connection open now silent for good; returns how many were silenced. */
  silence(): number;
  close(): void;
}

/** Writes what the socket takes and queues the rest for its `drain`. */
function send(socket: Socket<LinkRef> | undefined, queue: Uint8Array[], chunk: Uint8Array): void {
  if (!socket || queue.length > 0) {
    queue.push(chunk);
    return;
  }
  const written = socket.write(chunk);
  if (written < chunk.length) queue.push(chunk.slice(written));
}

function flush(socket: Socket<LinkRef>, queue: Uint8Array[]): void {
  while (queue.length > 0) {
    const chunk = queue[0] as Uint8Array;
    const written = socket.write(chunk);
    if (written < chunk.length) {
      queue[0] = chunk.slice(written);
      return;
    }
    queue.shift();
  }
}

export function startGatewayRelay(targetPort: number): GatewayRelay {
  const links = new Set<Link>();

  /** One side went away: the other follows, unless the link is silent (then nothing is told). */
  function endLink(link: Link): void {
    if (link.closed || link.silent) return;
    link.closed = true;
    links.delete(link);
    link.client.end();
    link.upstream?.end();
  }

  const listener: TCPSocketListener<LinkRef> = Bun.listen<LinkRef>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(client) {
        const link: Link = { client, toClient: [], toUpstream: [], silent: false, closed: false };
        client.data = { link };
        links.add(link);
        Bun.connect<LinkRef>({
          hostname: "127.0.0.1",
          port: targetPort,
          data: { link },
          socket: {
            open(upstream) {
              link.upstream = upstream;
              if (link.closed) upstream.end();
              else flush(upstream, link.toUpstream);
            },
            data(_upstream, chunk) {
              if (!link.silent) send(link.client, link.toClient, chunk.slice());
            },
            drain: (upstream) => flush(upstream, link.toUpstream),
            close: () => endLink(link),
            error: () => endLink(link),
          },
        }).catch(() => endLink(link));
      },
      data(client, chunk) {
        const link = client.data.link;
        if (link && !link.silent) send(link.upstream, link.toUpstream, chunk.slice());
      },
      drain(client) {
        const link = client.data.link;
        if (link) flush(client, link.toClient);
      },
      close(client) {
        if (client.data.link) endLink(client.data.link);
      },
      error(client) {
        if (client.data.link) endLink(client.data.link);
      },
    },
  });

  return {
    port: listener.port,
    silence() {
      let count = 0;
      for (const link of links) {
        if (link.silent || link.closed) continue;
        link.silent = true;
        link.toClient.length = 0;
        link.toUpstream.length = 0;
        count++;
      }
      return count;
    },
    close() {
      for (const link of links) {
        link.closed = true;
        link.client.end();
        link.upstream?.end();
      }
      links.clear();
      listener.stop(true);
    },
  };
}

/**
 * A loopback TCP relay to a Redis that holds every chunk for `delayMs` in each direction (order
 * kept): a slow network, so a backlog of writes takes long enough to be seen draining. When the
 * Redis behind it is down, the relay closes the client's connection, as a dead server would.
 */
import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";

export class SlowLink {
  delayMs = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<string> {
    this.server = createServer((client) => {
      const upstream = createConnection({ port: this.upstreamPort, host: "127.0.0.1" });
      for (const s of [client, upstream]) this.sockets.add(s);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      this.relay(client, upstream, close);
      this.relay(upstream, client, close);
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `redis://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (this.server) await new Promise((r) => this.server!.close(r));
  }

  private relay(from: Socket, to: Socket, close: () => void): void {
    from.on("data", (chunk) => {
      if (this.delayMs === 0) to.write(chunk);
      else setTimeout(() => to.destroyed || to.write(chunk), this.delayMs);
    });
    from.on("error", close);
    from.on("close", close);
  }
}

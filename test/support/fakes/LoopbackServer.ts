import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * An HTTP server with a WebSocket endpoint on 127.0.0.1 and an ephemeral port, recording what
 * clients send (`Entry`): the base of the platform fakes.
 */
export class LoopbackServer<Entry> {
  readonly sockets = new Set<WebSocket>();
  /** Everything recorded, oldest first. */
  readonly log: Entry[] = [];
  port = 0;
  private waiters: { test: (e: Entry) => boolean; resolve: (e: Entry) => void }[] = [];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;

  protected async listen(
    onRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    onSocket: (socket: WebSocket) => void,
    wsPath?: string,
  ): Promise<void> {
    this.server = createServer((req, res) => void onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server, ...(wsPath ? { path: wsPath } : {}) });
    this.wss.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      onSocket(socket);
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Waits for an entry (already recorded ones count). */
  waitFor(test: (e: Entry) => boolean, timeoutMs = 10_000): Promise<Entry> {
    const seen = this.log.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting; recorded: ${this.log.map((e) => JSON.stringify(e).slice(0, 80)).join(", ")}`));
      }, timeoutMs).unref();
    });
  }

  protected record(entry: Entry): void {
    this.log.push(entry);
    for (const w of this.waiters.filter((w) => w.test(entry))) {
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(entry);
    }
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

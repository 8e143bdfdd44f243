import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";

/** An HTTP server with a WebSocket endpoint on 127.0.0.1 and an ephemeral port: the base of the platform fakes. */
export class LoopbackServer {
  readonly sockets = new Set<WebSocket>();
  port = 0;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;

  protected async listen(onRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void>, onSocket: (socket: WebSocket) => void, wsPath?: string): Promise<void> {
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

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/**
 * `/healthz` (the process answers), `/readyz` (an answer backend is active and memory is
 * reachable or in-process; with details such as remote model workers), `/metrics` (Prometheus
 * text). Off unless HEALTH_PORT is set.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { Metrics } from "./Metrics.js";

export interface ReadinessProbe {
  /** Reasons the bot is not ready; empty when it is. */
  problems(): string[];
  /** More to report that does not decide readiness (e.g. remote model workers). */
  details?(): Record<string, unknown> | undefined;
}

export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly readiness: ReadinessProbe,
  ) {}

  async listen(port: number, host = "0.0.0.0"): Promise<number> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (path === "/readyz") {
        const problems = this.readiness.problems();
        res
          .writeHead(problems.length ? 503 : 200, { "content-type": "application/json" })
          .end(JSON.stringify({ ready: problems.length === 0, problems, ...this.readiness.details?.() }));
      } else if (path === "/metrics") {
        this.metrics.text().then(
          (text) => res.writeHead(200, { "content-type": this.metrics.contentType }).end(text),
          () => res.writeHead(500).end(),
        );
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      }
    });
    this.server.listen(port, host);
    await once(this.server, "listening");
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

/**
 * Prometheus metrics (prom-client) for one process: requests by platform/kind/outcome, queue
 * depth, generation latency, tokens generated, catalog fallbacks and Redis errors; remote-model
 * latency for bots in remote mode, and job outcomes, queue wait and speed for model workers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "sidbot_requests_total",
    help: "Requests by platform, intent kind and outcome",
    labelNames: ["platform", "kind", "outcome"],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: "sidbot_queue_depth", help: "Requests waiting for the engine", registers: [this.registry] });
  readonly running = new Gauge({ name: "sidbot_requests_running", help: "Requests being answered", registers: [this.registry] });
  readonly generationSeconds = new Histogram({
    name: "sidbot_generation_seconds",
    help: "Time to produce an answer, by backend",
    labelNames: ["backend"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly tokens = new Counter({ name: "sidbot_tokens_generated_total", help: "Tokens the model generated", registers: [this.registry] });
  readonly fallbacks = new Counter({
    name: "sidbot_fallback_answers_total",
    help: "Answers from the catalog because the model failed or was too slow",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly remoteSeconds = new Histogram({
    name: "sidbot_remote_seconds",
    help: "Time from queueing a model job to its answer (bots in engine.mode remote)",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly workerJobs = new Counter({
    name: "sidbot_worker_jobs_total",
    help: "Model jobs a worker took, by outcome (done, failed, cancelled, stale, refused)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly queueWaitSeconds = new Histogram({
    name: "sidbot_worker_queue_wait_seconds",
    help: "Time a model job waited in the queue",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
    registers: [this.registry],
  });
  readonly workerTokensPerSecond = new Histogram({
    name: "sidbot_worker_tokens_per_second",
    help: "Generation speed per job",
    buckets: [1, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly redisErrors = new Counter({
    name: "sidbot_redis_errors_total",
    help: "Redis calls that failed or timed out",
    registers: [this.registry],
  });

  constructor({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "sidbot_" });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

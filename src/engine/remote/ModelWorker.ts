/**
 * `sidbot worker`: hosts the model (node-llama-cpp, `model.*` settings) and serves generation
 * jobs from the BullMQ queue `engine.queue`, `model.sequences` at a time. It announces itself in
 * the worker registry, refuses jobs built against a different catalog and drops jobs whose
 * deadline passed before it got to them. A job whose worker dies is failed by BullMQ's stall
 * check (never run twice): the bot that asked has already answered from the catalog.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Metrics } from "../../ops/Metrics.js";
import type { Logger } from "../../util/logger.js";
import { finishesWithin } from "../../util/finishesWithin.js";
import type { SidCodes } from "../model/SidCodes.js";
import type { LlamaBackend } from "../model/LlamaBackend.js";
import { ModelPromptError } from "../model/modelErrors.js";
import { fitConversation } from "../prompts/fitConversation.js";
import { renderChatML } from "../prompts/renderChatML.js";
import { openRedis } from "./redisConnection.js";
import { generatedToWire, rankedToWire } from "../model/resultWire.js";
import { allowedFromWire } from "./allowedWire.js";
import { parseJob } from "./parseJob.js";
import { RedisClock } from "./redisClock.js";
import {
  REFUSED_CATALOG,
  REFUSED_STALE,
  cancelChannel,
  jobQueueName,
  queuePrefix,
  type GenerationJob,
  type GenerationResult,
  type JobProgress,
  type WorkerInfo,
} from "./remoteJobs.js";
import { HEARTBEAT_MS, WorkerRegistry } from "./WorkerRegistry.js";

export interface ModelWorkerOptions {
  redisUrl: string;
  namespace: string;
  queue: string;
  model: LlamaBackend;
  modelPath: string;
  /** What the worker keeps of the catalog: its SID codes, size and fingerprint (no titles or metadata). */
  catalog: WorkerCatalog;
  logger: Logger;
  metrics?: Metrics | undefined;
}

export interface WorkerCatalog {
  sids: SidCodes;
  /** {@link catalogFingerprint} of the catalog file the worker was started with. */
  fingerprint: string;
}

// Streamed text is sent in batches: one Redis write per batch, not per token.
const STREAM_FLUSH_MS = 100;
// A worker that stops renewing its job locks (killed, frozen) has them taken back this soon.
const LOCK_MS = 10_000;

export class ModelWorker {
  readonly info: WorkerInfo;
  private readonly worker: Worker<GenerationJob, GenerationResult>;
  private readonly registry: WorkerRegistry;
  private readonly connection: Redis;
  private readonly subscriber: Redis;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly clock = new RedisClock();
  private readonly logger: Logger;

  private constructor(private readonly options: ModelWorkerOptions) {
    this.logger = options.logger.child({ component: "model-worker" });
    this.info = {
      id: `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`,
      host: hostname(),
      pid: process.pid,
      model: options.modelPath,
      sidTokens: "ok", // LlamaBackend.load refuses a model whose SID tokens do not fit the catalog
      sequences: options.model.sequences,
      contextSize: options.model.contextSize,
      catalog: options.catalog.fingerprint,
      catalogItems: options.catalog.sids.size,
      startedAt: Date.now(),
    };
    this.connection = openRedis(options.redisUrl, "blocking");
    this.registry = new WorkerRegistry(this.connection, options.namespace, options.queue);
    this.worker = new Worker<GenerationJob, GenerationResult>(
      jobQueueName(options.queue, this.info.catalog),
      (job, _token, signal) => this.process(job, signal),
      {
        connection: this.connection,
        prefix: queuePrefix(options.namespace),
        concurrency: options.model.sequences,
        // Stored on each job it takes (job.processedBy): bots find which worker holds their job.
        name: this.info.id,
        lockDuration: LOCK_MS,
        stalledInterval: LOCK_MS / 2,
        // A job left behind by a dead worker fails instead of running again: its bot already answered.
        maxStalledCount: 0,
        autorun: false,
      },
    );
    this.worker.on("error", (error) => this.logger.warn({ err: error }, "queue connection problem; retrying"));
    this.worker.on("failed", (job, error) => {
      if (job) this.logger.info({ jobId: job.id, reason: error.message }, "job not answered");
    });
    this.subscriber = openRedis(options.redisUrl, "blocking");
    this.subscriber.on("message", (_channel, jobId: string) => {
      if (this.worker.cancelJob(jobId, "cancelled by the bot")) this.logger.info({ jobId }, "job cancelled by the bot");
    });
  }

  /** Announces the worker and starts taking jobs (waits for Redis; `signal` gives up). */
  static async start(options: ModelWorkerOptions, signal?: AbortSignal): Promise<ModelWorker> {
    const worker = new ModelWorker(options);
    const ready = (async () => {
      await worker.subscriber.subscribe(cancelChannel(options.namespace, options.queue));
      await worker.beat();
    })();
    const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
    await Promise.race([ready, aborted]);
    if (signal?.aborted) {
      ready.catch(() => {});
      await worker.stop(0);
      throw signal.reason;
    }
    worker.heartbeat = setInterval(() => void worker.beat().catch(() => {}), HEARTBEAT_MS);
    void worker.worker.run();
    worker.logger.info({ ...worker.info, queue: options.queue }, "model worker ready");
    return worker;
  }

  private async beat(): Promise<void> {
    await this.clock.sync(this.connection);
    await this.registry.beat(this.info, this.clock.now());
  }

  /**
   * Stops taking jobs and lets running ones finish for up to `graceMs` (still beating, marked as
   * draining so bots send it nothing new but know it is alive), then cancels them and leaves.
   */
  async stop(graceMs: number): Promise<void> {
    this.info.draining = true;
    void this.beat().catch(() => {});
    const closing = this.worker.close();
    const timer = setTimeout(() => this.worker.cancelAllJobs("the worker is shutting down"), graceMs);
    // Closing waits for Redis: when it is away, stop anyway once the jobs had their grace.
    await finishesWithin(closing, graceMs + 1000);
    clearTimeout(timer);
    clearInterval(this.heartbeat);
    await finishesWithin(
      this.registry.leave(this.info.id).catch(() => {}),
      1000,
    );
    this.subscriber.disconnect();
    this.connection.disconnect();
  }

  private async process(job: Job<GenerationJob, GenerationResult>, cancelled: AbortSignal | undefined): Promise<GenerationResult> {
    const metrics = this.options.metrics;
    const data = parseJob(job.data, this.options.catalog.sids.size);
    if (typeof data === "string") {
      this.logger.error({ jobId: job.id, problem: data }, "refusing a malformed job");
      metrics?.workerJobs.inc({ outcome: "refused" });
      throw new UnrecoverableError(`malformed job: ${data}`);
    }
    const waitedMs = Math.max(0, this.clock.now() - (data.deadline - data.budgetMs));
    if (data.catalog !== this.info.catalog) {
      this.logger.error(
        { jobId: job.id, jobCatalog: data.catalog, catalog: this.info.catalog },
        "refusing a job built against a different catalog: run bots and workers with the same catalog file",
      );
      metrics?.workerJobs.inc({ outcome: "refused" });
      throw new UnrecoverableError(`${REFUSED_CATALOG}: job ${data.catalog}, worker ${this.info.catalog}`);
    }
    if (this.clock.now() >= data.deadline) {
      this.logger.info({ jobId: job.id, waitedMs }, "dropping a stale job: nobody waits for its answer any more");
      metrics?.workerJobs.inc({ outcome: "stale" });
      throw new UnrecoverableError(REFUSED_STALE);
    }
    metrics?.queueWaitSeconds.observe(waitedMs / 1000);
    await job.updateProgress({ worker: this.info.id } satisfies JobProgress);
    const budget = AbortSignal.timeout(Math.max(1, Math.ceil(data.deadline - this.clock.now())));
    const signal = cancelled ? AbortSignal.any([cancelled, budget]) : budget;
    const started = performance.now();
    try {
      const result = await this.run(job, data, signal);
      const seconds = (performance.now() - started) / 1000;
      metrics?.workerJobs.inc({ outcome: "done" });
      if (result.kind === "generated") {
        metrics?.tokens.inc(result.tokens);
        if (seconds > 0) metrics?.workerTokensPerSecond.observe(result.tokens / seconds);
      }
      metrics?.generationSeconds.observe({ backend: "llama" }, seconds);
      return result;
    } catch (error) {
      metrics?.workerJobs.inc({ outcome: signal.aborted ? "cancelled" : "failed" });
      // A cancelled or failed job is never retried: the bot has moved on.
      throw new UnrecoverableError(
        signal.aborted
          ? `cancelled: ${String(signal.reason instanceof Error ? signal.reason.message : signal.reason)}`
          : error instanceof Error
            ? error.message
            : String(error),
      );
    }
  }

  private async run(job: Job<GenerationJob, GenerationResult>, data: GenerationJob, signal: AbortSignal): Promise<GenerationResult> {
    const model = this.options.model;
    const turns = await fitConversation(data.prompt, model.contextSize, async (t) =>
      model.tokenCount(renderChatML(t, { systemPrompt: data.prompt.systemPrompt })),
    );
    if (!turns) throw new ModelPromptError("the request is too long for the model's context");
    const segments = renderChatML(turns, { systemPrompt: data.prompt.systemPrompt });
    const exclude = this.options.catalog.sids.itemsOf(data.exclude);
    const conversation = data.conversationId === undefined ? {} : { conversationId: data.conversationId };
    const allowed = data.allowed ? { allowed: allowedFromWire(data.allowed) } : {};
    if (data.kind === "rank") {
      const ranked = await model.rank({
        segments,
        k: data.k,
        exclude,
        ...allowed,
        signal,
        ...conversation,
        ...(data.beamWidth ? { beamWidth: data.beamWidth } : {}),
      });
      return { kind: "ranked", items: rankedToWire(ranked) };
    }
    const stream = data.stream ? new ProgressStream(job) : undefined;
    const result = await model.generate({
      segments,
      plan: data.plan,
      sampling: data.sampling,
      maxTokens: data.maxTokens,
      exclude,
      ...allowed,
      ...(data.unconstrained ? { unconstrained: true } : {}),
      signal,
      ...conversation,
      ...(data.seed !== undefined ? { seed: data.seed } : {}),
      ...(stream ? { onText: (chunk: string) => stream.push(chunk), onSid: (sid: string) => stream.pushSid(sid) } : {}),
    });
    await stream?.flush();
    return { kind: "generated", ...generatedToWire(result) };
  }
}

/** Streamed text as job progress updates, in order: the first piece at once, then in batches. */
class ProgressStream {
  private buffer = "";
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private started = false;

  constructor(private readonly job: Job) {}

  push(chunk: string): void {
    this.buffer += chunk;
    if (!this.started) {
      this.started = true;
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), STREAM_FLUSH_MS);
  }

  /** A SID written in the text: after the text before it, at once. */
  pushSid(sid: string): void {
    void this.flush();
    this.sending = this.sending.then(() => this.job.updateProgress({ sid } satisfies JobProgress)).catch(() => {});
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const chunk = this.buffer;
    this.buffer = "";
    if (chunk) this.sending = this.sending.then(() => this.job.updateProgress({ chunk } satisfies JobProgress)).catch(() => {});
    return this.sending;
  }
}

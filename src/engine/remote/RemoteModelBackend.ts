/**
 * The model as a bot process in `engine.mode: "remote"` sees it: generation jobs on a BullMQ
 * queue served by `sidbot worker` processes (GPU hosts). Text streams back as job progress
 * events; a request that is cancelled (reset, shutdown, `model.timeoutMs`) is removed from the
 * queue or aborted on its worker. When no worker is alive the engine answers from the catalog at
 * once; when the worker running a job stops sending heartbeats, the request fails at once (the
 * catalog answers) and the job is never run again, so every request is answered exactly once.
 * This process never loads node-llama-cpp.
 */
import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { EngineBusyError, ModelUnavailableError } from "../../errors.js";
import type { Metrics } from "../../ops/Metrics.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import { finishesWithin } from "../../util/finishesWithin.js";
import type { Catalog } from "../catalog/Catalog.js";
import { catalogFingerprint } from "../catalog/catalogFingerprint.js";
import { ModelPromptError, RemoteModelError } from "../model/modelErrors.js";
import { sidInText } from "../model/OutputBuilder.js";
import type { GenerateRequest, GenerateResult, ModelBackend, RankedItem, RankRequest } from "../model/ModelBackend.js";
import { generatedFromWire, rankedFromWire } from "../model/resultWire.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import { allowedToWire } from "./allowedWire.js";
import { openRedis } from "./redisConnection.js";
import { RedisClock } from "./redisClock.js";
import {
  REFUSED_CATALOG,
  REFUSED_STALE,
  cancelChannel,
  jobIdFor,
  jobQueueName,
  queuePrefix,
  type GenerationJob,
  type GenerationResult,
  type JobProgress,
  type WorkerInfo,
} from "./remoteJobs.js";
import { HEARTBEAT_MS, WorkerRegistry } from "./WorkerRegistry.js";

export interface RemoteModelBackendOptions {
  redisUrl: string;
  namespace: string;
  queue: string;
  catalog: Catalog;
  /** Jobs waiting in the shared queue beyond which new requests are told the bot is busy. */
  maxQueue: number;
  /** How long a job may wait and run before nobody wants its answer (model.timeoutMs). */
  deadlineMs: number;
  logger?: Logger;
  metrics?: Metrics | undefined;
}

// How long start-up waits for Redis before serving from the catalog, and shutdown before dropping it.
const CONNECT_WAIT_MS = 3000;
const CLOSE_WAIT_MS = 1000;

interface Pending {
  resolve: (result: GenerationResult) => void;
  reject: (error: Error) => void;
  onText?: ((chunk: string) => void) | undefined;
  /** The worker running the job, once one took it. */
  worker?: string;
}

export class RemoteModelBackend implements ModelBackend {
  readonly loadMs = 0;
  /** Workers fit the prompt to their own context. */
  readonly contextSize = undefined;
  private readonly clock = new RedisClock();
  /** Requests between the backlog check and their job being queued (a burst must not slip past it). */
  private enqueuing = 0;
  private readonly pending = new Map<string, Pending>();
  private workers: WorkerInfo[] = [];
  private mismatched: WorkerInfo[] = [];
  private refreshError: string | undefined;
  private lastAlive = new Set<string>();
  private refreshing = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly logger: Logger;
  private readonly warnedMismatch = new Set<string>();

  private constructor(
    private readonly options: RemoteModelBackendOptions,
    private readonly producer: Redis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly eventsConnection: Redis,
    private readonly registry: WorkerRegistry,
    private readonly fingerprint: string,
  ) {
    this.logger = (options.logger ?? silentLogger).child({ component: "remote-model" });
    events.on("progress", ({ jobId, data }) => this.progress(jobId, data as JobProgress));
    events.on("completed", ({ jobId, returnvalue }) => this.settle(jobId, (p) => p.resolve(parseResult(returnvalue))));
    events.on("failed", ({ jobId, failedReason }) => this.settle(jobId, (p) => p.reject(failure(failedReason))));
    // Connection trouble is logged by the refresh loop; an unhandled "error" event would crash the process.
    events.on("error", () => {});
    queue.on("error", () => {});
  }

  static async start(options: RemoteModelBackendOptions): Promise<RemoteModelBackend> {
    const connection = { prefix: queuePrefix(options.namespace) };
    // One queue per catalog: workers with another catalog never see these jobs.
    const fingerprint = catalogFingerprint(options.catalog);
    const name = jobQueueName(options.queue, fingerprint);
    const producer = openRedis(options.redisUrl, "producer");
    const queue = new Queue(name, { connection: producer, ...connection });
    const eventsConnection = openRedis(options.redisUrl, "blocking");
    const events = new QueueEvents(name, { connection: eventsConnection, ...connection });
    const backend = new RemoteModelBackend(
      options,
      producer,
      queue,
      events,
      eventsConnection,
      new WorkerRegistry(producer, options.namespace, options.queue),
      fingerprint,
    );
    // Redis away at start-up: start anyway (the catalog answers); the refresh loop finds workers later.
    const ready = Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).catch(() => {});
    await finishesWithin(ready, CONNECT_WAIT_MS);
    await backend.refresh();
    backend.refreshTimer = setInterval(() => void backend.refresh(), HEARTBEAT_MS);
    backend.refreshTimer.unref();
    return backend;
  }

  /** Requests one bot process keeps in flight: the shared queue, not this process, limits the work. */
  get sequences(): number {
    return this.options.maxQueue;
  }

  get available(): boolean {
    return this.workers.length > 0 && !this.closed;
  }

  /** Why the model is not available (labels the fallback). */
  get unavailableReason(): "no-worker" | "redis" {
    return this.refreshError ? "redis" : "no-worker";
  }

  /**
   * The workers this bot can use, for `/readyz`. Never a readiness problem: without workers the
   * catalog answers, but operators see why.
   */
  readiness(): Record<string, unknown> {
    const workers = this.workers;
    const note = this.refreshError
      ? `cannot read the worker registry: ${this.refreshError}`
      : "no model worker is running: answers come from the catalog";
    return {
      workers: {
        available: workers.length,
        sequences: workers.reduce((n, w) => n + w.sequences, 0),
        ids: workers.map((w) => w.id),
        ...(this.mismatched.length ? { otherCatalog: this.mismatched.map((w) => w.id) } : {}),
        ...(workers.length === 0 ? { note } : {}),
      },
    };
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const result = await this.submit(
      {
        kind: "generate",
        prompt: this.prompt(request),
        plan: request.plan,
        sampling: request.sampling,
        maxTokens: request.maxTokens,
        stream: request.onText !== undefined,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.unconstrained ? { unconstrained: true } : {}),
        ...this.common(request),
      },
      request,
    );
    if (result.kind !== "generated") throw new RemoteModelError("model_protocol", `unexpected job result ${result.kind}`);
    const { kind: _kind, ...wire } = result;
    return generatedFromWire(this.options.catalog, wire);
  }

  async rank(request: RankRequest): Promise<RankedItem[]> {
    const result = await this.submit(
      {
        kind: "rank",
        prompt: this.prompt(request),
        k: request.k,
        ...(request.beamWidth ? { beamWidth: request.beamWidth } : {}),
        ...this.common(request),
      },
      request,
    );
    if (result.kind !== "ranked") throw new RemoteModelError("model_protocol", `unexpected job result ${result.kind}`);
    return rankedFromWire(this.options.catalog, result.items);
  }

  countTokens(_segments: readonly PromptSegment[]): Promise<number> {
    return Promise.reject(new RemoteModelError("model_unsupported", "remote workers count tokens themselves"));
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refreshTimer);
    for (const [jobId, pending] of this.pending) {
      this.pending.delete(jobId);
      pending.reject(new ModelUnavailableError("sidbot is shutting down"));
      void this.cancel(jobId);
    }
    // Closing waits for Redis; when Redis is away, give up after a moment and drop the sockets.
    await finishesWithin(Promise.allSettled([this.events.close(), this.queue.close()]), CLOSE_WAIT_MS);
    this.producer.disconnect();
    this.eventsConnection.disconnect();
  }

  private prompt(request: GenerateRequest | RankRequest): GenerationJob["prompt"] {
    if (!request.conversation) throw new ModelPromptError("a remote model needs the conversation, not a rendered prompt");
    return request.conversation;
  }

  private common(request: GenerateRequest | RankRequest) {
    const conversation = request.conversationId === undefined ? {} : { conversationId: request.conversationId };
    return {
      exclude: (request.exclude ?? []).map((i) => i.sid),
      ...(request.allowed ? { allowed: allowedToWire(request.allowed) } : {}),
      deadline: this.clock.now() + this.options.deadlineMs,
      budgetMs: this.options.deadlineMs,
      catalog: this.fingerprint,
      ...conversation,
    };
  }

  private async submit(job: GenerationJob, request: GenerateRequest | RankRequest): Promise<GenerationResult> {
    const { signal } = request;
    signal?.throwIfAborted();
    if (!this.available) throw new ModelUnavailableError("no model worker is running", this.unavailableReason);
    this.enqueuing++;
    const waiting = (await this.queue.getWaitingCount().catch(() => 0)) + this.enqueuing - 1;
    if (waiting >= this.options.maxQueue || signal?.aborted) {
      this.enqueuing--;
      signal?.throwIfAborted();
      throw new EngineBusyError(waiting);
    }
    // Job id from the request id: a redelivered request is not queued twice.
    let jobId = jobIdFor(request.requestId ?? randomUUID());
    if (this.pending.has(jobId)) jobId = `${jobId}-${randomUUID().slice(0, 8)}`;
    const started = performance.now();
    const done = new Promise<GenerationResult>((resolve, reject) => {
      const onAbort = () => {
        this.settle(jobId, (p) => p.reject(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason))));
        void this.cancel(jobId);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const unlisten = () => signal?.removeEventListener("abort", onAbort);
      this.pending.set(jobId, {
        onText: "onText" in request ? request.onText : undefined,
        resolve: (result) => {
          unlisten();
          resolve(result);
        },
        reject: (error) => {
          unlisten();
          reject(error);
        },
      });
    });
    try {
      // Finished jobs are removed; the answer travels in the "completed" event.
      await this.queue.add(job.kind, job, { jobId, attempts: 1, removeOnComplete: true, removeOnFail: true });
    } catch (error) {
      this.settle(jobId, (p) =>
        p.reject(new ModelUnavailableError(`cannot queue the request: ${error instanceof Error ? error.message : String(error)}`, "redis")),
      );
    } finally {
      this.enqueuing--;
    }
    try {
      return await done;
    } finally {
      this.options.metrics?.remoteSeconds.observe((performance.now() - started) / 1000);
    }
  }

  private progress(jobId: string, data: JobProgress): void {
    const pending = this.pending.get(jobId);
    if (!pending || !data || typeof data !== "object") return;
    if ("worker" in data) pending.worker = data.worker;
    else if ("chunk" in data && typeof data.chunk === "string") pending.onText?.(data.chunk);
    else if ("sid" in data && typeof data.sid === "string")
      pending.onText?.(sidInText(this.options.catalog.get(data.sid)?.title ?? data.sid));
  }

  private settle(jobId: string, how: (pending: Pending) => void): void {
    const pending = this.pending.get(jobId);
    if (!pending) return; // not ours, or already answered (never twice)
    this.pending.delete(jobId);
    how(pending);
  }

  /** Removes a job still waiting; asks the worker running it to stop. */
  private async cancel(jobId: string): Promise<void> {
    try {
      await this.producer.publish(cancelChannel(this.options.namespace, this.options.queue), jobId);
      await this.queue.remove(jobId); // refused (and harmless) while a worker holds the job
    } catch {
      // Redis away: the worker drops the job at its deadline.
    }
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await this.refreshWorkers();
    } finally {
      this.refreshing = false;
    }
  }

  private async refreshWorkers(): Promise<void> {
    let alive: WorkerInfo[] = [];
    try {
      await this.clock.sync(this.producer);
      alive = await this.registry.alive(this.clock.now());
      // A draining worker finishes its jobs but takes no new ones.
      this.workers = alive.filter((w) => w.catalog === this.fingerprint && !w.draining);
      this.mismatched = alive.filter((w) => w.catalog !== this.fingerprint);
      for (const w of this.mismatched) {
        if (this.warnedMismatch.has(w.id)) continue;
        this.warnedMismatch.add(w.id);
        this.logger.warn(
          { worker: w.id, workerCatalog: w.catalog, catalog: this.fingerprint },
          "a model worker has a different catalog; it gets no requests from this bot",
        );
      }
      this.refreshError = undefined;
    } catch (error) {
      this.workers = [];
      this.refreshError = error instanceof Error ? error.message : String(error);
    }
    // A job whose worker stopped beating will never finish: answer it now (from the catalog).
    if (this.refreshError) return;
    const living = new Set(alive.map((w) => w.id));
    const someoneLeft = [...this.lastAlive].some((id) => !living.has(id));
    this.lastAlive = living;
    for (const [jobId, pending] of this.pending) {
      // A worker may die before it names itself on the job: then ask BullMQ who took it.
      if (pending.worker === undefined && someoneLeft) pending.worker = await this.holder(jobId);
      if (this.workers.length === 0 && pending.worker === undefined) {
        // Every worker is gone: nobody will take the job.
        this.settle(jobId, (p) => p.reject(new ModelUnavailableError("no model worker is running", "no-worker")));
        void this.cancel(jobId);
        continue;
      }
      if (pending.worker === undefined || living.has(pending.worker)) continue;
      this.logger.warn({ jobId, worker: pending.worker }, "the model worker running a request stopped; answering from the catalog");
      this.settle(jobId, (p) => p.reject(new ModelUnavailableError(`model worker ${pending.worker} stopped`, "worker-crash")));
      void this.cancel(jobId);
    }
  }

  /** The worker that took a job (BullMQ's `processedBy`), if any. */
  private async holder(jobId: string): Promise<string | undefined> {
    try {
      return (await this.queue.getJob(jobId))?.processedBy ?? undefined;
    } catch {
      return undefined;
    }
  }
}

function parseResult(value: unknown): GenerationResult {
  return (typeof value === "string" ? JSON.parse(value) : value) as GenerationResult;
}

function failure(reason: string): Error {
  if (reason.startsWith(REFUSED_CATALOG)) return new ModelUnavailableError(reason, "catalog-mismatch");
  if (reason === REFUSED_STALE) return new ModelUnavailableError(reason, "timeout");
  // BullMQ fails a job whose worker vanished without finishing it ("job stalled more than allowable
  // limit"): its text is all BullMQ gives.
  if (/stalled/i.test(reason)) return new ModelUnavailableError(reason, "worker-crash");
  return new RemoteModelError("model_worker_failed", `model worker: ${reason}`);
}

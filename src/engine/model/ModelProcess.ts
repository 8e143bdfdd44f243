/**
 * Runs the model in a child process (modelWorkerMain) and talks to it over IPC, so that a crash
 * in llama.cpp, or a native call that never returns, cannot take the bot down. When the child
 * dies, pending requests fail at once (the engine answers them from the catalog) and a new child
 * is started with backoff. A request whose caller gave up and that does not stop within
 * `killAfterMs` gets its child killed and restarted.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { ModelLoadError, ModelUnavailableError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import type { AllowedItems } from "../catalog/AllowedItems.js";
import type { Catalog } from "../catalog/Catalog.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import type { GenerateRequest, GenerateResult, ModelBackend, RankedItem, RankRequest } from "./ModelBackend.js";
import type { ChildMessage, ParentMessage, WorkerLoadOptions } from "./modelProtocol.js";
import { ModelProcessError } from "./modelErrors.js";
import { sidInText } from "./OutputBuilder.js";
import { generatedFromWire, rankedFromWire } from "./resultWire.js";
import { SidCodes } from "./SidCodes.js";

// Tests run this file from src/ (TypeScript); the child always runs the built JavaScript.
const WORKER = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "../../../dist/src/engine/model/modelWorkerMain.js" : "./modelWorkerMain.js", import.meta.url),
);

export interface ModelProcessOptions {
  load: WorkerLoadOptions;
  /** The bot's catalog: the child gets its SID codes only, and the SIDs it answers with become these items. */
  catalog: Catalog;
  logger?: Logger;
  /** Grace after an abort before the child is killed. @defaultValue 5000 */
  killAfterMs?: number;
  /** Longest wait between restarts. @defaultValue 30000 */
  maxRestartDelayMs?: number;
}

interface Pending {
  resolve: (message: ChildMessage) => void;
  reject: (error: Error) => void;
  onText?: ((chunk: string) => void) | undefined;
}

export class ModelProcess implements ModelBackend {
  loadMs = 0;
  sequences = 1;
  contextSize = 0;
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  private restarts = 0;
  private readonly logger: Logger;
  /** What the child needs of the catalog, sent with every (re)start. */
  private readonly sidCodes: SidCodes;

  private constructor(private readonly options: ModelProcessOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: "model-process" });
    this.sidCodes = SidCodes.fromCatalog(options.catalog);
  }

  /** Starts the child and loads the model; a model that cannot load is a {@link ModelLoadError}. */
  static async start(options: ModelProcessOptions): Promise<ModelProcess> {
    const process = new ModelProcess(options);
    await process.spawn();
    return process;
  }

  get available(): boolean {
    return this.child !== undefined && !this.disposed;
  }

  /** Process id of the child (for operators and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const message = await this.call(
      (id) => ({
        type: "generate",
        id,
        segments: [...request.segments],
        plan: request.plan,
        sampling: request.sampling,
        maxTokens: request.maxTokens,
        exclude: (request.exclude ?? []).map((i) => i.sid),
        ...allowedOf(request),
        ...(request.unconstrained ? { unconstrained: true } : {}),
        stream: request.onText !== undefined,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...conversationOf(request),
      }),
      request.signal,
      request.onText,
    );
    if (message.type !== "generated") throw new ModelProcessError("model_protocol", `unexpected reply ${message.type}`);
    const { type: _type, id: _id, ...wire } = message;
    return generatedFromWire(this.options.catalog, wire);
  }

  async rank(request: RankRequest): Promise<RankedItem[]> {
    const message = await this.call(
      (id) => ({
        type: "rank",
        id,
        segments: [...request.segments],
        k: request.k,
        exclude: (request.exclude ?? []).map((i) => i.sid),
        ...allowedOf(request),
        ...(request.beamWidth ? { beamWidth: request.beamWidth } : {}),
        ...conversationOf(request),
      }),
      request.signal,
    );
    if (message.type !== "ranked") throw new ModelProcessError("model_protocol", `unexpected reply ${message.type}`);
    return rankedFromWire(this.options.catalog, message.items);
  }

  async countTokens(segments: readonly PromptSegment[]): Promise<number> {
    const message = await this.call((id) => ({ type: "countTokens", id, segments: [...segments] }));
    if (message.type !== "counted") throw new ModelProcessError("model_protocol", `unexpected reply ${message.type}`);
    return message.tokens;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.send({ type: "dispose" } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  private call(build: (id: number) => ParentMessage, signal?: AbortSignal, onText?: (chunk: string) => void): Promise<ChildMessage> {
    const child = this.child;
    if (!child) return Promise.reject(new ModelUnavailableError("the model is restarting"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    return new Promise<ChildMessage>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        child.send({ type: "abort", id } satisfies ParentMessage);
        // A native call may never come back: then the child goes, and a new one comes.
        killTimer = setTimeout(() => {
          this.logger.warn({ pid: child.pid }, "model did not stop after an abort; restarting its process");
          child.kill("SIGKILL");
        }, this.options.killAfterMs ?? 5000);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = () => {
        signal?.removeEventListener("abort", onAbort);
        clearTimeout(killTimer);
        this.pending.delete(id);
      };
      this.pending.set(id, {
        onText,
        resolve: (message) => {
          settle();
          if (message.type === "error")
            reject(message.aborted && signal?.aborted ? signal.reason : new ModelProcessError(message.code, message.message));
          else resolve(message);
        },
        reject: (error) => {
          settle();
          reject(signal?.aborted ? signal.reason : error);
        },
      });
      child.send(build(id));
    });
  }

  private async spawn(): Promise<void> {
    const child = fork(WORKER, [], { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
    child.stderr?.on("data", (data: Buffer) => this.logger.debug({ pid: child.pid }, data.toString().trim()));
    const loaded = new Promise<ChildMessage>((resolve, reject) => {
      child.once("message", (message: ChildMessage) => resolve(message));
      child.once("exit", (code, signal) =>
        reject(new ModelLoadError(this.options.load.modelPath, `the model process exited while loading (${signal ?? `code ${code}`})`)),
      );
    });
    child.send({ type: "load", options: this.options.load, sidCodes: this.sidCodes.codes } satisfies ParentMessage);
    let first: ChildMessage;
    try {
      first = await loaded;
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
    if (first.type !== "loaded") {
      child.kill("SIGKILL");
      throw new ModelLoadError(
        this.options.load.modelPath,
        first.type === "loadError" ? first.message : `cannot load model ${this.options.load.modelPath}`,
      );
    }
    Object.assign(this, { loadMs: first.loadMs, sequences: first.sequences, contextSize: first.contextSize });
    child.on("message", (message: ChildMessage) => this.dispatch(message));
    child.once("exit", (code, signal) => this.crashed(child, code, signal));
    this.child = child;
    this.restarts = 0;
  }

  private dispatch(message: ChildMessage): void {
    if (!("id" in message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === "text") pending.onText?.(message.chunk);
    else if (message.type === "sidText") pending.onText?.(sidInText(this.options.catalog.get(message.sid)?.title ?? message.sid));
    else pending.resolve(message);
  }

  private crashed(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    for (const pending of [...this.pending.values()]) pending.reject(new ModelUnavailableError("the model process stopped"));
    if (this.disposed) return;
    const delay = Math.min(1000 * 2 ** this.restarts++, this.options.maxRestartDelayMs ?? 30_000);
    this.logger.error({ code, signal, restartInMs: delay }, "the model process stopped; answering from the catalog until it is back");
    setTimeout(() => void this.restart(), delay).unref();
  }

  private async restart(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.spawn();
      if (this.disposed) await this.dispose();
      else this.logger.info({ pid: this.child?.pid }, "model process restarted");
    } catch (error) {
      this.logger.error({ err: error }, "model process failed to restart");
      const delay = Math.min(1000 * 2 ** this.restarts++, this.options.maxRestartDelayMs ?? 30_000);
      setTimeout(() => void this.restart(), delay).unref();
    }
  }
}

/** The sub-catalog as a plain object (a class instance would lose its prototype in the copy). */
function allowedOf({ allowed }: GenerateRequest | RankRequest): { allowed?: AllowedItems } {
  return allowed ? { allowed: { key: allowed.key, bits: allowed.bits, count: allowed.count } } : {};
}

function conversationOf(request: GenerateRequest | RankRequest): { conversationId?: string } {
  return request.conversationId === undefined ? {} : { conversationId: request.conversationId };
}

/**
 * What bots and model workers exchange through the BullMQ queue (`engine.queue`). Items travel
 * as SIDs; both sides hold the same catalog, which the fingerprint proves.
 */
import type { AnswerPlan } from "../prompts/buildUserTurn.js";
import type { ConversationPrompt } from "../prompts/fitConversation.js";
import type { SamplingOptions } from "../model/ModelBackend.js";
import type { GeneratedWire, RankedWire } from "../model/resultWire.js";
import type { AllowedWire } from "./allowedWire.js";

interface JobBase {
  /** The worker renders and fits the conversation with its own tokenizer. */
  prompt: ConversationPrompt;
  /** SIDs never to answer. */
  exclude: string[];
  /** The sub-catalog to answer from (GenerateRequest.allowed); absent = the whole catalog. */
  allowed?: AllowedWire;
  /** Time (ms on the Redis clock) after which nobody waits for the answer: a worker drops the job instead of running it. */
  deadline: number;
  /** How long the bot waits in all (`model.timeoutMs`): `deadline - budgetMs` is when it was queued. */
  budgetMs: number;
  /** {@link catalogFingerprint} of the bot's catalog. */
  catalog: string;
  /** The bot's conversation key: the worker keeps its evaluated prompt for the follow-up. */
  conversationId?: string;
}

export interface GenerateJob extends JobBase {
  kind: "generate";
  plan: AnswerPlan;
  sampling: SamplingOptions;
  maxTokens: number;
  seed?: number;
  /** SIDs written without the catalog trie (GenerateRequest.unconstrained). */
  unconstrained?: boolean;
  /** Send text as it is generated (job progress events). */
  stream: boolean;
}

export interface RankJob extends JobBase {
  kind: "rank";
  k: number;
  beamWidth?: number;
}

export type GenerationJob = GenerateJob | RankJob;

export type GenerationResult = ({ kind: "generated" } & GeneratedWire) | { kind: "ranked"; items: RankedWire };

/**
 * Job progress: first which worker took the job, then pieces of text as they are generated, and
 * the SIDs written inside the text (the bot streams their titles: workers hold no titles).
 */
export type JobProgress = { worker: string } | { chunk: string } | { sid: string };

/** How a worker describes itself in the registry (and in its "ready" log line). */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  model: string;
  /** The model's SID tokens were checked against the catalog layout at load. */
  sidTokens: "ok";
  sequences: number;
  contextSize: number;
  catalog: string;
  catalogItems: number;
  startedAt: number;
  /** Shutting down: finishing its jobs, taking no new ones. */
  draining?: boolean;
}

/** BullMQ key prefix for a memory namespace: the queue lives beside the conversations. */
export function queuePrefix(namespace: string): string {
  return `${namespace}:bull`;
}

/**
 * The BullMQ queue for one catalog: `engine.queue` plus the catalog fingerprint, so a worker
 * only ever sees jobs whose SIDs mean what they mean in its own catalog.
 */
export function jobQueueName(queue: string, catalog: string): string {
  return `${queue}.${catalog}`;
}

/** A job id BullMQ accepts (no integers, no ":"), made from the bot's request id. */
export function jobIdFor(requestId: string): string {
  return `req-${requestId.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

/** Pub/sub channel on which bots ask workers to abort a job. */
export function cancelChannel(namespace: string, queue: string): string {
  return `${namespace}:workers:${queue}:cancel`;
}

/** Failure reasons a worker gives that mean "not run" rather than "failed while running". */
export const REFUSED_STALE = "stale: its deadline passed before a worker took it";
export const REFUSED_CATALOG = "catalog mismatch";

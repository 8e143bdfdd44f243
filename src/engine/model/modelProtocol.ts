/**
 * Messages between {@link ModelProcess} (parent) and modelWorkerMain (child). Items travel as
 * SIDs; a sub-catalog as its bits (IPC uses `serialization: "advanced"`, so the Uint8Array is
 * copied as it is, 8 KB for 66k items).
 */
import type { AllowedItems } from "../catalog/AllowedItems.js";
import type { AnswerPlan } from "../prompts/buildUserTurn.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import type { GpuSetting, SamplingOptions } from "./ModelBackend.js";
import type { GeneratedWire, RankedWire } from "./resultWire.js";

export interface WorkerLoadOptions {
  modelPath: string;
  /** Not read by the child, which gets the SID codes of {@link ModelProcessOptions.catalog} instead. */
  catalogPath?: string;
  levels: number;
  codesPerLevel: number;
  gpu: GpuSetting;
  threads: number;
  contextSize: number;
  sequences: number;
}

export type ParentMessage =
  | { type: "load"; options: WorkerLoadOptions; sidCodes: Uint16Array }
  | {
      type: "generate";
      id: number;
      segments: PromptSegment[];
      plan: AnswerPlan;
      sampling: SamplingOptions;
      maxTokens: number;
      exclude: string[];
      allowed?: AllowedItems;
      unconstrained?: boolean;
      seed?: number;
      stream: boolean;
      conversationId?: string;
    }
  | {
      type: "rank";
      id: number;
      segments: PromptSegment[];
      k: number;
      beamWidth?: number;
      exclude: string[];
      allowed?: AllowedItems;
      conversationId?: string;
    }
  | { type: "countTokens"; id: number; segments: PromptSegment[] }
  | { type: "abort"; id: number }
  | { type: "dispose" };

export type ChildMessage =
  | { type: "loaded"; loadMs: number; sequences: number; contextSize: number }
  | { type: "loadError"; message: string }
  | { type: "text"; id: number; chunk: string }
  /** A SID the model wrote inside the streamed text: the parent streams its title. */
  | { type: "sidText"; id: number; sid: string }
  | ({ type: "generated"; id: number } & GeneratedWire)
  | { type: "ranked"; id: number; items: RankedWire }
  | { type: "counted"; id: number; tokens: number }
  | { type: "error"; id: number; code: string; message: string; aborted: boolean };

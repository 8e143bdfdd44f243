/**
 * Checks a job taken from the queue before the model sees it: anything can be put on a Redis
 * queue, and a bad number reaching llama.cpp's sampler can wedge a sequence.
 */
import { z } from "zod";
import { allowedBitsProblem } from "../catalog/AllowedItems.js";
import { allowedFromWire } from "./allowedWire.js";
import type { GenerationJob } from "./remoteJobs.js";

const part = z.union([
  z.object({ text: z.string() }).strict(),
  z.object({ sid: z.string() }).strict(),
  z.object({ rec: z.literal(true) }).strict(),
]);
const common = {
  prompt: z.object({
    turns: z.array(z.object({ role: z.enum(["user", "assistant"]), parts: z.array(part) })).min(1),
    systemPrompt: z.string().nullable(),
    reserveTokens: z.number().int().min(0).max(131_072),
  }),
  exclude: z.array(z.string()).max(10_000),
  allowed: z
    .object({ key: z.string().max(1000), bits: z.base64() })
    .strict()
    .optional(),
  deadline: z.number().finite(),
  budgetMs: z.number().finite().min(0),
  catalog: z.string(),
  conversationId: z.string().max(1000).optional(),
};
const schema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("generate"),
    ...common,
    plan: z.object({ sids: z.number().int().min(0).max(100), text: z.boolean() }),
    sampling: z.object({ temperature: z.number().min(0).max(2), topK: z.number().int().min(0).max(1000), topP: z.number().gt(0).max(1) }),
    maxTokens: z.number().int().min(1).max(8192),
    seed: z.number().int().optional(),
    unconstrained: z.boolean().optional(),
    stream: z.boolean(),
  }),
  z.object({
    kind: z.literal("rank"),
    ...common,
    k: z.number().int().min(1).max(100),
    beamWidth: z.number().int().min(1).max(256).optional(),
  }),
]);

/** The job, or what is wrong with it; `catalogSize` is the worker's, which sizes the allowed bits. */
export function parseJob(data: unknown, catalogSize: number): GenerationJob | string {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return `${issue.path.join(".") || "(job)"}: ${issue.message}`;
  }
  const { allowed } = result.data;
  const problem = allowed && allowedBitsProblem(allowedFromWire(allowed).bits, catalogSize);
  if (problem) return `allowed.bits: ${problem}`;
  return result.data as GenerationJob;
}

import type { Random } from "../../util/random.js";

export interface SamplingOptions {
  /** 0 = always the most likely candidate. */
  temperature: number;
  topK: number;
  topP: number;
}

/**
 * Picks one candidate from model probabilities restricted to an allowed set, applying
 * temperature, top-k and top-p over that set only (the model's own sampler would look at the
 * whole vocabulary and could pick a token outside the catalog).
 * Returns the index into `probabilities`.
 */
export function sampleCandidates(probabilities: readonly number[], { temperature, topK, topP }: SamplingOptions, random: Random): number {
  if (probabilities.length === 0) throw new RangeError("no candidates");
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  if (temperature <= 0 || probabilities.length === 1) return best;

  const maxP = probabilities[best]!;
  // All zero (underflow): every allowed choice is equally (un)likely.
  const weights = probabilities.map((p, i) => ({ i, w: maxP > 0 ? (p / maxP) ** (1 / temperature) : 1 }));
  weights.sort((a, b) => b.w - a.w);
  const kept = weights.slice(0, Math.max(1, topK));
  const total = kept.reduce((s, x) => s + x.w, 0);
  let cumulative = 0;
  let cut = kept.length;
  for (let j = 0; j < kept.length; j++) {
    cumulative += kept[j]!.w / total;
    if (cumulative >= topP) {
      cut = j + 1;
      break;
    }
  }
  const nucleus = kept.slice(0, cut);
  const nucleusTotal = nucleus.reduce((s, x) => s + x.w, 0);
  let r = random.next() * nucleusTotal;
  for (const x of nucleus) {
    r -= x.w;
    if (r <= 0) return x.i;
  }
  return nucleus.at(-1)!.i;
}

/**
 * `--limit N`: a uniform random sample of N lines drawn with the seed (the same seed, the same
 * sample), kept in file order so the report's line numbers read naturally.
 */
import { seededRandom } from "../../util/random.js";

export function sampleLines<T>(lines: readonly T[], limit: number | undefined, seed: number): T[] {
  if (limit === undefined || limit >= lines.length) return [...lines];
  const random = seededRandom(seed);
  // Partial Fisher–Yates over positions: the first `limit` are a uniform sample.
  const positions = Array.from(lines, (_, i) => i);
  for (let i = 0; i < limit; i++) {
    const j = i + random.int(positions.length - i);
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
  }
  return positions
    .slice(0, limit)
    .sort((a, b) => a - b)
    .map((i) => lines[i]!);
}

/** 100 concurrent slash commands through the Discord fake with a deliberately slow model. */
import { join } from "node:path";
import { writeFixtureModel } from "../src/engine/fixtures/fixtureModel.js";
import { discordLoad } from "../test/support/discordLoad.js";
import { fmt, percentile } from "./stats.js";

export async function loadBench(dir: string, print: (line: string) => void): Promise<void> {
  const modelPath = join(dir, "slow.gguf");
  await writeFixtureModel(modelPath, { hidden: 512, layers: 8 });
  const r = await discordLoad({ modelPath, requests: 100, rounds: 2 });
  print(`load: ${r.requests} concurrent /similar through the Discord fake, slow model (hidden 512, 8 layers), 2 sequences, queue ≤ 32`);
  print(
    `  defer: p50 ${fmt(percentile(r.deferMs, 50), 0)} ms, p99 ${fmt(percentile(r.deferMs, 99), 0)} ms, ` +
      `max ${fmt(r.deferMs.at(-1)!, 0)} ms (Discord allows 3000)`,
  );
  print(
    `  deferred ${r.deferred}/${r.requests}; answered ${r.answered}, politely refused ${r.refused}, ` +
      `errors ${r.errors}; max queue ${r.maxQueue}; all done in ${fmt(r.totalMs, 0)} ms`,
  );
  print(
    `  answer latency: p50 ${fmt(percentile(r.answerMs, 50), 0)} ms, p99 ` +
      `${fmt(percentile(r.answerMs, 99), 0)} ms; heap after round 1 → after round 2: ` +
      `${fmt(r.heapBeforeMb)} → ${fmt(r.heapAfterMb)} ` +
      `MB${r.heapAfterGc ? " (after a full GC)" : " (no GC exposed: includes garbage)"}`,
  );
}

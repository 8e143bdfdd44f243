/**
 * A bounded load scenario: N slash commands at once through the real discord.js client and the
 * loopback fake Discord, against a bot with a deliberately slow model. Used by the load test and
 * by `npm run bench`. Loopback only; stops by itself.
 */
import { DiscordAdapter } from "../../src/adapters/discord/DiscordAdapter.js";
import { Bot } from "../../src/bot/Bot.js";
import { InProcessMemoryStore } from "../../src/bot/memory/InProcessMemoryStore.js";
import { loadConfig } from "../../src/config.js";
import { Engine } from "../../src/engine/Engine.js";
import { FakeDiscord } from "./fakes/FakeDiscord.js";

export interface LoadResult {
  requests: number;
  answered: number;
  refused: number;
  errors: number;
  /** Interactions acknowledged with a defer callback (Discord drops the rest after 3 s). */
  deferred: number;
  /** ms from dispatch to the defer callback, sorted. */
  deferMs: number[];
  /** ms from dispatch to the final edit, sorted. */
  answerMs: number[];
  maxQueue: number;
  totalMs: number;
  /** Heap after the first round and after the last (after a full GC when `--expose-gc`): growth between them is a leak. */
  heapBeforeMb: number;
  heapAfterMb: number;
  /** Whether the heap figures were taken after a full GC (else they include garbage and mean little). */
  heapAfterGc: boolean;
}

export async function discordLoad({
  modelPath,
  requests = 100,
  rounds = 2,
}: {
  modelPath: string;
  requests?: number;
  rounds?: number;
}): Promise<LoadResult> {
  const fake = new FakeDiscord();
  await fake.start();
  const config = loadConfig({ env: { MODEL_PATH: modelPath, MODEL_GPU: "off" } });
  config.limits.userRequests = 10_000;
  config.model.sequences = 2;
  const engine = await Engine.create(config);
  const memory = new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: config.memory.maxTurns });
  const bot = new Bot({ engine, memory, config });
  const adapter = new DiscordAdapter({ bot, token: fake.token, apiUrl: fake.apiUrl, settings: config.discord });
  await adapter.start();
  let maxQueue = 0;
  const sample = setInterval(() => (maxQueue = Math.max(maxQueue, bot.gate.waiting)), 5);
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  let heapAfterFirstRoundMb = 0;
  let result: LoadResult | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      const sent = new Map<string, number>();
      const interactions = Array.from({ length: requests }, (_, i) => {
        // 100 people in 100 channels: independent conversations, as in a busy server.
        const interaction = fake.commandInteraction(
          "similar",
          [{ name: "game", type: 3, value: ["Halo 3", "Mario Kart", "Forza Motorsport 2", "Animal Crossing"][i % 4]! }],
          { user: fake.user(`${900_000 + i}`), channelId: `${800_000_000 + round * 1000 + i}` },
        );
        return interaction;
      });
      const done = interactions.map((interaction) => {
        sent.set(interaction.token, Date.now());
        return fake.waitFor(
          (r) =>
            r.method === "PATCH" &&
            r.path.includes(interaction.token) &&
            (r.body.embeds?.length > 0 || /busy|try again|wrong/i.test(r.body.content ?? "")),
          120_000,
        );
      });
      for (const interaction of interactions) fake.dispatch("INTERACTION_CREATE", interaction);
      const finals = await Promise.all(done);
      const totalMs = performance.now() - started;
      const callbacks = interactions.map((i) => fake.requests.find((r) => r.path === `/interactions/${i.id}/${i.token}/callback`));
      const deferMs = interactions.flatMap((i, k) => (callbacks[k] ? [callbacks[k].at - sent.get(i.token)!] : [])).sort((a, b) => a - b);
      const answerMs = interactions.map((i, k) => finals[k]!.at - sent.get(i.token)!).sort((a, b) => a - b);
      const answered = finals.filter((f) => f.body.embeds?.length > 0).length;
      const refused = finals.filter((f) => /busy/i.test(f.body.content ?? "")).length;
      const heapMb = heap();
      if (round === 0) heapAfterFirstRoundMb = heapMb;
      const deferred = callbacks.filter((c) => c !== undefined).length;
      result = {
        requests,
        answered,
        refused,
        errors: requests - answered - refused,
        deferred,
        deferMs,
        answerMs,
        maxQueue,
        totalMs,
        heapBeforeMb: heapAfterFirstRoundMb,
        heapAfterMb: heapMb,
        heapAfterGc: gc !== undefined,
      };
    }
  } finally {
    clearInterval(sample);
    await adapter.stop();
    await memory.close();
    await engine.dispose();
    await fake.stop();
  }
  return result!;
}

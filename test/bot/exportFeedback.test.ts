import { describe, expect, it } from "vitest";
import { parseSince } from "../../src/bot/exportFeedback.js";
import { main } from "../../src/cli.js";
import { testBot, thread } from "../support/bots.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../support/redis.js";

async function run(args: string[], env: Record<string, string>) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), readStdin: async () => "" }, env);
  return { code, out, err };
}

describe("parseSince", () => {
  it("reads dates and spans back from now", () => {
    const now = Date.parse("2026-11-29T12:00:00Z");
    expect(parseSince("2026-11-01", now)).toBe(Date.parse("2026-11-01"));
    expect(parseSince("2026-11-28T06:00:00Z", now)).toBe(Date.parse("2026-11-28T06:00:00Z"));
    expect(parseSince("24h", now)).toBe(now - 86_400_000);
    expect(parseSince("7d", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("soon", now)).toBeUndefined();
  });
});

const redis = await requireRedis();

describe.runIf(redis)("sidbot feedback export", () => {
  it("prints the votes people gave through the bot as JSON lines, with SIDs and titles", async () => {
    const namespace = uniqueNamespace("export");
    const t = await testBot({ redisUrl: SHARED_REDIS_URL, namespace });
    const c = thread("voted");
    const answer = await t.bot.handle({ conversation: c, userId: "alice", input: { text: "similar to Halo 3" } });
    await t.bot.feedback(c, "alice", [answer.items[0]!.id], "down");
    await t.bot.feedback(
      c,
      "bob",
      answer.items.map((i) => i.id),
      "up",
    );
    await t.dispose();

    const { code, out, err } = await run(["feedback", "export", "--since", "1h"], {
      REDIS_URL: SHARED_REDIS_URL,
      MEMORY_NAMESPACE: namespace,
    });
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map(
        (l) => JSON.parse(l) as { conversation: string; user: string; items: { sid: string; title: string }[]; vote: string; time: string },
      );
    expect(lines.map((l) => [l.user, l.vote, l.items.length])).toEqual([
      ["alice", "down", 1],
      ["bob", "up", answer.items.length],
    ]);
    expect(lines[0]).toMatchObject({
      conversation: "discord:thread:voted",
      items: [{ sid: answer.items[0]!.sid, title: answer.items[0]!.title }],
    });
    expect(Date.parse(lines[0]!.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(err).toMatch(/exported 2 votes/);

    const later = await run(["feedback", "export", "--since", new Date(Date.now() + 60_000).toISOString()], {
      REDIS_URL: SHARED_REDIS_URL,
      MEMORY_NAMESPACE: namespace,
    });
    expect(later.out).toBe("");
    expect((await run(["feedback", "export", "--since", "whenever"], { REDIS_URL: SHARED_REDIS_URL })).err).toMatch(
      /--since: expected a date/,
    );
  });
});

/**
 * "Find similar games" on a message naming a game and a misspelled second one: the found game is
 * the basis, and the near miss is said with what it may have meant — never dropped silently.
 * Oracles: titles read from the demo catalog file itself.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BUILTIN_CATALOG } from "../../src/config.js";
import { testBot } from "../support/bots.js";

const titles = readFileSync(BUILTIN_CATALOG, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => (JSON.parse(l) as { title: string }).title);
const CRAZY_TAXI = titles.find((t) => t.startsWith("Crazy Taxi"))!;
const HALO_3 = titles.find((t) => t.startsWith("Halo 3"))!;

let t: Awaited<ReturnType<typeof testBot>>;
beforeAll(async () => {
  t = await testBot();
});
afterAll(async () => {
  await t?.dispose();
});

it("a near miss beside a found game is left out with a did-you-mean naming the catalog title", async () => {
  const conversation = { platform: "discord" as const, scope: "channel" as const, id: `near-miss-${Date.now()}` };
  const reply = await t.bot.handle({ conversation, userId: "u1", input: { gamesIn: "halo 3 and crazy taxy" } });
  expect(reply.kind).toBe("answer");
  expect(reply.items.map((i) => i.title)).not.toContain(HALO_3);
  const notice = reply.notices.find((n) => n.includes("crazy taxy"));
  expect(notice).toBeDefined();
  expect(notice).toContain(CRAZY_TAXI);
});

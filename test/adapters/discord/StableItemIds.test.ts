/**
 * Ids picked or clicked before a catalog swap (the same games, rows in another order) never
 * answer about another game: an autocomplete value, a "More like" button and a 👍 from the old
 * catalog name their game or none. Two real bots (the demo catalog, and it reversed) behind real
 * discord.js clients against the fake Discord. Oracles: titles from the catalog file itself.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DISCORD_TEXTS } from "../../../src/adapters/discord/discordTexts.js";
import { BUILTIN_CATALOG } from "../../../src/config.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { tempDir } from "../../support/tempDir.js";
import { discordHarness, watchProcessErrors } from "./discordHarness.js";

const lines = readFileSync(BUILTIN_CATALOG, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");
const titles = lines.map((l) => (JSON.parse(l) as { title: string }).title);
const HALO_3 = "Halo 3 Limited Edition -Xbox 360";
const swapped = join(tempDir(), "catalog.jsonl");
writeFileSync(swapped, `${[...lines].reverse().join("\n")}\n`);

const processErrors = watchProcessErrors();
let before: Awaited<ReturnType<typeof discordHarness>>;
let after: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  before = await discordHarness();
  after = await discordHarness({ bot: { env: { CATALOG_PATH: swapped } } });
});
afterAll(async () => {
  await before?.stop();
  await after?.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});

type Harness = typeof before;
const answered = (h: Harness, token: string) =>
  h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${token}/messages/@original`) && !/in line/.test(r.body.content ?? ""));
/** What an answer is about: its notices and the title in its embed, as one string. */
const said = (body: { content?: string; embeds?: { description?: string; title?: string }[] }) => JSON.stringify(body);
/** The game a "similar" answer is about: its notices name it when matches are loose; otherwise the games differ from it. */
const notAbout = (text: string, title: string) => !text.includes(title.slice(0, 14));

it("an autocomplete value picked before the swap answers about its game, or says the game is gone", async () => {
  const auto = before.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3", focused: true }], {
    autocomplete: true,
  });
  before.fake.dispatch("INTERACTION_CREATE", auto);
  const res = await before.fake.waitFor((r) => r.path === `/interactions/${auto.id}/${auto.token}/callback`);
  const choice = (res.body.data.choices as { name: string; value: string }[]).find((c) => c.name === HALO_3)!;
  expect(choice).toBeDefined();
  const index = titles.indexOf(HALO_3);
  // The game that sits at Halo 3's old row once the catalog is reversed.
  const usurper = titles[titles.length - 1 - index]!;
  expect(usurper).not.toBe(HALO_3);

  const pick = after.fake.commandInteraction("similar", [{ name: "game", type: 3, value: choice.value }]);
  after.fake.dispatch("INTERACTION_CREATE", pick);
  const text = said((await answered(after, pick.token)).body);
  expect(text.includes("Halo") || /couldn't find/.test(text)).toBe(true);
  expect(notAbout(text.replace(/Halo[^"*]*/g, ""), usurper)).toBe(true);
});

it("a More like button and a 👍 from an answer before the swap name no other game", async () => {
  const ask = before.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
  before.fake.dispatch("INTERACTION_CREATE", ask);
  const answer = (await answered(before, ask.token)).body;
  const ids: string[] = answer.components.flatMap((row: { components: { custom_id: string }[] }) => row.components.map((b) => b.custom_id));
  const more = ids.find((id) => id.startsWith("sidbot:more:"))!;
  const up = ids.find((id) => id.startsWith("sidbot:fb:up:"))!;
  const firstTitle = /1\. \*\*(.+?)\*\*/.exec(answer.embeds[0].description)![1]!;

  const message = { ...answer, id: nextId(), channel_id: after.fake.channelId, author: after.fake.botUser, type: 0, flags: 0 };
  const click = after.fake.buttonInteraction(more, message);
  after.fake.dispatch("INTERACTION_CREATE", click);
  const text = said((await answered(after, click.token)).body);
  // About the game the button was for (its title in the notices), or "couldn't find" — never the game now at its old row.
  expect(text.includes(firstTitle.slice(0, 14)) || /couldn't find/.test(text)).toBe(true);

  const vote = after.fake.buttonInteraction(up, message);
  after.fake.dispatch("INTERACTION_CREATE", vote);
  const thanks = await after.fake.waitFor((r) => r.path === `/interactions/${vote.id}/${vote.token}/callback`);
  expect(thanks.body.data.content).toBe(DISCORD_TEXTS.voteTooOld);
});

it("an id: value that is no id is said to be gone, never searched as a title", async () => {
  const pick = after.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "id:99999999999999999999" }]);
  after.fake.dispatch("INTERACTION_CREATE", pick);
  const text = said((await answered(after, pick.token)).body);
  expect(text).toMatch(/couldn't find/);
  expect(text).not.toContain("99999");
});

/**
 * A 👍/👎 is thanked only when it is stored: a button under an answer made with an older catalog
 * (no id names a game of today's catalog) gets a short private line saying so instead — through
 * the real discord.js client and FakeDiscord.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbacks, discordHarness, sleep, watchProcessErrors } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
const processErrors = watchProcessErrors();
beforeAll(async () => {
  h = await discordHarness();
});
afterAll(async () => {
  await h?.stop();
  processErrors.dispose();
});

// Far beyond the test catalog: ids an older, larger catalog wrote.
const GONE = "99999999";

/** Clicks a button on one of the bot's messages; the interaction callback Discord received. */
async function click(customId: string, user = h.fake.user()) {
  const interaction = h.fake.buttonInteraction(customId, h.fake.botMessage(h.fake.channelId), user);
  h.fake.dispatch("INTERACTION_CREATE", interaction);
  await h.fake.waitFor((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  return { interaction, user, callback: callbacks(h.fake, interaction) };
}
const votesBy = async (userId: string) => (await h.memory.feedbackSince(0)).filter((v) => v.userId === userId);

describe("Discord: a vote on an answer from an older catalog", () => {
  it("naming no known game: told privately the answer is too old, not thanked, nothing stored", async () => {
    const { user, callback } = await click(`sidbot:fb:up:${GONE}`);
    expect(callback).toHaveLength(1);
    // Type 4 = CHANNEL_MESSAGE_WITH_SOURCE, flag 64 = EPHEMERAL (Discord's interaction response reference).
    expect(callback[0]!.body).toMatchObject({ type: 4, data: { flags: 64 } });
    const content = String(callback[0]!.body.data.content);
    expect(content).toMatch(/too old/i);
    expect(content).toMatch(/ask again/i);
    expect(content).not.toMatch(/thanks/i);
    await sleep(200);
    expect(await votesBy(user.id)).toEqual([]);
    expect(h.lines.filter((l) => l.level === "error")).toEqual([]);
    expect(processErrors.errors).toEqual([]);
  });

  it("some ids still known: thanked, and the vote is stored on the known game", async () => {
    const { user, callback } = await click(`sidbot:fb:down:${GONE},0`);
    expect(String(callback[0]!.body.data.content)).toMatch(/Thanks/);
    for (let i = 0; i < 50 && (await votesBy(user.id)).length === 0; i++) await sleep(20);
    const [vote] = await votesBy(user.id);
    expect(vote).toMatchObject({ value: "down", sids: [h.engine.catalog.catalog.items[0]!.sid] });
  });
});

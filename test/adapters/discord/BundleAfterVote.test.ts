/**
 * /bundle names the games of whichever answered the person last (their private answer or the shared
 * conversation's). A 👍 on the older shared answer is not a newer answer. Real discord.js against the
 * fake Discord; oracle: Discord's deferred callback (type 5) with flags 64 = the reply only the person sees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { discordHarness } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  h = await discordHarness();
});
afterAll(async () => {
  await h?.stop();
});
// Answers a few ms apart, so "newer" is unambiguous at millisecond resolution.
const tick = () => new Promise((r) => setTimeout(r, 20));
const answered = (token: string) =>
  h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${token}/messages/@original`) && !/in line/.test(r.body.content ?? ""));

async function sharedThenPrivate(other: ReturnType<typeof h.fake.user>, me: ReturnType<typeof h.fake.user>) {
  const rec = h.fake.commandInteraction("recommend", [{ name: "query", type: 3, value: "games like Halo 3" }], { user: other });
  h.fake.dispatch("INTERACTION_CREATE", rec);
  const shared = await answered(rec.token);
  await tick();
  const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Forza Motorsport 2 rocks"), { user: me });
  h.fake.dispatch("INTERACTION_CREATE", menu);
  await answered(menu.token);
  await tick();
  return shared;
}

async function bundleDefer(me: ReturnType<typeof h.fake.user>) {
  const bundle = h.fake.commandInteraction("bundle", [], { user: me });
  h.fake.dispatch("INTERACTION_CREATE", bundle);
  await answered(bundle.token);
  return h.fake.requests.find((r) => r.path === `/interactions/${bundle.id}/${bundle.token}/callback`)?.body;
}

describe("/bundle after someone votes on the older shared answer", () => {
  it("still builds on the person's newer private answer (a private reply)", async () => {
    const other = h.fake.user("other");
    const me = h.fake.user("me");
    const shared = await sharedThenPrivate(other, me);
    const upId = shared.body.components[1].components[0].custom_id;
    const posted = { ...shared.body, id: nextId(), channel_id: h.fake.channelId, author: h.fake.botUser, flags: 0, type: 0 };
    const vote = h.fake.buttonInteraction(upId, posted, other);
    h.fake.dispatch("INTERACTION_CREATE", vote);
    await h.fake.waitFor((r) => r.path === `/interactions/${vote.id}/${vote.token}/callback`);
    await tick();
    expect(await bundleDefer(me)).toEqual({ type: 5, data: { flags: 64 } });
  });

  it("control: without the vote, the same steps give a private reply", async () => {
    await sharedThenPrivate(h.fake.user("other"), h.fake.user("me"));
    expect(await bundleDefer(h.fake.user("me"))).toEqual({ type: 5, data: { flags: 64 } });
  });
});

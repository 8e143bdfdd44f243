/**
 * "Find similar games" on a long message: a game named after 2,000 characters (in an embed, as a
 * digest or a shared answer carries it) is still found, and a message beyond what sidbot reads
 * gets a notice about the message, never one that blames the person. Discord's limits (docs):
 * content up to 4,000 characters, embeds up to 6,000 in all, a description up to 4,096.
 */
import { expect, it } from "vitest";
import { discordHarnessPerFile } from "./discordHarness.js";

const h = discordHarnessPerFile();

const findSimilar = async (target: unknown) => {
  const menu = h.fake.messageCommandInteraction("Find similar games", target);
  h.fake.dispatch("INTERACTION_CREATE", menu);
  const answer = await h.fake.waitFor(
    (r) => r.method === "PATCH" && r.path.endsWith(`/${menu.token}/messages/@original`) && !/in line/.test(r.body.content ?? ""),
  );
  return JSON.stringify(answer.body);
};
const filler = (chars: number) => "the weekly roundup of news and patch notes ".repeat(Math.ceil(chars / 43)).slice(0, chars);

it("finds a game named after 2,000 characters of embed text, without a notice about length", async () => {
  const target = {
    ...h.fake.message(""),
    embeds: [{ title: "Weekly digest", description: `${filler(2400)}\n\nPick of the week: Halo 3` }],
  };
  const said = await findSimilar(target);
  expect(said).toContain("embeds");
  expect(said).not.toMatch(/couldn't spot a game/);
  expect(said).not.toMatch(/long/);
});

it("finds a game in an embed after a message's text", async () => {
  const target = { ...h.fake.message(filler(1500)), embeds: [{ title: "Roundup", description: `${filler(1900)} Also: Halo 3` }] };
  const said = await findSimilar(target);
  expect(said).not.toMatch(/couldn't spot a game/);
  expect(said).not.toMatch(/long/);
});

it("beyond what it reads, says the message was long — not the person's message", async () => {
  const target = {
    ...h.fake.message(`Halo 3 ${filler(4000)}`),
    embeds: [1, 2, 3, 4].map((n) => ({ title: `Part ${n}`, description: filler(4000) })),
  };
  const said = await findSimilar(target);
  expect(said).toMatch(/That message is long/);
  expect(said).not.toMatch(/Your message/);
});

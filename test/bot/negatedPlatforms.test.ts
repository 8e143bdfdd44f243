import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planRequest } from "../../src/bot/planRequest.js";
import { parseCorpus, scoreCorpus } from "../../src/bot/requestCorpus.js";
import { understand } from "../../src/bot/understand.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { demoCatalog } from "../support/catalogs.js";

// The platform a request names is a hard filter on what the model may write: a platform said NOT to be wanted must never become it.
describe("platforms said not to be wanted are never the platform filter", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const last = catalog.items.filter((i) => i.title.endsWith("Xbox 360")).slice(0, 3);
  const taskOf = (text: string) => {
    const plan = planRequest(understand(text, { titles, catalog }), { last, basis: [] });
    if (plan.kind !== "task") throw new Error(`no task for ${text}`);
    return plan.task;
  };

  // Labelled by what a person means: the platform wanted, or none at all.
  it.each([
    ["anything but xbox", undefined],
    ["no xbox games please", undefined],
    ["similar to Halo 3 but not on xbox", undefined],
    ["racing games, no PC", undefined],
    ["I don't own a PS4", undefined],
    ["I don’t own a PS4 or an Xbox", undefined],
    ["without xbox", undefined],
    ["everything except for the wii u", undefined],
    ["not just xbox", undefined],
    ["ok but on pc instead of xbox", "PC"],
    ["not for xbox, for ps4", "PlayStation 4"],
    ["I don't own an xbox, what about ps4?", "PlayStation 4"],
    ["no xbox, for pc", "PC"],
    ["no, for xbox", "Xbox"],
    ["I don't want shooters on xbox", "Xbox"],
    ["How about something similar but for Xbox?", "Xbox"],
    ["I don't mind xbox", "Xbox"],
    ["can't play on pc, xbox only", "Xbox"],
    ["I don't have a PS4 anymore but I got an Xbox", "Xbox"],
    ["no I meant xbox", "Xbox"],
    // Everyday aversions: the platform is ruled out, so no filter.
    ["don't recommend xbox games", undefined],
    ["avoid xbox", undefined],
    ["exclude pc", undefined],
    ["skip the xbox stuff", undefined],
    ["stay away from pc", undefined],
    ["not interested in xbox", undefined],
    ["not really into xbox", undefined],
    ["not a fan of xbox", undefined],
    ["I can't stand xbox", undefined],
    ["xbox sucks", undefined],
    ["I dont want to play on xbox anymore", undefined],
    ["doesnt have to be xbox", undefined],
    ["does not need to be on xbox", undefined],
    ["not necessarily xbox", undefined],
    ["forget xbox", undefined],
    ["enough xbox", undefined],
    ["drop the xbox filter", undefined],
    ["less xbox", undefined],
    ["I gave away my xbox", undefined],
    ["neither ps4 nor xbox", undefined],
    // A negation about something else leaves the platform wanted.
    ["something I haven't played on switch", "Nintendo Switch"],
    ["not too hard, on xbox", "Xbox"],
    ["not sure, maybe ps4", "PlayStation 4"],
    ["I sold my xbox and got a ps5", "PlayStation 5"],
    // A message-initial "no" answers the bot; it does not rule the platform out.
    ["no for xbox", "Xbox"],
    ["no just xbox", "Xbox"],
    ["no the ps4 version", "PlayStation 4"],
    // A negation before "anything/nothing but" cancels out.
    ["I dont play anything but pc", "PC"],
    ["I have nothing except a switch", "Nintendo Switch"],
    // "switch" is an ordinary word too; alone in a reply it is the console.
    ["I meant switch", "Nintendo Switch"],
    ["no I meant switch", "Nintendo Switch"],
    ["nah, switch", "Nintendo Switch"],
    ["ok switch", "Nintendo Switch"],
    ["switch please", "Nintendo Switch"],
    ["no ps4 please, switch", "Nintendo Switch"],
  ] as const)("%s → platform %s", (text, platform) => {
    expect(taskOf(text).platform).toBe(platform);
  });

  it("tells the model which platforms are not wanted, as words", () => {
    expect(taskOf("anything but xbox").text).toBe("How about something similar but not for Xbox?");
    expect(taskOf("I don't own a PS4 or an Xbox").text).toBe("How about something similar but not for PlayStation 4 or Xbox?");
    // "not just xbox" wants other platforms too: no filter, and nothing said against Xbox.
    expect(taskOf("not just xbox").text).toBe("How about something similar on any platform?");
  });

  it("a first request that rules platforms out says so to the model, as the tastes sentence", () => {
    const fresh = (text: string) => {
      const plan = planRequest(understand(text, { titles, catalog }), { last: [], basis: [] });
      return plan.kind === "task" ? plan.task : undefined;
    };
    expect(fresh("racing games, no PC")).toMatchObject({ kind: "tastes", text: "I like racing games, not for PC." });
    expect(fresh("anything but xbox")).toMatchObject({ kind: "tastes", text: "I like games, not for Xbox." });
    expect(fresh("neither ps4 nor xbox")).toMatchObject({ text: "I like games, not for PlayStation 4 or Xbox." });
    expect(fresh("racing games")).toMatchObject({ text: "I like racing games." });
    // A wanted platform is the filter; the ruled-out one needs no words then.
    expect(fresh("racing games, no xbox, for pc")).toMatchObject({ text: "I like racing games.", platform: "PC" });
    for (const text of ["racing games, no PC", "anything but xbox", "neither ps4 nor xbox"]) expect(fresh(text)?.platform).toBeUndefined();
  });

  it("reads “no longer” as about time, not a longer game", () => {
    expect(taskOf("I no longer have an xbox").text).toBe("How about something similar but not for Xbox?");
    expect(taskOf("I don't play on pc any longer").text).toBe("How about something similar but not for PC?");
    // A real comparative still is one.
    expect(taskOf("anything longer?").text).toBe("How about something similar but longer?");
  });

  it("understands every platform request of the labelled corpus", () => {
    const corpus = parseCorpus(readFileSync(new URL("../corpus/requests.jsonl", import.meta.url), "utf8"));
    const score = scoreCorpus(
      corpus.filter((e) => e.category === "platform"),
      titles,
      catalog,
    );
    expect(score.categories.flatMap((c) => c.failures)).toEqual([]);
  });
});

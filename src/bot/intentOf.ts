/** What a request names and asks: text, slash commands and buttons map onto one understanding. */
import type { Engine } from "../engine/Engine.js";
import type { BotRequest } from "./types.js";
import { gamesNamedIn } from "./gamesNamedIn.js";
import { understand, type Understanding } from "./understand.js";

export function intentOf(input: BotRequest["input"], engine: Engine): Understanding {
  const context = { titles: engine.catalog.titles, catalog: engine.catalog.catalog };
  // An item picked by id (a button, an autocomplete choice): that item or nothing, never a title search.
  const byId = (id: string): Understanding => {
    const item = engine.itemById(id);
    return item
      ? { act: "similar", games: [item], text: "" }
      : { act: "notfound", games: [], text: "", missing: { query: "that game", candidates: [] } };
  };
  if ("moreLike" in input) return byId(input.moreLike);
  if ("gamesIn" in input) return gamesNamedIn(input.gamesIn, context);
  if ("command" in input) {
    switch (input.command) {
      case "recommend":
        return understand(input.query, context);
      case "similar": {
        if (input.itemId !== undefined) return byId(input.itemId);
        const u = understand(`similar to ${input.game}`, context);
        return u.games.length > 0 || u.act === "notfound"
          ? { ...u, act: u.games.length > 0 ? "similar" : "notfound" }
          : { ...u, act: "notfound", missing: { query: input.game, candidates: [] } };
      }
      case "bundle":
        return { act: "bundle", games: [], text: "Suggest a name and description for the bundle" };
      case "reset":
        return { act: "reset", games: [], text: "" };
      default:
        return input satisfies never;
    }
  }
  return understand(input.text, context);
}

import { describe, expect, it } from "vitest";
import { parseIntent } from "../../src/bot/parseIntent.js";

const text = (t: string) => parseIntent({ text: t });

describe("parseIntent", () => {
  it.each([
    ["recommend me cozy farming games", { kind: "recommend" }],
    ["I like scifi and action games.", { kind: "recommend" }],
    ["I'd like something cozy", { kind: "recommend" }],
    ["anything like Halo?", { kind: "similar" }],
    ["like Halo 3 but newer", { kind: "similar" }],
    ["I loved Halo 3 and Forza 2", { kind: "recommend" }],
    ["similar to Mario Kart", { kind: "similar" }],
    ["something like Halo Reach for xbox", { kind: "similar" }],
    ["How about something similar but for Xbox?", { kind: "steer", platform: { name: "Xbox" } }],
    ["how about for ps4?", { kind: "steer", platform: { name: "PlayStation 4" } }],
    ["why that one?", { kind: "why" }],
    ["why the second one?", { kind: "why", ordinal: 2 }],
    ["suggest a name for this bundle", { kind: "bundle" }],
    ["Suggest a name and description for the bundle", { kind: "bundle" }],
    ["more like the second one", { kind: "similar", ordinal: 2 }],
    ["more like #3", { kind: "similar", ordinal: 3 }],
    ["more like that", { kind: "similar", ordinal: 1 }],
    ["reset", { kind: "reset" }],
    ["start over please", { kind: "reset" }],
    ["help", { kind: "help" }],
    ["   ", { kind: "help" }],
  ])("%s", (input, expected) => {
    expect(text(input)).toMatchObject(expected);
  });

  it("maps slash commands", () => {
    expect(parseIntent({ command: "recommend", query: "racing" })).toEqual({ kind: "recommend", text: "racing" });
    expect(parseIntent({ command: "similar", game: "Halo 3" })).toEqual({ kind: "similar", text: "Halo 3" });
    expect(parseIntent({ command: "bundle" })).toMatchObject({ kind: "bundle" });
    expect(parseIntent({ command: "reset" })).toEqual({ kind: "reset" });
  });
});

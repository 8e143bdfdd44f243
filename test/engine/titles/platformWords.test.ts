import { describe, expect, it } from "vitest";
import { findPlatforms } from "../../../src/engine/titles/platforms.js";

// "switch" and "steam" are ordinary English: only platform context makes them a platform. Labels: what a person means.
describe("ordinary words that name a platform only in context", () => {
  const named = (text: string) => findPlatforms(text).map((m) => m.platform.name);

  it.each([
    ["nah, switch", ["Nintendo Switch"]],
    ["ok switch", ["Nintendo Switch"]],
    ["switch please", ["Nintendo Switch"]],
    ["I meant switch", ["Nintendo Switch"]],
    ["no ps4 please, switch", ["PlayStation 4", "Nintendo Switch"]],
    ["I want to switch", []],
    ["switch it up", []],
    ["ok, switch to rpgs", []],
    ["lets switch, rpgs", []],
    ["let off steam", []],
  ] as const)("%s → %j", (text, platforms) => {
    expect(named(text)).toEqual(platforms);
  });
});

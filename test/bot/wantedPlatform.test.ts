import { describe, expect, it } from "vitest";
import { planRequest } from "../../src/bot/planRequest.js";
import { understand } from "../../src/bot/understand.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { demoCatalog } from "../support/catalogs.js";

// The platform is a hard filter: consoles of one family offered as alternatives want the family, not the last one named.
describe("the one platform a request wants", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const platformOf = (text: string) => {
    const plan = planRequest(understand(text, { titles, catalog }), { last: [], basis: [] });
    return plan.kind === "task" ? plan.task.platform : `reply: ${plan.reply.kind}`;
  };

  // Labelled by what a person means.
  it.each([
    ["ps4 or ps5", "PlayStation"],
    ["racing games for ps4 or ps5", "PlayStation"],
    ["xbox 360 / xbox one", "Xbox"],
    ["xbox or xbox 360", "Xbox"],
    // Moved on, not alternatives.
    ["I had a ps4, now a ps5", "PlayStation 5"],
    ["ps4 not ps5", "PlayStation 4"],
    ["racing games for ps5", "PlayStation 5"],
    // Different families have no one filter: the last named stays it (a documented limit).
    ["switch or ps4", "PlayStation 4"],
  ] as const)("%s → %s", (text, platform) => {
    expect(platformOf(text)).toBe(platform);
  });
});

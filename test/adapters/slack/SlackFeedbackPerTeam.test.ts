import { afterEach, describe, expect, it } from "vitest";
import { assistantHarness } from "./assistantHarness.js";

let h: Awaited<ReturnType<typeof assistantHarness>> | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

describe("Slack refusing the feedback buttons in one workspace (an org-wide app)", () => {
  it("only that workspace's answers fall back to the plain 👍/👎 buttons", async () => {
    h = await assistantHarness({ redis: false, streaming: false });
    const fake = h.fake;
    // The first workspace's Slack does not accept the context_actions block (as with invalid_blocks).
    fake.failOn("chat.update", "invalid_blocks", {
      match: (a) => String(a.channel).startsWith("C0A") && JSON.stringify(a.blocks ?? []).includes("context_actions"),
    });
    const ask = async (team: string, channel: string) => {
      // The same app installed in two workspaces: slash commands carry each one's team_id.
      await fake.send("slash_commands", { ...fake.slashCommand("similar to Halo 3", { channel }), team_id: team });
      await expect
        .poll(() => h!.finalAnswers(channel).filter((c) => c.method === "chat.update").length, { timeout: 5000 })
        .toBeGreaterThan(0);
      return h!.finalAnswers(channel).at(-1)!;
    };
    const first = await ask("T0AAAA", "C0A001");
    expect(JSON.stringify(first.args.blocks)).toContain("sidbot_fb_up");
    const other = await ask("T0BBBB", "C0B001");
    expect(JSON.stringify(other.args.blocks)).toContain("feedback_buttons");
    // The refusing workspace goes straight to the plain buttons next time.
    const again = await ask("T0AAAA", "C0A002");
    expect(h.callsIn("C0A002").filter((c) => c.method === "chat.update" && Array.isArray(c.args.blocks))).toHaveLength(1);
    expect(JSON.stringify(again.args.blocks)).toContain("sidbot_fb_up");
  });
});

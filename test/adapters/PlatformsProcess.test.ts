import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "../support/fakes/FakeDiscord.js";
import { FakeSlack } from "../support/fakes/FakeSlack.js";

const BIN = fileURLToPath(new URL("../../bin/sidbot.js", import.meta.url));
const discord = new FakeDiscord();
const slack = new FakeSlack();
await discord.start();
await slack.start();
afterAll(async () => {
  await discord.stop();
  await slack.stop();
});

describe("npm start with Discord and Slack credentials (the built CLI)", () => {
  it("serves both platforms in one process, and exits 0 on SIGTERM without logging secrets", async () => {
    const child = spawn(process.execPath, [BIN], {
      env: {
        ...process.env,
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_APP_TOKEN: slack.appToken,
        SLACK_API_URL: slack.apiUrl,
        LOG_LEVEL: "info",
        REDIS_URL: "",
        MODEL_PATH: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await discord.ready();
    await slack.socketReady();
    await new Promise((r) => setTimeout(r, 300));

    const interaction = discord.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    discord.dispatch("INTERACTION_CREATE", interaction);
    const edit = await discord.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token));
    expect(edit.body.embeds[0].description).toContain("Halo Reach");

    await slack.send("slash_commands", slack.slashCommand("similar to Mario Kart", { channel: "C9000" }));
    const update = await slack.waitFor((c) => c.method === "chat.update" && c.args.channel === "C9000" && Array.isArray(c.args.blocks));
    expect(update.args.blocks[0].text.text).toMatch(/^\*1\. /);

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(0);
    expect(stderr).toMatch(/connected to Discord/);
    expect(stderr).toMatch(/connected to Slack/);
    expect(stderr).toMatch(/shutting down/);
    // JSON log lines, one request id per interaction.
    const answered = stderr
      .split("\n")
      .filter((l) => l.includes('"msg":"answered"'))
      .map((l) => JSON.parse(l) as { requestId: string; backend: string });
    expect(answered.map((l) => l.requestId)).toContain(interaction.id);
    expect(answered).toHaveLength(2);
    for (const secret of [discord.token, slack.botToken, slack.appToken]) expect(stderr).not.toContain(secret);
  });
});

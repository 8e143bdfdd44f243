import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "../../support/fakes/FakeDiscord.js";

const BIN = fileURLToPath(new URL("../../../bin/sidbot.js", import.meta.url));
const fake = new FakeDiscord();
await fake.start();
afterAll(async () => {
  await fake.stop();
});

describe("npm start with DISCORD_TOKEN (the built CLI)", () => {
  it("connects, answers a slash command, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: "info", REDIS_URL: "", MODEL_PATH: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await fake.ready();
    await new Promise((r) => setTimeout(r, 200));
    const interaction = fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    fake.dispatch("INTERACTION_CREATE", interaction);
    const edit = await fake.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token));
    expect(edit.body.embeds[0].description).toContain("Halo Reach");
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(0);
    expect(stderr).toMatch(/connected to Discord/);
    expect(stderr).toMatch(/shutting down/);
    expect(stderr).not.toContain(fake.token);
  });
});

import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../../support/redis.js";

const CHILD = fileURLToPath(new URL("./slackExitChild.mjs", import.meta.url));

/** Runs a scenario; resolves with its output and how long the process lived after saying "stopped". */
async function run(scenario: string, ...args: string[]) {
  const child = spawn(process.execPath, [CHILD, scenario, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let stoppedAt = 0;
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (!stoppedAt && out.includes("stopped")) stoppedAt = Date.now();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(killer);
  return { code, out, lingeredMs: stoppedAt ? Date.now() - stoppedAt : Infinity };
}

describe("nothing of Slack keeps the process alive", () => {
  it.each([
    ["bad-bot-token", /start failed: Slack rejected SLACK_BOT_TOKEN/],
    ["bad-app-token", /start failed: Slack rejected SLACK_APP_TOKEN/],
    ["connected", /started/],
    ["reconnecting", /started/],
    ["http", /started/],
  ])(
    "%s: after stop() the process exits by itself",
    async (scenario, said) => {
      const { code, out, lingeredMs } = await run(scenario);
      expect(out).toMatch(said);
      expect(code, out).toBe(0);
      expect(lingeredMs, out).toBeLessThan(1500);
    },
    20_000,
  );

  it("unreachable API: after the failed start and stop() the process exits by itself", async () => {
    const { code, out, lingeredMs } = await run("unreachable", String(await freePort()));
    expect(out).toMatch(/start failed: cannot reach the Slack API at 127\.0\.0\.1:\d+/);
    expect(code, out).toBe(0);
    expect(lingeredMs, out).toBeLessThan(1500);
  }, 20_000);
});

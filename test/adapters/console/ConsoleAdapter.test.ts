import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { ConsoleAdapter, parseConsoleInput } from "../../../src/adapters/console/ConsoleAdapter.js";
import { testBot } from "../../support/bots.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function session(lines: string[]): Promise<string> {
  const t = await testBot();
  cleanups.push(t.dispose);
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => (text += d.toString()));
  const adapter = new ConsoleAdapter({ bot: t.bot, input, output, banner: "hello" });
  const running = adapter.start();
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await running;
  return text;
}

describe("ConsoleAdapter", () => {
  it("parses slash commands and free text", () => {
    expect(parseConsoleInput("/similar Halo 3")).toEqual({ command: "similar", game: "Halo 3" });
    expect(parseConsoleInput("/recommend racing games")).toEqual({ command: "recommend", query: "racing games" });
    expect(parseConsoleInput("/bundle")).toEqual({ command: "bundle" });
    expect(parseConsoleInput("/RESET")).toEqual({ command: "reset" });
    expect(parseConsoleInput("similar to /similar")).toEqual({ text: "similar to /similar" });
  });

  it("chats: numbered items, backend label, follow-ups, commands and reset", async () => {
    const out = await session(["/similar Halo 3", "how about for PlayStation?", "/bundle", "/reset", "/quit", "never read"]);
    expect(out).toContain("hello");
    expect(out).toMatch(/bot> 1\. Halo Reach - Limited Edition -Xbox 360\n2\. Fallout: New Vegas - Xbox 360 Ultimate Edition\n3\. /);
    expect(out).toContain("— answered by the catalog (no model)");
    expect(out).toContain("Try: “more like #1”");
    expect(out).toMatch(/Collection — /);
    expect(out).toContain("I've forgotten this conversation");
    expect(out.match(/bot> /g)?.length).toBe(4);
  });
});

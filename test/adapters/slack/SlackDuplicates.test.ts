import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackHarness } from "./slackHarness.js";

let h: Awaited<ReturnType<typeof slackHarness>>;

beforeAll(async () => {
  h = await slackHarness();
  // Two adapters on one bot stand for two sidbot processes sharing Redis: both get every envelope.
  await h.socketAdapter();
  await h.socketAdapter();
  for (let i = 0; i < 100 && h.fake.sockets.size < 2; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => h?.dispose());

describe("Slack duplicate deliveries", () => {
  it("an event delivered to two processes is answered once (bot.firstDelivery by event_id)", async () => {
    expect(h.fake.sockets.size).toBe(2);
    const seen: string[] = [];
    const first = h.bot.firstDelivery.bind(h.bot);
    h.bot.firstDelivery = (id: string) => {
      seen.push(id);
      return first(id);
    };
    const event = h.fake.mention("similar to Halo 3", { channel: "C5100" });
    await h.fake.send("events_api", event);
    await h.fake.waitFor((c) => c.method === "chat.update" && c.args.channel === "C5100" && Array.isArray(c.args.blocks));
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === "C5100")).toHaveLength(1);
    expect(seen).toEqual([`slack:event:${event.event_id}`, `slack:event:${event.event_id}`]);
  });
});

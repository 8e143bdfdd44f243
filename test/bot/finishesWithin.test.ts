import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { finishesWithin } from "../../src/util/finishesWithin.js";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("finishesWithin", () => {
  it("is true when the work fulfils in time, and leaves no timer behind", async () => {
    const before = timers();
    expect(await finishesWithin(Promise.resolve("done"), 60_000)).toBe(true);
    expect(timers()).toBe(before);
  });

  it("is false when the time runs out first; the work's later failure is not unhandled", async () => {
    let fail!: (e: Error) => void;
    const slow = new Promise((_, reject) => (fail = reject));
    expect(await finishesWithin(slow, 10)).toBe(false);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    fail(new Error("late"));
    await delay(20);
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it("rejects with the work's error when it fails in time", async () => {
    const error = new Error("boom");
    await expect(finishesWithin(Promise.reject(error), 60_000)).rejects.toBe(error);
  });
});

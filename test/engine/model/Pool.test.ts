import { describe, expect, it } from "vitest";
import { Pool } from "../../../src/engine/model/Pool.js";

describe("Pool", () => {
  it("hands resources out first come, first served", async () => {
    const pool = new Pool(["a"]);
    const first = await pool.acquire();
    const order: string[] = [];
    const second = pool.acquire().then((r) => {
      order.push("second");
      return r;
    });
    const third = pool.acquire().then((r) => {
      order.push("third");
      return r;
    });
    expect(pool.waiting).toBe(2);
    pool.release(first);
    pool.release(await second);
    await third;
    expect(order).toEqual(["second", "third"]);
  });

  it("drops a waiter whose signal aborts, and refuses an aborted signal at once", async () => {
    const pool = new Pool([1]);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
    expect(pool.waiting).toBe(0);
    await expect(pool.acquire(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
    pool.release(held);
    expect(await pool.acquire()).toBe(1);
  });

  it("hands out the free resource the caller prefers; waiters still go first come, first served", async () => {
    const pool = new Pool(["a", "b", "c"]);
    expect(await pool.acquire(undefined, (free) => free.indexOf("b"))).toBe("b");
    expect(await pool.acquire(undefined, () => -1)).toBe("c"); // no preference: the last one freed
    expect(await pool.acquire()).toBe("a");
    const waiting = pool.acquire(undefined, () => 0);
    pool.release("c");
    expect(await waiting).toBe("c");
  });
});

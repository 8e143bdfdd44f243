/** Signals that come before a ProcessLifecycle exists: held for it, or given back to the process. */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { holdStartupSignals, ProcessLifecycle, releaseStartupSignals } from "../../src/ops/ProcessLifecycle.js";
import { silentLogger } from "../../src/util/logger.js";

function fakeProcess() {
  const exits: number[] = [];
  const kills: [number, string][] = [];
  const proc = Object.assign(new EventEmitter(), {
    pid: 4242,
    exit: (code: number) => void exits.push(code),
    kill: (pid: number, signal: string) => void kills.push([pid, signal]),
  }) as unknown as NodeJS.Process;
  return { proc, exits, kills };
}

afterEach(() => releaseStartupSignals());

describe("holdStartupSignals", () => {
  it("keeps a SIGTERM from start-up for the lifecycle, which stops in order with exit code 0", () => {
    const { proc, exits } = fakeProcess();
    holdStartupSignals(proc);
    proc.emit("SIGTERM", "SIGTERM");
    const lifecycle = new ProcessLifecycle({ logger: silentLogger, stopBudgetMs: 60_000, proc });
    expect(lifecycle.stopping.aborted).toBe(true);
    expect(lifecycle.exitCode).toBe(0);
    expect(exits).toEqual([]);
    // Only the lifecycle listens now: a second signal is the lifecycle's "exit at once".
    expect(proc.listenerCount("SIGTERM")).toBe(1);
    proc.emit("SIGINT", "SIGINT");
    expect(exits).toEqual([1]);
    lifecycle.dispose();
  });

  it("without a signal, the lifecycle starts as usual and takes the handlers over", () => {
    const { proc } = fakeProcess();
    holdStartupSignals(proc);
    const lifecycle = new ProcessLifecycle({ logger: silentLogger, stopBudgetMs: 60_000, proc });
    expect(lifecycle.stopping.aborted).toBe(false);
    expect(proc.listenerCount("SIGTERM")).toBe(1);
    lifecycle.dispose();
    expect(proc.listenerCount("SIGTERM")).toBe(0);
  });

  it("a second signal during start-up exits at once, as it does later", () => {
    const { proc, exits } = fakeProcess();
    holdStartupSignals(proc);
    proc.emit("SIGINT", "SIGINT");
    expect(exits).toEqual([]);
    proc.emit("SIGTERM", "SIGTERM");
    expect(exits).toEqual([1]);
  });

  it("released for a command without a lifecycle: a held signal is raised again, none is not", () => {
    const first = fakeProcess();
    holdStartupSignals(first.proc);
    first.proc.emit("SIGTERM", "SIGTERM");
    releaseStartupSignals();
    expect(first.kills).toEqual([[4242, "SIGTERM"]]);
    expect(first.proc.listenerCount("SIGTERM")).toBe(0);

    const second = fakeProcess();
    holdStartupSignals(second.proc);
    releaseStartupSignals();
    expect(second.kills).toEqual([]);
    expect(second.proc.listenerCount("SIGINT")).toBe(0);
  });
});

/** Small helpers for benchmark figures. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Keeps results alive so the JIT cannot drop the measured calls. */
export let sink: unknown;

/** Runs `fn` repeatedly for about `ms` and returns calls per second. */
export function opsPerSecond(fn: (i: number) => unknown, ms = 300): number {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 1000; i++) sink = fn(calls + i);
    calls += 1000;
    elapsed = performance.now() - started;
  }
  return (calls / elapsed) * 1000;
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(digits)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(digits)}k`;
  return n.toFixed(digits);
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

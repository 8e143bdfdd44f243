/** Marks the CPU-time line that cpuAtExit.ts writes and cliBench.ts reads. */
export const CPU_MARK = "sidbot-bench-cpu-ms ";

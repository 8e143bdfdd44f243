import type { Logger } from "../../src/util/logger.js";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error" | "fatal";
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A Logger that keeps every line (children included) for assertions. */
export function recordingLogger(entries: LogEntry[] = [], base: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  const line = (level: LogEntry["level"]) => (fields: object, message?: string) =>
    void entries.push({ level, fields: { ...base, ...fields }, message });
  return {
    entries,
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    fatal: line("fatal"),
    child: (fields: object) => recordingLogger(entries, { ...base, ...fields }),
  };
}

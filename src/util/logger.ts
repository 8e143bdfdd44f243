/**
 * Logging: a small Logger passed through options; pino underneath (JSON lines in
 * production, pretty text on a terminal), always to stderr so console chat stays clean.
 */
import { pino } from "pino";
import pinoPretty from "pino-pretty";

export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  /** The process cannot go on (it shuts down after this line). */
  fatal(fields: object, message?: string): void;
  child(fields: object): Logger;
}

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CreateLoggerOptions {
  /** @defaultValue "info" */
  level?: LogLevel;
  /** Human-readable lines instead of JSON. @defaultValue true when stderr is a terminal */
  pretty?: boolean;
}

// Fields that must never reach a log line.
const REDACT = ["token", "*.token", "authorization", "*.authorization", "secret", "*.secret", "password", "*.password"];

export function createLogger({ level = "info", pretty = process.stderr.isTTY === true }: CreateLoggerOptions = {}): Logger {
  const options = { level, base: { app: "sidbot" }, redact: { paths: REDACT, censor: "[redacted]" } };
  if (pretty) return pino(options, pinoPretty({ destination: 2, sync: true, colorize: true, ignore: "pid,hostname,app" }));
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything (tests, scripts). */
export const silentLogger: Logger = createLogger({ level: "silent", pretty: false });

/**
 * Logging: a small Logger passed through options; pino underneath (JSON lines in
 * production, pretty text on a terminal), always to stderr so console chat stays clean.
 */
import { pino } from "pino";

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

/** Async because pino-pretty is imported only when pretty printing is asked for (a JSON-logging process never loads it). */
export async function createLogger({ level = "info", pretty = process.stderr.isTTY === true }: CreateLoggerOptions = {}): Promise<Logger> {
  const options = { level, base: { app: "sidbot" }, redact: { paths: REDACT, censor: "[redacted]" } };
  // Typed as Logger first: pino's type maps custom level names (any string here) to log functions, so an
  // async function would read the pino logger as having a callable `then`.
  let logger: Logger;
  if (pretty) {
    const { default: pinoPretty } = await import("pino-pretty");
    logger = pino(options, pinoPretty({ destination: 2, sync: true, colorize: true, ignore: "pid,hostname,app" }));
  } else {
    logger = pino(options, pino.destination({ dest: 2, sync: true }));
  }
  return logger;
}

/** A logger that drops everything (tests, scripts); plain no-ops, so importing this module builds no pino logger. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child: () => silentLogger,
};

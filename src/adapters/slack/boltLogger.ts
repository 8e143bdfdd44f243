import { LogLevel } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";

/**
 * Bolt's logger interface on top of ours. Bolt's chatter goes to debug; so does the Web API
 * client's per-attempt "http request failed" warning, because sidbot logs the failed call
 * itself once, with the request it belonged to.
 */
export function boltLogger(logger: Logger) {
  const text = (msgs: unknown[]) =>
    msgs.map((m) => (typeof m === "string" ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(" ");
  let level = LogLevel.WARN;
  return {
    debug: (...msgs: unknown[]) => logger.debug({ source: "bolt" }, text(msgs)),
    info: (...msgs: unknown[]) => logger.debug({ source: "bolt" }, text(msgs)),
    warn: (...msgs: unknown[]) => (/^http request failed/.test(text(msgs)) ? logger.debug : logger.warn)({ source: "bolt" }, text(msgs)),
    error: (...msgs: unknown[]) => logger.error({ source: "bolt" }, text(msgs)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

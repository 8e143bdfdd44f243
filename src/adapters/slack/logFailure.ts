import type { Logger } from "../../util/logger.js";

/** One error line for a failed step of a Slack request: the error as an object (pino keeps its stack) and the request id. */
export function logFailure(logger: Logger, error: unknown, requestId: string | undefined, message: string): void {
  logger.error({ err: error, requestId }, message);
}

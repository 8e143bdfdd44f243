import { describeError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";

/** One error line for a failed step of a Slack request: what failed, the request id and the stack. */
export function logFailure(logger: Logger, error: unknown, requestId: string | undefined, message: string): void {
  logger.error({ err: describeError(error), stack: error instanceof Error ? error.stack : undefined, requestId }, message);
}

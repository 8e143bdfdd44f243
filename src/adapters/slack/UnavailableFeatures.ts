/**
 * Slack features a workspace refused (a scope the app lacks, a method an older workspace or
 * plan does not have): remembered per team (bounded) for the life of the process, so later
 * requests go straight to the fallback. Only answers that mean "this workspace lacks the
 * feature" count; an answer about one request (invalid_arguments, no_permission, a rate limit)
 * changes nothing for the team. The first refusal of each feature and code in a team is logged
 * once, naming the method and code, with what to change; the person never hears about it.
 */
import { webApi } from "@slack/bolt";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../util/logger.js";
import { OnceLog } from "./onceLog.js";
import { slackErrorCode } from "./slackStartErrors.js";

export const SLACK_FEATURES = ["streaming", "status", "title", "prompts"] as const;
export type SlackFeature = (typeof SLACK_FEATURES)[number];

// Slack's answers that will not change by trying again: the feature is off for this workspace.
const FEATURE_MISSING = new Set([
  "missing_scope",
  "unknown_method",
  "not_allowed",
  "not_allowed_token_type",
  "method_not_supported_for_channel_type",
  "feature_not_enabled",
  "team_access_not_granted",
]);

// Answers about this one request (its arguments, this person, this channel, a busy Slack): the next request may well work.
const ABOUT_THIS_REQUEST = new Set([
  "invalid_arguments",
  "no_permission",
  "ratelimited",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "thread_not_found",
  "message_not_found",
  "msg_too_long",
  "invalid_blocks",
  "invalid_blocks_format",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "user_not_found",
]);

const WHAT_TO_DO: Readonly<Record<SlackFeature, string>> = {
  streaming: "answers are posted and updated instead of streamed (chat.startStream needs a workspace with Slack's AI features)",
  status: "no 'is thinking' status in assistant threads (add the assistant:write scope and reinstall the app)",
  title: "assistant threads keep Slack's default title (add the assistant:write scope and reinstall the app)",
  prompts: "no suggested prompts in assistant threads (add the assistant:write scope and reinstall the app)",
};

// Workspaces a long-running process remembers refusals for.
const TEAMS_KEPT = 10_000;

/** Whether Slack refused a call for good: the workspace lacks the feature (not a blip, a rate limit or a bad request). */
export function isRefusal(error: unknown, { unknownCodes = false } = {}): boolean {
  const code = slackErrorCode(error);
  if (code !== undefined) return FEATURE_MISSING.has(code) || (unknownCodes && !ABOUT_THIS_REQUEST.has(code));
  const e = error as { code?: string; statusCode?: number } | undefined;
  return e?.code === webApi.ErrorCode.HTTPError && (e.statusCode === 403 || e.statusCode === 404);
}

export class UnavailableFeatures {
  private readonly off = new LRUCache<string, true>({ max: TEAMS_KEPT * SLACK_FEATURES.length });
  private readonly logged = new OnceLog();

  constructor(private readonly logger: Logger) {}

  isOff(feature: SlackFeature, team: string): boolean {
    return this.off.has(`${team}:${feature}`);
  }

  /**
   * Turns `feature` off for `team` when `error` (from `method`) says the workspace lacks it,
   * logging one line per team, feature and code; true when it did (the caller falls back
   * without logging more). With `unknownCodes`, a code Slack has not documented for one
   * request counts too: trying it on every request would only repeat the same warning.
   */
  refused(feature: SlackFeature, team: string, error: unknown, method: string, { unknownCodes = false } = {}): boolean {
    if (!isRefusal(error, { unknownCodes })) return false;
    this.off.set(`${team}:${feature}`, true);
    const code = slackErrorCode(error) ?? describeHttp(error);
    if (this.logged.first(`${team}:${feature}:${code}`))
      this.logger.warn({ team, feature, method, slackError: code }, `Slack refused ${method} (${code}): ${WHAT_TO_DO[feature]}`);
    return true;
  }
}

function describeHttp(error: unknown): string {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  return status ? `HTTP ${status}` : String(error);
}

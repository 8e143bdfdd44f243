/**
 * Slack features a workspace refused (a scope the app lacks, a method an older workspace or
 * plan does not have): remembered per team (bounded) for the life of the process, so later
 * requests go straight to the fallback. Only answers that mean "this workspace lacks the
 * feature" count; an answer about one request (invalid_arguments, no_permission, a rate limit)
 * changes nothing for the team, and `method_not_supported_for_channel_type` turns the feature off
 * only for that kind of conversation in the team (a group DM, say), not for its assistant threads.
 * The first refusal of each feature and code in a team is logged
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
  "feature_not_enabled",
  "team_access_not_granted",
]);

// Slack refuses the method in this kind of conversation only.
const CHANNEL_TYPE_REFUSED = "method_not_supported_for_channel_type";

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

// Workspaces a long-running process remembers refusals for (and kinds of conversation per workspace).
const TEAMS_KEPT = 10_000;
const CHANNEL_TYPES_KEPT = 4;

/** Whether Slack refused a call for good: the workspace lacks the feature (not a blip, a rate limit or a bad request). */
export function isRefusal(error: unknown, { unknownCodes = false } = {}): boolean {
  const code = slackErrorCode(error);
  if (code !== undefined)
    return FEATURE_MISSING.has(code) || code === CHANNEL_TYPE_REFUSED || (unknownCodes && !ABOUT_THIS_REQUEST.has(code));
  const e = error as { code?: string; statusCode?: number } | undefined;
  return e?.code === webApi.ErrorCode.HTTPError && (e.statusCode === 403 || e.statusCode === 404);
}

export class UnavailableFeatures {
  private readonly off = new LRUCache<string, true>({ max: TEAMS_KEPT * SLACK_FEATURES.length * (1 + CHANNEL_TYPES_KEPT) });
  private readonly logged = new OnceLog();

  constructor(private readonly logger: Logger) {}

  /** Whether `feature` is off for `team`, or (given the channel) for that kind of conversation in it. */
  isOff(feature: SlackFeature, team: string, channel?: string): boolean {
    return this.off.has(`${team}:${feature}`) || (channel !== undefined && this.off.has(`${team}:${feature}:${channelType(channel)}`));
  }

  /**
   * Turns `feature` off for `team` when `error` (from `method`) says the workspace lacks it,
   * logging one line per team, feature and code; true when it did (the caller falls back
   * without logging more). `method_not_supported_for_channel_type` turns it off only for the
   * kind of conversation `channel` is (all of the team when no channel is given). With
   * `unknownCodes`, a code Slack has not documented for one request counts too: trying it on
   * every request would only repeat the same warning.
   */
  refused(
    feature: SlackFeature,
    team: string,
    error: unknown,
    method: string,
    { unknownCodes = false, channel }: { unknownCodes?: boolean; channel?: string | undefined } = {},
  ): boolean {
    if (!isRefusal(error, { unknownCodes })) return false;
    const code = slackErrorCode(error) ?? describeHttp(error);
    const kind = code === CHANNEL_TYPE_REFUSED && channel !== undefined ? channelType(channel) : undefined;
    const scope = kind ? `${team}:${feature}:${kind}` : `${team}:${feature}`;
    this.off.set(scope, true);
    if (this.logged.first(`${scope}:${code}`)) {
      const where = kind ? ` in ${CHANNEL_KINDS[kind] ?? "this kind of conversation"}` : "";
      this.logger.warn(
        { team, feature, method, slackError: code, ...(kind ? { channelType: kind } : {}) },
        `Slack refused ${method}${where} (${code}): ${WHAT_TO_DO[feature]}`,
      );
    }
    return true;
  }
}

/** The kind of conversation, by the first letter of its id: C channel, G private channel or group DM, D DM. */
function channelType(channel: string): string {
  return channel.slice(0, 1).toUpperCase() || "?";
}

const CHANNEL_KINDS: Readonly<Record<string, string>> = {
  C: "channels",
  G: "private channels and group DMs",
  D: "DMs",
};

function describeHttp(error: unknown): string {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  return status ? `HTTP ${status}` : String(error);
}

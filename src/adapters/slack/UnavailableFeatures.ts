/**
 * Slack features a workspace refused (a scope the app lacks, a method an older workspace or
 * plan does not have): remembered per team for the life of the process, so later requests go
 * straight to the fallback. The first refusal of each feature in a team is logged once, with
 * what to change; the person never hears about it.
 */
import { webApi } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";
import { slackErrorCode } from "./slackStartErrors.js";

export const SLACK_FEATURES = ["streaming", "status", "title", "prompts"] as const;
export type SlackFeature = (typeof SLACK_FEATURES)[number];

// Slack's answers that will not change by trying again: the feature is off for this workspace.
const REFUSALS = new Set([
  "missing_scope",
  "unknown_method",
  "not_allowed",
  "not_allowed_token_type",
  "method_not_supported_for_channel_type",
  "feature_not_enabled",
  "team_access_not_granted",
  "no_permission",
  "invalid_arguments",
]);

const WHAT_TO_DO: Readonly<Record<SlackFeature, string>> = {
  streaming: "answers are posted and updated instead of streamed (chat.startStream needs a workspace with Slack's AI features)",
  status: "no 'is thinking' status in assistant threads (add the assistant:write scope and reinstall the app)",
  title: "assistant threads keep Slack's default title (add the assistant:write scope and reinstall the app)",
  prompts: "no suggested prompts in assistant threads (add the assistant:write scope and reinstall the app)",
};

/** Whether Slack refused a call for good (as opposed to a network blip or a rate limit). */
export function isRefusal(error: unknown): boolean {
  const code = slackErrorCode(error);
  if (code !== undefined) return REFUSALS.has(code);
  const e = error as { code?: string; statusCode?: number } | undefined;
  return e?.code === webApi.ErrorCode.HTTPError && (e.statusCode === 403 || e.statusCode === 404);
}

export class UnavailableFeatures {
  private readonly off = new Set<string>();

  constructor(private readonly logger: Logger) {}

  isOff(feature: SlackFeature, team: string): boolean {
    return this.off.has(`${team}:${feature}`);
  }

  /**
   * Turns `feature` off for `team` when `error` is a refusal, logging one line the first time;
   * true when it did (the caller falls back without logging more).
   */
  refused(feature: SlackFeature, team: string, error: unknown): boolean {
    if (!isRefusal(error)) return false;
    const key = `${team}:${feature}`;
    if (this.off.has(key)) return true;
    this.off.add(key);
    this.logger.warn(
      { team, feature, slackError: slackErrorCode(error) ?? String(error) },
      `Slack refused ${feature}: ${WHAT_TO_DO[feature]}`,
    );
    return true;
  }
}

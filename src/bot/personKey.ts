/**
 * Who a person is across conversations, for what sidbot keeps per person (recent
 * recommendations). Slack user ids are only unique within a team, so the team is part of it.
 */
import type { BotRequest, PlatformName } from "./types.js";

export interface PersonKey {
  platform: PlatformName;
  /** Slack team (workspace); none on platforms whose user ids are global. */
  team?: string | undefined;
  userId: string;
}

/** The stored form: `platform:team:user` (team empty where there is none). */
export function personId({ platform, team, userId }: PersonKey): string {
  return `${platform}:${team ?? ""}:${userId}`;
}

/** The person behind a request; Slack conversation ids start with the team (`T…:channel`, see ConversationKey). */
export function personOf(request: BotRequest): PersonKey {
  const { platform, id } = request.conversation;
  const separator = id.indexOf(":");
  return { platform, team: platform === "slack" && separator > 0 ? id.slice(0, separator) : undefined, userId: request.userId };
}

/**
 * What went wrong when sidbot first talks to Slack, as one line a person can act on: a token
 * Slack rejects (named by its variable, with where to get a good one), a Slack API that cannot
 * be reached (named by its host), or anything else Slack said.
 */
import { webApi } from "@slack/bolt";
import { describeError, PlatformStartError, SidbotError } from "../../errors.js";

export type TokenVariable = "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN";

// Slack's answers for a token that will not work however often it is tried.
const REJECTED = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "team_disabled",
  "user_removed_from_team",
  "not_allowed_token_type",
  "missing_scope",
]);
// Slack's answers that say "try again later".
const TRANSIENT = new Set(["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

const WHERE_TO_GET: Readonly<Record<TokenVariable, string>> = {
  SLACK_BOT_TOKEN:
    "copy the Bot User OAuth Token (xoxb-…) again from your Slack app's OAuth & Permissions page (reinstall the app if it was revoked)",
  SLACK_APP_TOKEN:
    "create an App-Level Token with the connections:write scope under your Slack app's Basic Information " +
    "→ App-Level Tokens (it starts with xapp-)",
};

/** The `error` code of a Slack `{ok:false}` answer, if that is what `error` is. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: unknown } } | undefined;
  return e?.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === "string" ? e.data.error : undefined;
}

/** Slack will not accept this token, now or later. */
export function isRejectedToken(error: unknown): boolean {
  return REJECTED.has(slackErrorCode(error) ?? "");
}

/** Another try later can help: no connection, a timeout, a rate limit, Slack's own trouble. */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number } | undefined;
  if (e?.code === webApi.ErrorCode.RequestError || e?.code === webApi.ErrorCode.RateLimitedError) return true;
  if (e?.code === webApi.ErrorCode.HTTPError) return (e.statusCode ?? 0) >= 500;
  const code = slackErrorCode(error);
  // Not a Web API error at all (e.g. the Socket Mode WebSocket closed before Slack said hello).
  if (code === undefined) return e?.code === undefined || !String(e.code).startsWith("slack_");
  return TRANSIENT.has(code);
}

/** One line for the failure of the start-up step that used `variable`'s token. */
export function toStartError(error: unknown, variable: TokenVariable, apiUrl: string, attempts: number): PlatformStartError {
  const host = hostOf(apiUrl);
  const code = slackErrorCode(error);
  let message: string;
  if (code && REJECTED.has(code)) message = `Slack rejected ${variable} (${code}): ${WHERE_TO_GET[variable]}`;
  else if (isTransient(error))
    message =
      `cannot reach the Slack API at ${host} (${reason(error)}) after ${attempts} ` +
      `${attempts === 1 ? "try" : "tries"}: check the network, a proxy or SLACK_API_URL`;
  else if ((error as { code?: string }).code === webApi.ErrorCode.HTTPError)
    message = `the Slack API at ${host} answered HTTP ${(error as { statusCode?: number }).statusCode}: check SLACK_API_URL`;
  else message = `Slack refused to start with ${variable} (${code ?? reason(error)})`;
  return new PlatformStartError("slack", message, { cause: error });
}

export function hostOf(apiUrl: string): string {
  try {
    return new URL(apiUrl).host;
  } catch {
    return apiUrl;
  }
}

/** The lowest-level reason: `ECONNREFUSED`, `ENOTFOUND`, "other side closed", a timeout… */
function reason(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (e as { original?: unknown; cause?: unknown } | undefined)?.original ?? (e as { cause?: unknown } | undefined)?.cause;
    if (next === undefined) break;
    e = next;
  }
  const code = (e as { code?: unknown } | undefined)?.code;
  const text = e instanceof Error ? e.message : describeError(e);
  // sidbot's own codes add nothing to their message; system codes (ECONNREFUSED) do.
  return (typeof code === "string" && !(e instanceof SidbotError) && !text.includes(code) ? `${code}: ${text}` : text).split("\n")[0]!;
}

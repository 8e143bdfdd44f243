/**
 * The App Home tab: when someone opens it (`app_home_opened` with `tab: "home"`), sidbot
 * publishes their Home view (views.publish). The Messages tab publishes nothing. A redelivered
 * event is published once; memory out of reach still publishes (with a friendly line instead of
 * the recent list). Slack refusing the view (Home tab not enabled: `not_enabled`; a token
 * without the right to) is logged once per reason, with what to change — never an error to
 * the person, never a crash.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import type { Logger } from "../../util/logger.js";
import { logFailure } from "./logFailure.js";
import { OnceLog } from "./onceLog.js";
import { renderHomeView } from "./renderHomeView.js";
import { firstDelivery } from "./slackEvents.js";
import { slackErrorCode } from "./slackStartErrors.js";
import { withSlackRetry } from "./withSlackRetry.js";

export interface SlackHomeOptions {
  bot: Bot;
  logger: Logger;
}

// Catalog titles looked at for example requests (the first short ones are used).
const EXAMPLE_CANDIDATES = 25;

const REFUSAL_ADVICE: Readonly<Record<string, string>> = {
  not_enabled: "turn on the Home tab (App Home → Show Tabs, or features.app_home.home_tab_enabled: true in manifest.yaml)",
};

export class SlackHome {
  private readonly bot: Bot;
  private readonly logger: Logger;
  /** Refusals already logged: Slack gives the same answer on every open until the app is changed. */
  private readonly refusalsLogged = new OnceLog();

  constructor({ bot, logger }: SlackHomeOptions) {
    this.bot = bot;
    this.logger = logger;
  }

  async opened({ event, body, client }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> {
    const requestId = body.event_id;
    if (event.tab !== "home" || !event.user) return;
    try {
      if (!(await firstDelivery(this.bot, this.logger, requestId))) return;
      const team = body.team_id;
      const recent = await this.bot.recentFor({ platform: "slack", team, userId: event.user }).catch((error: unknown) => {
        logFailure(this.logger, error, requestId, "could not read recent recommendations for the Home tab; publishing without them");
        return { available: false, games: [] };
      });
      const exampleTitles = this.bot.suggestGames("", EXAMPLE_CANDIDATES).map((g) => g.title);
      const view = renderHomeView({ exampleTitles, recent });
      await withSlackRetry(() => client.views.publish({ user_id: event.user, view }));
    } catch (error) {
      this.failed(error, requestId);
    }
  }

  private failed(error: unknown, requestId: string): void {
    const code = slackErrorCode(error);
    if (!code) {
      logFailure(this.logger, error, requestId, "could not publish the Home tab");
      return;
    }
    if (!this.refusalsLogged.first(code)) {
      this.logger.debug({ requestId, error: code }, "Slack refused the Home tab again");
      return;
    }
    const advice = REFUSAL_ADVICE[code] ?? "check the app's Home tab settings and scopes";
    this.logger.warn({ requestId, error: code }, `Slack refused the Home tab (${code}): ${advice}; sidbot works without it`);
  }
}

import { SlackAdapter, type SlackAdapterOptions } from "../../../src/adapters/slack/SlackAdapter.js";
import type { BotReply, BotRequest, HandleOptions } from "../../../src/bot/types.js";
import { testBot } from "../../support/bots.js";
import { FakeSlack } from "../../support/fakes/FakeSlack.js";
import { recordingLogger } from "../../support/recordingLogger.js";

type Bot = Awaited<ReturnType<typeof testBot>>["bot"];

/** What the bot under test should do wrong next (cleared, with the fake's failOn, by `reset`). */
export interface Faults {
  handle?: () => Promise<BotReply>;
  knows?: () => Promise<boolean>;
  feedback?: () => Promise<void>;
  firstDelivery?: () => Promise<boolean>;
}

/**
 * A real bot whose methods can be made to fail or hang, counting calls, plus a FakeSlack and a
 * recording logger: the base of the Slack fault tests.
 */
export async function slackHarness() {
  const fake = new FakeSlack();
  await fake.start();
  const t = await testBot();
  const faults: Faults = {};
  const calls = { handle: [] as BotRequest[], feedback: [] as unknown[][] };
  patch(t.bot, faults, calls);
  const log = recordingLogger();
  const adapters: SlackAdapter[] = [];
  return {
    fake,
    bot: t.bot,
    faults,
    calls,
    log,
    /** A started Socket Mode adapter (stopped by `dispose`). */
    async socketAdapter(options: Partial<SlackAdapterOptions> = {}) {
      const adapter = new SlackAdapter({
        bot: t.bot,
        botToken: fake.botToken,
        appToken: fake.appToken,
        apiUrl: fake.apiUrl,
        streamEditIntervalMs: 250,
        logger: log,
        ...options,
      });
      adapters.push(adapter);
      await adapter.start();
      await fake.socketReady();
      return adapter;
    },
    reset() {
      fake.clearFailures();
      for (const key of Object.keys(faults) as (keyof Faults)[]) delete faults[key];
    },
    async dispose() {
      for (const a of adapters) await a.stop().catch(() => {});
      await fake.stop();
      await t.dispose();
    },
  };
}

function patch(bot: Bot, faults: Faults, calls: { handle: BotRequest[]; feedback: unknown[][] }) {
  const handle = bot.handle.bind(bot);
  bot.handle = (request: BotRequest, options?: HandleOptions) => {
    calls.handle.push(request);
    return faults.handle ? faults.handle() : handle(request, options);
  };
  const knows = bot.knows.bind(bot);
  bot.knows = (...args) => (faults.knows ? faults.knows() : knows(...args));
  const feedback = bot.feedback.bind(bot);
  bot.feedback = (...args) => {
    calls.feedback.push(args);
    return faults.feedback ? faults.feedback() : feedback(...args);
  };
  const firstDelivery = bot.firstDelivery.bind(bot);
  bot.firstDelivery = (...args) => (faults.firstDelivery ? faults.firstDelivery() : firstDelivery(...args));
}

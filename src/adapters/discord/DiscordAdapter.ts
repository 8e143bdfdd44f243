/**
 * Discord: slash commands (/recommend, /similar with title autocomplete, /bundle, /reset), the
 * "Find similar games" message menu, mentions that open a thread where the conversation continues
 * without mentions, DMs, buttons. Commands also work through people's own installs of the app
 * (interactionPlace.ts): there answers are ephemeral, with a "Share" button that posts them for
 * everyone; wherever the bot is not a member they go through the interaction only.
 * Every interaction is acknowledged at once and then answered (or given a friendly error), so
 * none is left "thinking…". Every handler contains its own failures: nothing escapes a listener,
 * and malformed gateway events are normalised or dropped (gatewayGuard.ts), never fatal.
 * Deliveries are de-duplicated by interaction / message id through the bot (shared across
 * processes); the conversation comes from the payload (discordScope.ts), never from the cache.
 */
import {
  Client,
  DiscordjsErrorCodes,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Options,
  Partials,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import type { Bot } from "../../bot/Bot.js";
import type { BotInput } from "../../bot/types.js";
import type { Config } from "../../config.js";
import { PlatformStartError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import type { Adapter } from "../Adapter.js";
import { Inflight } from "../Inflight.js";
import { truncateText } from "../splitText.js";
import { userMessageFor } from "../userMessages.js";
import { askBot } from "./askBot.js";
import { pickedItemId, pickValue } from "./autocompletePick.js";
import { messageText } from "./messageText.js";
import { FIND_SIMILAR_MENU } from "./commands.js";
import { DiscordMessages } from "./DiscordMessages.js";
import { isAllowed, type Place } from "./discordScope.js";
import { bundlePrivately, conversationFor, isPrivate, resetWithPrivate } from "./privateAnswers.js";
import { DISCORD_TEXTS } from "./discordTexts.js";
import { guardPacketHandling, normaliseDispatch } from "./gatewayGuard.js";
import { isThreadType, placeOfInteraction, reachedOnlyThroughInteraction } from "./interactionPlace.js";
import { PayloadChannelTypes } from "./PayloadChannelTypes.js";
import { DmChannelRelease } from "./DmChannelRelease.js";
import { DISCORD_TOKEN_TIMING, InteractionReply, type AnswerableInteraction, type TokenTiming } from "./InteractionReply.js";
import { loggableError } from "./loggableError.js";
import { NO_MENTIONS, parseButton, renderDiscordReply, type ButtonAction } from "./renderDiscordReply.js";
import { shareAnswer } from "./shareAnswer.js";
import { shardOfProcess } from "./sharding.js";

export interface DiscordAdapterOptions {
  bot: Bot;
  token: string;
  /** REST base (`DISCORD_API_URL`), for Discord-compatible servers and tests; the gateway URL comes from its /gateway/bot. */
  apiUrl?: string | undefined;
  settings: Config["discord"];
  logger?: Logger;
  /** How long an interaction token can be used (Discord: 15 minutes); shorter in tests. */
  interactionTokenLifetimeMs?: number;
  /** Stop using a token this long before it expires. @defaultValue 60 s */
  interactionTokenMarginMs?: number;
  /** The longest a request runs once started — pass `model.timeoutMs`. @defaultValue 60 s */
  generationBudgetMs?: number;
  /** Longest time stop() lets running handlers deliver their answers. @defaultValue 5000 */
  stopTimeoutMs?: number;
  /** Most users discord.js keeps cached (the least recently added go first). @defaultValue 10000 */
  userCacheSize?: number;
}

const AUTOCOMPLETE_CHOICES = 25;

export class DiscordAdapter implements Adapter {
  readonly name = "discord";
  readonly client: Client;
  private readonly bot: Bot;
  private readonly settings: Config["discord"];
  private readonly logger: Logger;
  private readonly timing: TokenTiming;
  private readonly messages: DiscordMessages;
  private readonly inflight = new Inflight();
  private readonly payloadChannels = new PayloadChannelTypes();

  constructor(private readonly options: DiscordAdapterOptions) {
    this.bot = options.bot;
    this.settings = options.settings;
    // In a shard process (discord.shards ≠ 1), discord.js's Client takes its shard from SHARDS / SHARD_COUNT.
    const shard = shardOfProcess();
    this.logger = (options.logger ?? silentLogger).child({
      platform: "discord",
      ...(shard ? { shard: shard.id, shardCount: shard.count } : {}),
    });
    this.timing = {
      lifetimeMs: options.interactionTokenLifetimeMs ?? DISCORD_TOKEN_TIMING.lifetimeMs,
      marginMs: options.interactionTokenMarginMs ?? DISCORD_TOKEN_TIMING.marginMs,
      generationBudgetMs: options.generationBudgetMs ?? DISCORD_TOKEN_TIMING.generationBudgetMs,
    };
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
    if (this.settings.messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
    this.client = new Client({
      intents,
      partials: [Partials.Channel], // DMs arrive on channels the cache has never seen
      allowedMentions: { parse: [], repliedUser: false },
      // With user installs, people, group DMs and servers without the bot pass through by the thousand: keep the caches bounded.
      makeCache: Options.cacheWithLimits({
        ...Options.DefaultMakeCacheSettings,
        UserManager: { maxSize: options.userCacheSize ?? 10_000, keepOverLimit: (user) => user.id === user.client.user?.id },
      }),
      sweepers: {
        ...Options.DefaultSweeperSettings,
        users: { interval: 3600, filter: () => (user) => user.id !== user.client.user?.id },
        messages: { interval: 3600, lifetime: 1800 },
      },
      ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
    });
    this.messages = new DiscordMessages({
      client: this.client,
      bot: this.bot,
      settings: this.settings,
      firstDelivery: (id, log) => this.firstDelivery(id, log),
    });

    // discord.js emits `raw` with the packet object it is about to handle: fix it before it throws.
    this.client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => {
      try {
        this.payloadChannels.remember(packet);
        const fixed = normaliseDispatch(packet);
        if (fixed.length > 0) this.logger.debug({ event: packet.t, fixed }, "normalised a malformed gateway event");
      } catch (error) {
        this.logger.warn({ event: packet.t, err: loggableError(error) }, "could not inspect a gateway event");
      }
    });
    const guarded = guardPacketHandling(this.client, (error, event) =>
      this.logger.error({ event, err: loggableError(error) }, "malformed gateway event dropped"),
    );
    if (!guarded) this.logger.warn({}, "this discord.js version cannot be guarded against malformed gateway events");

    // Outside a server (guildId null) the channel is a DM: uncached again once handled.
    const dms = new DmChannelRelease(this.client.channels.cache);
    this.client.on(Events.InteractionCreate, (interaction) => {
      const receivedAt = Date.now();
      const dm = interaction.guildId === null ? interaction.channelId : null;
      this.contain("interaction", interaction.id, () => dms.during(dm, () => this.interaction(interaction, receivedAt)));
    });
    this.client.on(Events.MessageCreate, (message) => {
      const dm = message.guildId === null ? message.channelId : null;
      this.contain("message", message.id, () =>
        dms.during(dm, () => this.messages.handle(message, this.logger.child({ requestId: message.id }))),
      );
    });
    this.client.on(Events.Error, (error) => this.logger.error({ err: loggableError(error) }, "discord client error"));
    this.client.on(Events.ShardDisconnect, (event) => this.logger.warn({ code: event.code }, "gateway disconnected; reconnecting"));
  }

  /** Logs in and resolves when ready; a bad token or a refused intent is a {@link PlatformStartError}. */
  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    try {
      await this.client.login(this.options.token);
    } catch (error) {
      await this.client.destroy().catch(() => {});
      throw explainStartError(error);
    }
    await ready;
    this.logger.info({ user: this.client.user?.tag }, "connected to Discord");
    // A shard process whose manager is gone (killed) stops in order instead of running on unmanaged.
    if (this.client.shard && process.connected) process.once("disconnect", this.managerGone);
  }

  private readonly managerGone = () => {
    this.logger.warn({}, "the shard manager is gone; stopping");
    process.kill(process.pid, "SIGTERM");
  };

  /** Lets running handlers deliver their answers (at most `stopTimeoutMs`), then disconnects. */
  async stop(): Promise<void> {
    process.off("disconnect", this.managerGone);
    await this.inflight.settled(this.options.stopTimeoutMs ?? 5000);
    await this.client.destroy();
  }

  // ---- containment and de-duplication ----

  /** Runs a handler so that nothing it throws or rejects escapes the listener. */
  private contain(kind: string, requestId: string, work: () => Promise<void>): void {
    this.inflight.track(
      Promise.resolve()
        .then(work)
        .catch((error: unknown) => this.logger.error({ requestId, err: loggableError(error) }, `${kind} handler failed`)),
    );
  }

  /** True the first time an event id is seen (across processes); a failing check lets the event through. */
  private async firstDelivery(id: string, log: Logger): Promise<boolean> {
    try {
      const first = await this.bot.firstDelivery(id);
      if (!first) log.info({ deliveryId: id }, "duplicate delivery ignored");
      return first;
    } catch (error) {
      log.warn({ deliveryId: id, err: loggableError(error) }, "could not check for a duplicate delivery; handling it");
      return true;
    }
  }

  // ---- interactions ----

  private async interaction(interaction: Interaction, receivedAt: number): Promise<void> {
    const log = this.logger.child({ requestId: interaction.id });
    try {
      if (!(await this.firstDelivery(`discord:interaction:${interaction.id}`, log))) return;
      if (interaction.isAutocomplete()) await this.autocomplete(interaction, log);
      else if (interaction.isChatInputCommand())
        await this.command(interaction, log.child({ command: interaction.commandName }), receivedAt);
      else if (interaction.isMessageContextMenuCommand())
        await this.messageMenu(interaction, log.child({ command: "message-menu" }), receivedAt);
      else if (interaction.isButton()) await this.button(interaction, receivedAt, log);
    } finally {
      this.forgetPlace(interaction);
    }
  }

  /**
   * Drops what discord.js cached for an interaction's place that the bot is not in (a group DM, a server without the bot):
   * with user installs every such place would otherwise stay in the channel cache for good.
   */
  private forgetPlace(interaction: Interaction): void {
    const onlyThroughInteraction = reachedOnlyThroughInteraction(this.client, interaction, this.payloadChannels.of(interaction.id));
    this.payloadChannels.forget(interaction.id);
    if (onlyThroughInteraction && interaction.channelId) this.client.channels.cache.delete(interaction.channelId);
  }

  private async command(interaction: ChatInputCommandInteraction, log: Logger, receivedAt: number): Promise<void> {
    const reply = new InteractionReply(interaction, this.timing, log, receivedAt);
    try {
      const place = await this.placeOf(interaction, log);
      if (!(await this.allowedAt(place, interaction))) return;
      const input = commandInput(interaction);
      // Through someone's own install only they see the answer, unless they share it; so does a /bundle of a private answer.
      const ephemeral =
        place.userInstalled ||
        (input !== undefined &&
          "command" in input &&
          input.command === "bundle" &&
          (await bundlePrivately(this.bot, place, interaction.user.id, log)));
      if (ephemeral || place.reach === "interaction") reply.late = "dm";
      // Acknowledge first: Discord gives three seconds.
      await reply.defer(ephemeral);
      if (!input) {
        await reply.deliver([{ content: DISCORD_TEXTS.unknownCommand, allowedMentions: NO_MENTIONS }]);
        return;
      }
      const isAdmin =
        this.settings.adminUserIds.includes(interaction.user.id) ||
        interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true;
      await this.answer(interaction, reply, place, input, isAdmin, log, ephemeral);
    } catch (error) {
      log.error({ err: loggableError(error) }, "slash command failed");
      await reply.fail(userMessageFor(error));
    }
  }

  /** "Find similar games" on a message: the games it names, answered privately with a "Share" button. */
  private async messageMenu(interaction: MessageContextMenuCommandInteraction, log: Logger, receivedAt: number): Promise<void> {
    // A private answer that arrives too late goes to the person's DM, never into the channel.
    const reply = new InteractionReply(interaction, this.timing, log, receivedAt, "dm");
    try {
      if (interaction.commandName !== FIND_SIMILAR_MENU) {
        await interaction.reply({ content: DISCORD_TEXTS.unknownCommand, flags: MessageFlags.Ephemeral });
        return;
      }
      const place = await this.placeOf(interaction, log);
      if (!(await this.allowedAt(place, interaction))) return;
      await reply.defer(true);
      await this.answer(interaction, reply, place, { gamesIn: messageText(interaction.targetMessage) }, false, log, true);
    } catch (error) {
      log.error({ err: loggableError(error) }, "message menu failed");
      await reply.fail(userMessageFor(error));
    }
  }

  /** Whether sidbot answers here; if not, says so privately (the allow-list, or user installs switched off). */
  private async allowedAt(place: Place, interaction: AnswerableInteraction): Promise<boolean> {
    if (isAllowed(place, this.settings.allowedChannels, this.settings.userInstall)) return true;
    const content = place.userInstalled ? DISCORD_TEXTS.notHereUserInstall : DISCORD_TEXTS.notHere;
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    return false;
  }

  private async autocomplete(interaction: AutocompleteInteraction, log: Logger): Promise<void> {
    try {
      const focused = interaction.options.getFocused();
      // The value is the item's id: a title can be longer than the 100 characters a value may have.
      const choices = this.bot
        .suggestGames(focused.slice(0, 200), AUTOCOMPLETE_CHOICES)
        .map((g) => ({ name: truncateText(g.title, 100), value: pickValue(g.id) }));
      await interaction.respond(choices);
    } catch (error) {
      log.warn({ err: loggableError(error) }, "autocomplete failed");
      await interaction.respond([]).catch(() => {});
    }
  }

  private async button(interaction: ButtonInteraction, receivedAt: number, parentLog: Logger): Promise<void> {
    const action = parseButton(interaction.customId);
    const log = parentLog.child({ button: action.kind });
    if (action.kind === "feedback") return this.feedback(interaction, action, log);
    if (action.kind === "share") {
      // Kept as long as conversations: a Share clicked days later still finds the answer shared.
      return shareAnswer(interaction, log, { claim: (id) => this.bot.remember(id), release: (id) => this.bot.forgetDelivery(id) });
    }
    if (action.kind === "unknown") {
      await interaction.reply({ content: DISCORD_TEXTS.oldButton, flags: MessageFlags.Ephemeral });
      return;
    }
    const reply = new InteractionReply(interaction, this.timing, log, receivedAt);
    try {
      const place = await this.placeOf(interaction, log);
      if (!(await this.allowedAt(place, interaction))) return;
      // "More like" on a private answer stays private.
      const ephemeral = isPrivate(place, interaction);
      if (ephemeral || place.reach === "interaction") reply.late = "dm";
      await reply.defer(ephemeral);
      await this.answer(interaction, reply, place, { moreLike: action.itemId }, false, log, ephemeral);
    } catch (error) {
      log.error({ err: loggableError(error) }, "button failed");
      await reply.fail(userMessageFor(error));
    }
  }

  /**
   * 👍/👎: acknowledge first (a slow or failing store must not leave the button spinning), then store.
   * A vote naming no game of today's catalog (an answer from an older catalog) is not stored, so it is not thanked either.
   */
  private async feedback(interaction: ButtonInteraction, action: Extract<ButtonAction, { kind: "feedback" }>, log: Logger): Promise<void> {
    const counts = this.bot.votable(action.itemIds);
    const content = !counts ? DISCORD_TEXTS.voteTooOld : action.value === "up" ? DISCORD_TEXTS.thanksUp : DISCORD_TEXTS.thanksDown;
    await interaction
      .reply({ content, flags: MessageFlags.Ephemeral })
      .catch((error: unknown) => log.warn({ err: loggableError(error) }, "could not acknowledge the feedback"));
    if (!counts) return;
    try {
      const place = await this.placeOf(interaction, log);
      // A vote on a private answer belongs with that person's private conversation.
      const conversation = conversationFor(place, interaction.user.id, isPrivate(place, interaction));
      await this.bot.feedback(conversation, interaction.user.id, action.itemIds, action.value);
    } catch (error) {
      log.error({ err: loggableError(error) }, "feedback not stored");
    }
  }

  /** Runs the request and delivers the answer within the token's life (InteractionReply). */
  private async answer(
    interaction: AnswerableInteraction,
    reply: InteractionReply,
    place: Place,
    input: BotInput,
    isAdmin: boolean,
    log: Logger,
    privately = false,
  ): Promise<void> {
    const userId = interaction.user.id;
    const request = { conversation: conversationFor(place, userId, privately), userId, input, isAdmin, requestId: interaction.id };
    // The person's own /reset where answers are public also forgets what they were answered privately there.
    const ownReset = "command" in input && input.command === "reset" && !input.target && !privately && !place.dm;
    const answer = ownReset
      ? await resetWithPrivate(this.bot, request, place)
      : await askBot(
          this.bot,
          request,
          {
            startBy: reply.startBy,
            stream: (text) => reply.progress(text),
            queued: (position) => reply.progress(DISCORD_TEXTS.queued(position)),
          },
          this.settings.streamEditIntervalMs,
          log,
        );
    // A private answer can be shared for everyone to see.
    await reply.deliver(renderDiscordReply(answer, { share: privately }));
  }

  private placeOf(interaction: AnswerableInteraction, log: Logger): Promise<Place> {
    return placeOfInteraction(this.client, interaction, log, this.payloadChannels.of(interaction.id));
  }
}

function commandInput(interaction: ChatInputCommandInteraction): BotInput | undefined {
  switch (interaction.commandName) {
    case "recommend":
      return { command: "recommend", query: interaction.options.getString("query", true) };
    case "similar": {
      // A choice picked from autocomplete carries the item's id; typed text is searched as a title.
      const game = interaction.options.getString("game", true);
      const itemId = pickedItemId(game);
      return itemId === undefined ? { command: "similar", game } : { command: "similar", game, itemId };
    }
    case "bundle":
      return { command: "bundle" };
    case "reset": {
      const channel = interaction.options.getChannel("channel");
      if (!channel || channel.id === interaction.channelId) return { command: "reset" };
      // A channel of a guild discord.js does not know arrives as plain API data: its type is what both forms share.
      return {
        command: "reset",
        target: { platform: "discord", scope: isThreadType(channel.type) ? "thread" : "channel", id: channel.id },
      };
    }
    default:
      return undefined;
  }
}

function explainStartError(error: unknown): Error {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === DiscordjsErrorCodes.TokenInvalid || (error instanceof DiscordAPIError && error.status === 401)) {
    return new PlatformStartError(
      "discord",
      "Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot → Reset Token) and set DISCORD_TOKEN.",
      { cause: error },
    );
  }
  // @discordjs/ws reports gateway close 4014 only as a plain Error("Used disallowed intents").
  if (code === DiscordjsErrorCodes.DisallowedIntents || /disallowed intent/i.test(message)) {
    return new PlatformStartError(
      "discord",
      "Discord refused the Message Content intent: enable it in the Developer Portal (Bot → Privileged " +
        "Gateway Intents → Message Content Intent), or set discord.messageContentIntent to false (the bot " +
        "then only sees mentions and DMs).",
      { cause: error },
    );
  }
  return new PlatformStartError("discord", `could not connect to Discord: ${message}`, { cause: error });
}

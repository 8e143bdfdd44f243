/**
 * Discord: slash commands (/recommend, /similar with title autocomplete, /bundle, /reset),
 * mentions that open a thread where the conversation continues without mentions, DMs, buttons.
 * Every interaction is deferred at once and then edited with the answer (or a friendly error),
 * so none is ever left "thinking…".
 */
import {
  ChannelType,
  Client,
  DiscordjsErrorCodes,
  Events,
  GatewayIntentBits,
  Partials,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Message,
  type SendableChannels,
} from "discord.js";
import type { Bot } from "../../bot/Bot.js";
import type { BotInput, BotReply, ConversationKey } from "../../bot/types.js";
import type { Config } from "../../config.js";
import { PlatformStartError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import type { Adapter } from "../Adapter.js";
import { ThrottledEditor } from "../ThrottledEditor.js";
import { truncateText } from "../splitText.js";
import { userMessageFor } from "../userMessages.js";
import { LIMITS, parseButton, renderDiscordReply, type DiscordMessage } from "./renderDiscordReply.js";

export interface DiscordAdapterOptions {
  bot: Bot;
  token: string;
  /** REST base (`DISCORD_API_URL`), for Discord-compatible servers and tests; the gateway URL comes from its /gateway/bot. */
  apiUrl?: string | undefined;
  settings: Config["discord"];
  logger?: Logger;
}

interface AskOptions {
  channelId: string;
  channel: unknown;
  userId: string;
  input: BotInput;
  isAdmin: boolean;
  requestId: string;
  log: Logger;
  /** Shows partial text (throttled). */
  stream?: (text: string) => Promise<void>;
  /** Shows the queue position while waiting. */
  queued?: (position: number) => Promise<void>;
}

const TYPING_EVERY_MS = 8000;
const AUTOCOMPLETE_CHOICES = 25;
const THREAD_NAME_CHARS = 90;

export class DiscordAdapter implements Adapter {
  readonly name = "discord";
  readonly client: Client;
  private readonly bot: Bot;
  private readonly settings: Config["discord"];
  private readonly logger: Logger;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.bot = options.bot;
    this.settings = options.settings;
    this.logger = (options.logger ?? silentLogger).child({ platform: "discord" });
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
    if (this.settings.messageContentIntent) intents.push(GatewayIntentBits.MessageContent);
    this.client = new Client({
      intents,
      partials: [Partials.Channel], // DMs arrive on channels the cache has never seen
      allowedMentions: { parse: [], repliedUser: false },
      ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
    });
    this.client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isAutocomplete()) void this.autocomplete(interaction);
      else if (interaction.isChatInputCommand()) void this.command(interaction);
      else if (interaction.isButton()) void this.button(interaction);
    });
    this.client.on(Events.MessageCreate, (message) => void this.message(message));
    this.client.on(Events.Error, (error) => this.logger.error({ err: error.message }, "discord client error"));
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
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }

  // ---- slash commands ----

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const log = this.logger.child({ requestId: interaction.id, command: interaction.commandName });
    try {
      if (!this.allowed(interaction.channelId, interaction.channel)) {
        await interaction.reply({ content: "I'm not set up to answer in this channel.", flags: 64 });
        return;
      }
      // Acknowledge first: Discord gives three seconds.
      await interaction.deferReply();
      const input = commandInput(interaction);
      if (!input) {
        await interaction.editReply({ content: "I don't know that command." });
        return;
      }
      const reply = await this.ask({
        channelId: interaction.channelId,
        channel: interaction.channel,
        userId: interaction.user.id,
        input,
        isAdmin: this.isAdmin(interaction),
        requestId: interaction.id,
        log,
        stream: (text) => interaction.editReply({ content: truncateText(text, LIMITS.content), allowedMentions: { parse: [] } }).then(() => {}),
        queued: (position) => interaction.editReply({ content: `You're #${position} in line — I'll answer shortly.` }).then(() => {}),
      });
      await this.sendReply(reply, (m, i) => (i === 0 ? interaction.editReply(toEdit(m)).then(() => {}) : interaction.followUp(m).then(() => {})));
    } catch (error) {
      log.error({ err: describe(error) }, "slash command failed");
      await this.failInteraction(interaction, error);
    }
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    try {
      const focused = interaction.options.getFocused();
      const choices = this.bot.suggestGames(String(focused).slice(0, 200), AUTOCOMPLETE_CHOICES).map((g) => ({ name: truncateText(g.title, 100), value: truncateText(g.title, 100) }));
      await interaction.respond(choices);
    } catch (error) {
      this.logger.warn({ err: describe(error) }, "autocomplete failed");
      await interaction.respond([]).catch(() => {});
    }
  }

  private async button(interaction: ButtonInteraction): Promise<void> {
    const action = parseButton(interaction.customId);
    const log = this.logger.child({ requestId: interaction.id, button: action.kind });
    try {
      if (action.kind === "feedback") {
        await this.bot.feedback(this.conversation(interaction.channelId, interaction.channel, interaction.user.id), interaction.user.id, action.itemIds, action.value);
        await interaction.reply({ content: action.value === "up" ? "Thanks — glad that helped! 👍" : "Thanks — I'll remember that wasn't a hit. 👎", flags: 64 });
        return;
      }
      if (action.kind === "unknown") {
        await interaction.reply({ content: "That button is from an older version of me — try asking again.", flags: 64 });
        return;
      }
      await interaction.deferReply();
      const reply = await this.ask({ channelId: interaction.channelId, channel: interaction.channel, userId: interaction.user.id, input: { moreLike: action.itemId }, isAdmin: false, requestId: interaction.id, log });
      await this.sendReply(reply, (m, i) => (i === 0 ? interaction.editReply(toEdit(m)).then(() => {}) : interaction.followUp(m).then(() => {})));
    } catch (error) {
      log.error({ err: describe(error) }, "button failed");
      await this.failInteraction(interaction, error);
    }
  }

  // ---- messages: mentions, threads, DMs ----

  private async message(message: Message): Promise<void> {
    if (message.author.bot || message.system) return;
    const me = this.client.user;
    if (!me) return;
    const mentioned = message.mentions.users.has(me.id);
    const channel = message.channel;
    let target: SendableChannels | undefined;
    if (channel.type === ChannelType.DM) target = channel;
    else if (channel.isThread()) {
      // Our own threads continue without a mention; other threads need one.
      if (channel.ownerId === me.id || mentioned) target = channel;
    } else if (mentioned && channel.type === ChannelType.GuildText) {
      if (!this.allowed(channel.id, channel)) return;
      const text = stripMentions(message.content, me.id);
      target = await message.startThread({ name: truncateText(text || "Game recommendations", THREAD_NAME_CHARS), autoArchiveDuration: 1440 });
    }
    if (!target || !this.allowed(target.id, target)) return;
    const log = this.logger.child({ requestId: message.id });
    const stopTyping = this.keepTyping(target);
    let streamed: Message | undefined;
    try {
      const text = stripMentions(message.content, me.id);
      const isAdmin = this.settings.adminUserIds.includes(message.author.id) || message.member?.permissions.has(PermissionFlagsBits.ManageGuild) === true;
      const reply = await this.ask({
        channelId: target.id,
        channel: target,
        userId: message.author.id,
        input: { text: text === "" ? "help" : text },
        isAdmin,
        requestId: message.id,
        log,
        stream: async (partial) => {
          const content = truncateText(partial, LIMITS.content);
          if (streamed) await streamed.edit({ content, allowedMentions: { parse: [] } });
          else streamed = await target.send({ content, allowedMentions: { parse: [] } });
        },
      });
      stopTyping();
      await this.sendReply(reply, async (m, i) => {
        if (i === 0 && streamed) await streamed.edit(toEdit(m));
        else await target.send(m);
      });
    } catch (error) {
      log.error({ err: describe(error) }, "message failed");
      await target.send({ content: userMessageFor(error), allowedMentions: { parse: [] } }).catch(() => {});
    } finally {
      stopTyping();
    }
  }

  // ---- shared ----

  /** Runs one request through the bot, streaming text and queue position through the hooks. */
  private async ask({ channelId, channel, userId, input, isAdmin, requestId, log, ...hooks }: AskOptions): Promise<BotReply> {
    const editor = hooks.stream ? new ThrottledEditor(this.settings.streamEditIntervalMs, hooks.stream, (e) => log.warn({ err: describe(e) }, "stream edit failed")) : undefined;
    try {
      return await this.bot.handle(
        { conversation: this.conversation(channelId, channel, userId), userId, input, isAdmin, requestId },
        {
          ...(editor ? { onText: (chunk: string) => editor.push(chunk) } : {}),
          ...(hooks.queued ? { onQueued: (p: number) => void hooks.queued!(p).catch(() => {}) } : {}),
        },
      );
    } finally {
      await editor?.finish();
    }
  }

  private async sendReply(reply: BotReply, send: (message: DiscordMessage, index: number) => Promise<void>): Promise<void> {
    const messages = renderDiscordReply(reply);
    for (const [i, m] of messages.entries()) await send(m, i);
  }

  private conversation(channelId: string, channel: unknown, userId: string): ConversationKey {
    const c = channel as { type?: ChannelType; isThread?: () => boolean } | null;
    if (!c || c.type === ChannelType.DM) return { platform: "discord", scope: "dm", id: userId };
    return { platform: "discord", scope: c.isThread?.() ? "thread" : "channel", id: channelId };
  }

  private allowed(channelId: string, channel: unknown): boolean {
    const allow = this.settings.allowedChannels;
    if (allow.length === 0) return true;
    const c = channel as { type?: ChannelType; parentId?: string | null } | null;
    if (c?.type === ChannelType.DM) return true;
    return allow.includes(channelId) || (c?.parentId ? allow.includes(c.parentId) : false);
  }

  private isAdmin(interaction: ChatInputCommandInteraction): boolean {
    return this.settings.adminUserIds.includes(interaction.user.id) || interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true;
  }

  private keepTyping(channel: SendableChannels): () => void {
    const type = () => void channel.sendTyping().catch(() => {});
    type();
    const timer = setInterval(type, TYPING_EVERY_MS);
    return () => clearInterval(timer);
  }

  /** After a failure: edit the deferred reply with a friendly message; never leave it thinking. */
  private async failInteraction(interaction: ChatInputCommandInteraction | ButtonInteraction, error: unknown): Promise<void> {
    const content = userMessageFor(error);
    try {
      if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], components: [] });
      else await interaction.reply({ content, flags: 64 });
    } catch (secondError) {
      this.logger.error({ err: describe(secondError) }, "could not report the error to the user");
    }
  }
}

function commandInput(interaction: ChatInputCommandInteraction): BotInput | undefined {
  switch (interaction.commandName) {
    case "recommend":
      return { command: "recommend", query: interaction.options.getString("query", true) };
    case "similar":
      return { command: "similar", game: interaction.options.getString("game", true) };
    case "bundle":
      return { command: "bundle" };
    case "reset": {
      const channel = interaction.options.getChannel("channel");
      if (!channel || channel.id === interaction.channelId) return { command: "reset" };
      const thread = channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;
      return { command: "reset", target: { platform: "discord", scope: thread ? "thread" : "channel", id: channel.id } };
    }
    default:
      return undefined;
  }
}

function toEdit(m: DiscordMessage) {
  return { content: m.content ?? "", embeds: m.embeds ?? [], components: m.components ?? [], allowedMentions: m.allowedMentions };
}

function stripMentions(content: string, botId: string): string {
  return content.replace(new RegExp(`<@!?${botId}>`, "g"), "").trim();
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function explainStartError(error: unknown): Error {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === DiscordjsErrorCodes.TokenInvalid || /401|invalid token|Authentication failed/i.test(message)) {
    return new PlatformStartError("discord", "Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot → Reset Token) and set DISCORD_TOKEN.", { cause: error });
  }
  if (/disallowed intent/i.test(message) || code === "DisallowedIntents") {
    return new PlatformStartError(
      "discord",
      "Discord refused the Message Content intent: enable it in the Developer Portal (Bot → Privileged Gateway Intents → Message Content Intent), or set discord.messageContentIntent to false (the bot then only sees mentions and DMs).",
      { cause: error },
    );
  }
  return new PlatformStartError("discord", `could not connect to Discord: ${message}`, { cause: error });
}

/**
 * Messages: a mention in a channel opens a thread where the conversation continues without
 * mentions; other threads need a mention; DMs always work. If the bot may not create a thread,
 * it answers in the channel as a reply instead. Without the Message Content intent, unmentioned
 * guild messages arrive empty: they are not answered, and the bot's thread gets one short note
 * on how to continue.
 */
import {
  ChannelType,
  PermissionFlagsBits,
  type Client,
  type Message,
  type MessageCreateOptions,
  type SendableChannels,
  type ThreadChannel,
} from "discord.js";
import type { Bot } from "../../bot/Bot.js";
import type { ConversationKey } from "../../bot/types.js";
import type { Config } from "../../config.js";
import type { Logger } from "../../util/logger.js";
import { truncateText } from "../splitText.js";
import { userMessageFor } from "../userMessages.js";
import { askBot } from "./askBot.js";
import { DISCORD_TEXTS } from "./discordTexts.js";
import { isAllowed, placeOf, type Place } from "./discordScope.js";
import { loggableError } from "./loggableError.js";
import { LIMITS, NO_MENTIONS, renderDiscordReply, toEdit } from "./renderDiscordReply.js";
import { threadName } from "./threadName.js";

const TYPING_EVERY_MS = 8000;

export interface DiscordMessagesOptions {
  client: Client;
  bot: Bot;
  settings: Config["discord"];
  /** Shared de-duplication of deliveries (true the first time an id is seen). */
  firstDelivery: (id: string, log: Logger) => Promise<boolean>;
}

/** Where the answer goes: the conversation it belongs to and how to post into it. */
interface Sink {
  conversation: ConversationKey;
  channel: SendableChannels;
  send: (m: MessageCreateOptions) => Promise<Message>;
}

export class DiscordMessages {
  constructor(private readonly options: DiscordMessagesOptions) {}

  async handle(message: Message, log: Logger): Promise<void> {
    const { client, settings } = this.options;
    const me = client.user;
    if (!me || message.author.bot || message.system) return;
    const mentioned = message.mentions.users.has(me.id);
    const dm = !message.guildId;
    const channel = message.channel;
    if (!dm) {
      // Guild: channels need a mention; threads too, except the bot's own.
      if (channel.isThread()) {
        if (!mentioned && !(await this.isOurThread(channel))) return;
      } else if (!mentioned) return;
    }
    const place = await placeOf(
      client,
      { guildId: message.guildId, channelId: message.channelId, userId: message.author.id, channel },
      log,
    );
    if (!isAllowed(place, settings.allowedChannels)) return;
    const text = stripMentions(message.content, me.id);

    if (!settings.messageContentIntent && !mentioned && !dm) {
      // Without the intent this message's text never reached us: say once per thread how to continue.
      if (
        text === "" &&
        place.conversation.scope === "thread" &&
        (await this.options.firstDelivery(`discord:content-hint:${place.conversation.id}`, log))
      ) {
        if (channel.isSendable())
          await channel
            .send({ content: DISCORD_TEXTS.contentHint(me.id), allowedMentions: NO_MENTIONS })
            .catch((error: unknown) => log.error({ err: loggableError(error) }, "could not send the content hint"));
      }
      return;
    }
    if (!(await this.options.firstDelivery(`discord:message:${message.id}`, log))) return;

    const sink = await this.sink(message, place, text, log);
    if (!sink) return;
    await this.answer(message, sink, text, log);
  }

  private async answer(message: Message, sink: Sink, text: string, log: Logger): Promise<void> {
    const { bot, settings } = this.options;
    const stopTyping = keepTyping(sink.channel);
    let streamed: Message | undefined;
    try {
      const isAdmin =
        settings.adminUserIds.includes(message.author.id) || message.member?.permissions.has(PermissionFlagsBits.ManageGuild) === true;
      const reply = await askBot(
        bot,
        {
          conversation: sink.conversation,
          userId: message.author.id,
          input: { text: text === "" ? "help" : text },
          isAdmin,
          requestId: message.id,
        },
        {
          stream: async (partial) => {
            const content = truncateText(partial, LIMITS.content);
            if (streamed) await streamed.edit({ content, allowedMentions: NO_MENTIONS });
            else streamed = await sink.send({ content, allowedMentions: NO_MENTIONS });
          },
        },
        settings.streamEditIntervalMs,
        log,
      );
      stopTyping();
      for (const [i, m] of renderDiscordReply(reply).entries()) {
        if (i === 0 && streamed) await streamed.edit(toEdit(m));
        else await sink.send(m);
      }
    } catch (error) {
      log.error({ err: loggableError(error) }, "could not answer the message");
      await sink
        .send({ content: userMessageFor(error), allowedMentions: NO_MENTIONS })
        .catch((e: unknown) => log.error({ err: loggableError(e) }, "could not send the error message either"));
    } finally {
      stopTyping();
    }
  }

  /** Opens a thread for a mention in a channel; answers in place (as a reply) where threads are not possible. */
  private async sink(message: Message, place: Place, text: string, log: Logger): Promise<Sink | undefined> {
    const channel = message.channel;
    if (!channel.isSendable()) {
      log.warn({ channelType: channel.type }, "cannot post in this channel");
      return undefined;
    }
    if (place.conversation.scope !== "channel") return { conversation: place.conversation, channel, send: (m) => channel.send(m) };
    if (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement) {
      try {
        const me = this.options.client.user!.id;
        const name = threadName(text, {
          botId: me,
          userName: (id) => message.mentions.members?.get(id)?.displayName ?? message.mentions.users.get(id)?.displayName,
        });
        const thread = await message.startThread({ name, autoArchiveDuration: 1440 });
        return { conversation: { platform: "discord", scope: "thread", id: thread.id }, channel: thread, send: (m) => thread.send(m) };
      } catch (error) {
        // Typically 50013 Missing Permissions (Create Public Threads): the person still gets an answer.
        log.warn({ err: loggableError(error) }, "could not start a thread; answering in the channel");
      }
    }
    let replied = false;
    return {
      conversation: place.conversation,
      channel,
      send: (m) => {
        if (replied) return channel.send(m);
        replied = true;
        return message.reply(m);
      },
    };
  }

  /** The bot's own thread: by its owner when known, else by whether the bot has talked there (a fresh process). */
  private async isOurThread(thread: ThreadChannel): Promise<boolean> {
    if (thread.ownerId) return thread.ownerId === this.options.client.user?.id;
    return this.options.bot.knows({ platform: "discord", scope: "thread", id: thread.id });
  }
}

function stripMentions(content: string, botId: string): string {
  return content.replace(new RegExp(`<@!?${botId}>`, "g"), "").trim();
}

function keepTyping(channel: SendableChannels): () => void {
  const type = () => void channel.sendTyping().catch(() => {});
  type();
  const timer = setInterval(type, TYPING_EVERY_MS);
  return () => clearInterval(timer);
}

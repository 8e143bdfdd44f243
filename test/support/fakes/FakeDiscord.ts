/**
 * A loopback stand-in for Discord: the REST routes sidbot uses and a gateway WebSocket (HELLO,
 * READY on IDENTIFY, heartbeat ACKs, dispatches). The real discord.js client talks to it through
 * `rest.api`; tests inject interactions and messages and read what the bot sent.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebSocket } from "ws";
import { LoopbackServer } from "./LoopbackServer.js";

export interface RecordedRequest {
  method: string;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
  body: any;
  at: number;
}

export interface FakeDiscordOptions {
  token?: string;
  /** Close the gateway with 4014 when IDENTIFY asks for these intent bits. */
  disallowedIntents?: number;
}

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflake = 0n;
/** A fresh snowflake from the current time (discord.js reads an interaction's age from its id), strictly increasing. */
export const nextId = () => {
  const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  snowflake = now > snowflake ? now : snowflake + 1n;
  return String(snowflake);
};

/** A REST answer the fake gives instead of the normal one. */
export interface FakeFailure {
  method: string;
  path: RegExp;
  status: number;
  body: unknown;
  /** How many times (default: always). */
  times?: number;
}

/** Options of the payload builders: what real servers vary. */
export interface InteractionShape {
  /** Leave out the `channel` object (only `channel_id`), as some servers do. */
  channelIdOnly?: boolean;
  /** Channel type in the `channel` object (0 text, 11 public thread). */
  channelType?: number;
  /** No guild: a DM interaction with the bot (`user` instead of `member`); the same as `context: "botDm"`. */
  dm?: boolean;
  /**
   * Where it was used (Discord's interaction `context`): 0 guild, 1 the bot's DM, 2 a private channel (a group DM or a DM between
   * people, reachable only through a user install). Default: guild, or the bot's DM with `dm`.
   */
  context?: "guild" | "botDm" | "privateChannel";
  /** Run through the person's own install of the app: `authorizing_integration_owners` carries `"1": user id`. */
  userInstall?: boolean;
  /** The guild it came from (default the fake's own guild); one from {@link FakeDiscord.foreignGuild} has no bot in it. */
  guildId?: string;
  /** The guild installed the app: by default where the bot is a member; true with a foreign guild = commands only, without the bot. */
  guildInstall?: boolean;
}

/** Discord's interaction context types (discord-api-types `InteractionContextType`). */
const CONTEXT_TYPES = { guild: 0, botDm: 1, privateChannel: 2 } as const;

export class FakeDiscord extends LoopbackServer<RecordedRequest> {
  /** Requests the bot made, oldest first. */
  get requests(): RecordedRequest[] {
    return this.log;
  }
  readonly botUser = { id: nextId(), username: "sidbot", discriminator: "0", global_name: "sidbot", avatar: null, bot: true };
  readonly applicationId = nextId();
  readonly guildId = nextId();
  readonly channelId = nextId();
  readonly token: string;
  /** Routes (method + path regex) answered 429 once. */
  readonly rateLimitOnce: { method: string; path: RegExp; done?: boolean }[] = [];
  /** Routes answered with an error (status + JSON body), e.g. a 403 Missing Permissions. */
  readonly failures: FakeFailure[] = [];
  /** Answer thread creation on a message with 403 Missing Permissions (a channel where the bot may not create threads). */
  forbidThreads = false;
  /** Channels `GET /channels/:id` knows besides the guild's text channel (threads the bot created are added). */
  // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
  readonly channels = new Map<string, any>();
  /** Thread id by the message it was started on. */
  readonly threadsByMessage = new Map<string, string>();
  /** Shard count GET /gateway/bot recommends (what `discord.shards: "auto"` uses). */
  recommendedShards = 1;
  /** Every IDENTIFY, in order: the `shard` it asked for (absent = unsharded) and when. */
  readonly identifyLog: { shard?: [number, number]; at: number }[] = [];
  /** Guilds the bot is in, each with one text channel (the first is `guildId` / `channelId`). */
  readonly guilds = new Map<string, { channelId: string }>();
  /** Channels of guilds the bot is not in (a user install used there): REST answers 403 Missing Access for them. */
  readonly foreignChannels = new Set<string>();
  /** The DM channel with each person the bot opened one with (Create DM), by user id. */
  readonly dmChannels = new Map<string, string>();
  /** The command list of the last PUT of the app's commands (global or per guild), by route. */
  readonly registeredCommands = new Map<string, unknown[]>();
  /**
   * Messages sent through interaction tokens (the original response's edit and follow-ups), oldest first, with whether Discord would
   * show them only to the person: the original as its response said; after a deferral the first follow-up becomes the original
   * (and so inherits its flags); any other follow-up only with flags 64.
   */
  readonly interactionMessages: { token: string; id: string; ephemeral: boolean; original: boolean }[] = [];
  /** The channel each interaction token answers in, whether its response was ephemeral (flags 64), and whether the original was sent. */
  private readonly interactionChannels = new Map<
    string,
    { channelId: string; ephemeral: boolean; originalId?: string; deferred?: boolean; originalSent?: boolean }
  >();
  /** The shard each gateway connection identified with (unsharded connections are absent). */
  private readonly socketShards = new Map<WebSocket, [number, number]>();
  private sequence = 0;
  private identified: ((socket: WebSocket) => void)[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
  private messages = new Map<string, any>();
  /** IDENTIFY or RESUME payloads received (reconnects count). */
  identifies = 0;

  constructor(private readonly options: FakeDiscordOptions = {}) {
    super();
    this.token = options.token ?? "fake-token";
    this.guilds.set(this.guildId, { channelId: this.channelId });
  }

  /** Discord's shard of a guild: (guild_id >> 22) % count. */
  static shardOf(guildId: string, count: number): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(count));
  }

  /** Adds a guild (with one text channel) whose events go to shard `shard` of `count`; joined on the next IDENTIFY. */
  addGuild(shard = 0, count = 1): { guildId: string; channelId: string } {
    let guildId = nextId();
    while (FakeDiscord.shardOf(guildId, count) !== shard) guildId = nextId();
    const channelId = nextId();
    this.guilds.set(guildId, { channelId });
    this.channels.set(channelId, {
      id: channelId,
      type: 0,
      guild_id: guildId,
      name: "general",
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
    });
    return { guildId, channelId };
  }

  /**
   * A guild the bot is not in, with one text channel: someone who installed sidbot to their account uses it there. Discord sends
   * its interactions; the bot's REST calls for its channels get 403 Missing Access (code 50001).
   */
  foreignGuild(): { guildId: string; channelId: string } {
    const guildId = nextId();
    const channelId = nextId();
    this.foreignChannels.add(channelId);
    return { guildId, channelId };
  }

  /** The shard ids the open gateway connections identified with. */
  get connectedShards(): [number, number][] {
    return [...this.socketShards.values()];
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<void> {
    await this.listen(
      (req, res) => this.handle(req, res),
      (socket) => this.gateway(socket),
    );
  }

  /** Resolves once the bot has identified on the gateway. */
  ready(): Promise<void> {
    if (this.sockets.size > 0 && this.sequence > 0) return Promise.resolve();
    return new Promise((resolve) => this.identified.push(() => resolve()));
  }

  /** Drops every gateway connection (as a network blip would). */
  disconnectAll(code = 4000): void {
    for (const s of this.sockets) s.close(code, "test disconnect");
  }

  /**
   * Sends a dispatch to every gateway connection; `times` > 1 delivers the same payload again (as
   * a replay would). A sharded connection only gets its guilds' events (DMs go to shard 0), as
   * Discord routes them; unsharded connections get everything.
   */
  dispatch(t: string, d: unknown, times = 1): void {
    const guildId = (d as { guild_id?: unknown } | null)?.guild_id;
    for (let i = 0; i < times; i++) {
      const payload = JSON.stringify({ op: 0, t, s: ++this.sequence, d });
      for (const s of this.sockets) {
        const shard = this.socketShards.get(s);
        if (shard && (typeof guildId === "string" ? FakeDiscord.shardOf(guildId, shard[1]) : 0) !== shard[0]) continue;
        s.send(payload);
      }
    }
  }

  /** Sends a dispatch to one gateway connection only (by connection order), as Discord does with one session per process. */
  dispatchTo(socketIndex: number, t: string, d: unknown): void {
    const socket = [...this.sockets][socketIndex];
    if (!socket) throw new Error(`no gateway connection #${socketIndex} (${this.sockets.size} open)`);
    socket.send(JSON.stringify({ op: 0, t, s: ++this.sequence, d }));
  }

  /** A thread under the guild channel that only REST knows (not in any client's cache). */
  addThread(extra: { id?: string; ownerId?: string; parentId?: string } = {}) {
    const thread = this.threadObject(extra.id ?? nextId(), extra.parentId ?? this.channelId, extra.ownerId ?? this.botUser.id, "a thread");
    this.channels.set(thread.id, thread);
    return thread;
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  // ---- payload builders ----

  user(id = nextId(), username = "player") {
    return { id, username, discriminator: "0", global_name: username, avatar: null };
  }

  member(user: ReturnType<FakeDiscord["user"]>, permissions = "0") {
    return { user, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, permissions };
  }

  /** A slash command or autocomplete interaction in the guild channel (or `channelId`). */
  commandInteraction(
    name: string,
    options: { name: string; type: number; value: unknown; focused?: boolean }[],
    extra: {
      user?: ReturnType<FakeDiscord["user"]>;
      autocomplete?: boolean;
      channelId?: string;
      permissions?: string;
    } & InteractionShape = {},
  ) {
    const user = extra.user ?? this.user();
    const id = nextId();
    const channelId = extra.channelId ?? this.channelId;
    // Channel options come with their resolved channel, as Discord sends them.
    const channels = Object.fromEntries(
      options.filter((o) => o.type === 7).map((o) => [o.value, { id: o.value, type: 0, name: "other", permissions: "0" }]),
    );
    this.interactionChannels.set(`itoken-${id}`, { channelId, ephemeral: false });
    return {
      id,
      application_id: this.applicationId,
      type: extra.autocomplete ? 4 : 2,
      data: { id: nextId(), name, type: 1, options, ...(Object.keys(channels).length ? { resolved: { channels } } : {}) },
      ...this.where(channelId, extra.channelType ?? 0, user, extra, extra.permissions ?? "0"),
      token: `itoken-${id}`,
      version: 1,
      app_permissions: "2248473465835073",
      locale: "en-US",
      ...(this.contextOf(extra) === "guild" ? { guild_locale: "en-US" } : {}),
      entitlements: [],
      ...this.installation(user, extra),
    };
  }

  /**
   * A message context-menu command (Apps → `name` on a message): an application command of type 3 whose target message arrives in
   * `data.resolved.messages` (with its content: Discord exempts it from the Message Content intent).
   */
  messageCommandInteraction(
    name: string,
    // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
    target: any,
    extra: { user?: ReturnType<FakeDiscord["user"]> } & InteractionShape = {},
  ) {
    const user = extra.user ?? this.user();
    const id = nextId();
    const channelId: string = target.channel_id;
    this.interactionChannels.set(`itoken-${id}`, { channelId, ephemeral: false });
    return {
      id,
      application_id: this.applicationId,
      type: 2,
      data: { id: nextId(), name, type: 3, target_id: target.id, resolved: { messages: { [target.id]: target } } },
      ...this.where(channelId, extra.channelType ?? 0, user, extra),
      token: `itoken-${id}`,
      version: 1,
      app_permissions: "2248473465835073",
      locale: "en-US",
      entitlements: [],
      ...this.installation(user, extra),
    };
  }

  private contextOf(shape: InteractionShape): keyof typeof CONTEXT_TYPES {
    return shape.context ?? (shape.dm ? "botDm" : "guild");
  }

  /** `context` and `authorizing_integration_owners` as Discord documents them ("0": guild id, or "0" in the bot's DM; "1": user id). */
  private installation(user: { id: string }, shape: InteractionShape) {
    const context = this.contextOf(shape);
    const guildId = shape.guildId ?? this.guildId;
    const guildInstalled = context === "guild" ? (shape.guildInstall ?? this.guilds.has(guildId)) : context === "botDm";
    const owners: Record<string, string> = {};
    if (guildInstalled && !(shape.userInstall && context !== "guild")) owners["0"] = context === "guild" ? guildId : "0";
    if (shape.userInstall || context === "privateChannel") owners["1"] = user.id;
    return { authorizing_integration_owners: owners, context: CONTEXT_TYPES[context] };
  }

  /** Where an interaction happened: guild + channel (object or only its id) + member, or a DM / group DM with `user`. */
  private where(channelId: string, channelType: number, user: ReturnType<FakeDiscord["user"]>, shape: InteractionShape, permissions = "0") {
    const context = this.contextOf(shape);
    if (context === "botDm") {
      return { channel_id: channelId, ...(shape.channelIdOnly ? {} : { channel: { id: channelId, type: 1, recipients: [user] } }), user };
    }
    if (context === "privateChannel") {
      // A group DM the bot is not part of (type 3), with the people in it.
      const channel = { id: channelId, type: 3, name: null, owner_id: user.id, recipients: [user, this.user()] };
      return { channel_id: channelId, ...(shape.channelIdOnly ? {} : { channel }), user };
    }
    const guildId = shape.guildId ?? this.guildId;
    return {
      guild_id: guildId,
      channel_id: channelId,
      ...(shape.channelIdOnly
        ? {}
        : {
            channel: {
              id: channelId,
              type: channelType,
              guild_id: guildId,
              name: "general",
              ...(channelType === 11 ? { parent_id: this.channelId } : {}),
            },
          }),
      member: this.member(user, permissions),
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
  buttonInteraction(customId: string, message: any, user = this.user(), shape: InteractionShape = {}) {
    const id = nextId();
    this.interactionChannels.set(`itoken-${id}`, { channelId: message.channel_id, ephemeral: false });
    return {
      id,
      application_id: this.applicationId,
      type: 3,
      data: { custom_id: customId, component_type: 2 },
      ...this.where(message.channel_id, shape.channelType ?? (message.channel_id === this.channelId ? 0 : 11), user, shape),
      message,
      token: `itoken-${id}`,
      version: 1,
      app_permissions: "2248473465835073",
      locale: "en-US",
      entitlements: [],
      ...this.installation(user, shape),
    };
  }

  /**
   * A message of the bot's with "more like #1" and 👍 buttons, as a component interaction carries it; `extra` overrides fields (e.g.
   * `thread: null`).
   */
  botMessage(channelId = this.channelId, extra: Record<string, unknown> = {}) {
    return this.storeMessage({
      id: nextId(),
      channel_id: channelId,
      components: [
        { type: 1, components: [{ type: 2, style: 2, custom_id: "sidbot:more:0", label: "More like #1" }] },
        { type: 1, components: [{ type: 2, style: 3, custom_id: "sidbot:fb:up:0", emoji: { name: "👍" } }] },
      ],
      ...extra,
    });
  }

  message(
    content: string,
    extra: {
      channelId?: string;
      author?: ReturnType<FakeDiscord["user"]>;
      mentionBot?: boolean;
      dm?: boolean;
      mentions?: ReturnType<FakeDiscord["user"]>[];
    } = {},
  ) {
    const author = extra.author ?? this.user();
    const channelId = extra.channelId ?? this.channelId;
    const guildId: string = this.channels.get(channelId)?.guild_id ?? this.guildId;
    const guildChannel = [...this.guilds.values()].some((g) => g.channelId === channelId);
    const mentions = [...(extra.mentionBot ? [this.botUser] : []), ...(extra.mentions ?? [])].map((u) =>
      extra.dm ? u : { ...u, member: this.member(u) },
    );
    const message = {
      id: nextId(),
      channel_id: channelId,
      // Discord sends the channel type with MESSAGE_CREATE: 1 = DM, 0 = guild text, 11 = thread.
      channel_type: extra.dm ? 1 : guildChannel ? 0 : 11,
      ...(extra.dm ? {} : { guild_id: guildId, member: this.member(author) }),
      author,
      content: extra.mentionBot ? `<@${this.botUser.id}> ${content}` : content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions,
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: [],
    };
    this.messages.set(message.id, message);
    return message;
  }

  // ---- gateway ----

  private gateway(socket: WebSocket) {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    socket.on("message", (raw) => {
      // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
      const payload = JSON.parse(raw.toString()) as { op: number; d: any };
      if (payload.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (payload.op === 2 || payload.op === 6) this.identify(socket, payload.d);
    });
  }

  private identify(socket: WebSocket, d: { intents?: number; token?: string; shard?: [number, number] }) {
    this.identifies++;
    const shard =
      Array.isArray(d.shard) && d.shard.length === 2 && d.shard[1] > 0
        ? ([Number(d.shard[0]), Number(d.shard[1])] as [number, number])
        : undefined;
    this.identifyLog.push({ ...(shard ? { shard } : {}), at: Date.now() });
    if (shard) this.socketShards.set(socket, shard);
    socket.once("close", () => this.socketShards.delete(socket));
    const guilds = [...this.guilds].filter(([id]) => !shard || FakeDiscord.shardOf(id, shard[1]) === shard[0]);
    if (d.token && d.token !== this.token && d.token !== `Bot ${this.token}`) return socket.close(4004, "Authentication failed.");
    if (this.options.disallowedIntents && d.intents && (d.intents & this.options.disallowedIntents) !== 0)
      return socket.close(4014, "Disallowed intent(s).");
    const send = (t: string, data: unknown) => socket.send(JSON.stringify({ op: 0, t, s: ++this.sequence, d: data }));
    send("READY", {
      v: 10,
      user: this.botUser,
      guilds: guilds.map(([id]) => ({ id, unavailable: true })),
      session_id: "fake-session",
      resume_gateway_url: `ws://127.0.0.1:${this.port}`,
      shard: shard ?? [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
    });
    for (const [guildId, { channelId }] of guilds) send("GUILD_CREATE", this.guildCreate(guildId, channelId));
    for (const cb of this.identified.splice(0)) cb(socket);
  }

  private guildCreate(guildId: string, channelId: string) {
    return {
      id: guildId,
      name: "Test Guild",
      icon: null,
      owner_id: nextId(),
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      system_channel_flags: 0,
      nsfw_level: 0,
      preferred_locale: "en-US",
      roles: [
        {
          id: guildId,
          name: "@everyone",
          permissions: "2248473465835073",
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: new Date().toISOString(),
      channels: [{ id: channelId, type: 0, name: "general", position: 0, permission_overwrites: [], parent_id: null, nsfw: false }],
      threads: [],
      members: [this.member(this.botUser)],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }

  // ---- REST ----

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, "");
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const contentType = req.headers["content-type"] ?? "";
    // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
    let body: any = raw;
    if (contentType.includes("json") && raw) body = JSON.parse(raw);
    else if (contentType.includes("multipart"))
      body = JSON.parse(/name="payload_json"[\s\S]*?\r\n\r\n([\s\S]*?)\r\n--/.exec(raw)?.[1] ?? "{}");
    const record = { method: req.method ?? "GET", path, body, at: Date.now() };

    const limited = this.rateLimitOnce.find((r) => !r.done && r.method === record.method && r.path.test(path));
    const failure = this.failures.find((f) => (f.times ?? Infinity) > 0 && f.method === record.method && f.path.test(path));
    if (failure) {
      failure.times = (failure.times ?? Infinity) - 1;
      this.record(record);
      return this.json(res, failure.status, failure.body);
    }
    if (limited) {
      limited.done = true;
      return this.json(
        res,
        429,
        { message: "You are being rate limited.", retry_after: 0.3, global: false },
        {
          "retry-after": "0.3",
          "x-ratelimit-scope": "user",
          "x-ratelimit-bucket": "b",
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": "0.3",
        },
      );
    }
    this.record(record);

    const auth = req.headers.authorization;
    const botRoute = !/^\/(interactions|webhooks)\//.test(path);
    if (botRoute && auth !== `Bot ${this.token}`) return this.json(res, 401, { message: "401: Unauthorized", code: 0 });

    if (record.method === "GET" && path === "/gateway/bot") {
      return this.json(res, 200, {
        url: `ws://127.0.0.1:${this.port}`,
        shards: this.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (record.method === "GET" && path === "/users/@me") return this.json(res, 200, this.botUser);
    // Create DM (docs: POST /users/@me/channels with recipient_id → a DM channel object); one channel per person.
    if (record.method === "POST" && path === "/users/@me/channels") {
      const recipient = String(body?.recipient_id ?? "");
      if (!/^\d+$/.test(recipient)) return this.json(res, 400, { message: "Invalid Form Body", code: 50035 });
      const id = this.dmChannels.get(recipient) ?? nextId();
      this.dmChannels.set(recipient, id);
      return this.json(res, 200, { id, type: 1, last_message_id: null, recipients: [this.user(recipient)] });
    }
    let m = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(path);
    if (m) {
      // Types 4 (message) and 5 (deferred): flag 64 makes the response, and the edits of it, visible only to the person.
      const answer = this.interactionChannels.get(m[1]!);
      if (answer && (body?.type === 4 || body?.type === 5)) answer.ephemeral = (Number(body.data?.flags ?? 0) & 64) !== 0;
      if (answer && body?.type === 5) answer.deferred = true;
      if (answer && body?.type === 4) answer.originalSent = true;
      return this.empty(res);
    }
    m = /^\/applications\/\d+\/(guilds\/\d+\/)?commands$/.exec(path);
    if (record.method === "PUT" && m) {
      const invalid = invalidCommands(body);
      if (invalid) return this.json(res, 400, { message: "Invalid Form Body", code: 50035, errors: invalid });
      this.registeredCommands.set(path, body);
      return this.json(
        res,
        200,
        // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
        (body as any[]).map((c) => ({ type: 1, ...c, id: nextId(), application_id: this.applicationId, version: "1" })),
      );
    }
    m = /^\/webhooks\/\d+\/([^/]+)\/messages\/(@original|\d+)$/.exec(path);
    if (m && (record.method === "PATCH" || record.method === "GET")) {
      const answer = this.interactionChannels.get(m[1]!);
      if (answer && m[2] === "@original") answer.originalId ??= nextId();
      if (answer && m[2] === "@original" && record.method === "PATCH") {
        if (!answer.originalSent)
          this.interactionMessages.push({ token: m[1]!, id: answer.originalId!, ephemeral: answer.ephemeral, original: true });
        answer.originalSent = true;
      }
      return this.json(
        res,
        200,
        this.storeMessage({
          id: m[2] === "@original" ? (answer?.originalId ?? nextId()) : m[2],
          channel_id: answer?.channelId ?? this.channelId,
          ...(answer?.ephemeral && m[2] === "@original" ? { flags: 64 } : {}),
          ...(record.method === "PATCH" ? body : {}),
        }),
      );
    }
    m = /^\/webhooks\/\d+\/([^/]+)$/.exec(path);
    if (m && record.method === "POST") {
      // A follow-up is private only with flags 64 — except the first after a deferral, which becomes the (deferred) original.
      const answer = this.interactionChannels.get(m[1]!);
      const original = answer?.deferred === true && !answer.originalSent;
      const ephemeral = original ? answer.ephemeral : (Number(body?.flags ?? 0) & 64) !== 0;
      if (original) answer.originalId ??= nextId();
      const id = original ? answer.originalId! : nextId();
      if (answer) answer.originalSent = true;
      this.interactionMessages.push({ token: m[1]!, id, ephemeral, original });
      return this.json(
        res,
        200,
        this.storeMessage({ id, channel_id: answer?.channelId ?? this.channelId, ...body, flags: ephemeral ? 64 : 0 }),
      );
    }
    // The bot is not in the guild of these channels: every channel route is refused.
    m = /^\/channels\/(\d+)(?:\/|$)/.exec(path);
    if (m && this.foreignChannels.has(m[1]!)) return this.json(res, 403, { message: "Missing Access", code: 50001 });
    m = /^\/channels\/(\d+)\/typing$/.exec(path);
    if (m) return this.empty(res);
    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (m && record.method === "POST") return this.json(res, 200, this.storeMessage({ id: nextId(), channel_id: m[1], ...body }));
    m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (m && record.method === "PATCH")
      return this.json(res, 200, this.storeMessage({ ...this.messages.get(m[2]!), id: m[2], channel_id: m[1], ...body }));
    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (m && record.method === "POST") {
      if (this.forbidThreads) return this.json(res, 403, { message: "Missing Permissions", code: 50013 });
      const thread = this.threadObject(nextId(), m[1]!, this.botUser.id, body.name);
      this.channels.set(thread.id, thread);
      this.threadsByMessage.set(m[2]!, thread.id);
      return this.json(res, 201, thread);
    }
    m = /^\/channels\/(\d+)$/.exec(path);
    if (m && record.method === "GET") {
      if (m[1] === this.channelId)
        return this.json(res, 200, {
          id: this.channelId,
          type: 0,
          guild_id: this.guildId,
          name: "general",
          position: 0,
          permission_overwrites: [],
          parent_id: null,
          nsfw: false,
        });
      const channel = this.channels.get(m[1]!);
      return channel ? this.json(res, 200, channel) : this.json(res, 404, { message: "Unknown Channel", code: 10003 });
    }
    this.json(res, 404, { message: `Unknown route ${record.method} ${path}`, code: 0 });
  }

  private threadObject(id: string, parentId: string, ownerId: string, name: string) {
    return {
      id,
      type: 11,
      guild_id: this.channels.get(parentId)?.guild_id ?? this.guildId,
      parent_id: parentId,
      owner_id: ownerId,
      name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      total_message_sent: 0,
      flags: 0,
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: the fake Discord API stores and echoes untyped JSON payloads as received
  private storeMessage(partial: any) {
    const message = {
      type: 0,
      content: "",
      author: this.botUser,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
      ...partial,
    };
    this.messages.set(message.id, message);
    return message;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  // A 204 must not carry a JSON content type (discord.js would try to parse it).
  private empty(res: ServerResponse) {
    res.writeHead(204);
    res.end();
  }
}

/**
 * What Discord's bulk command overwrite refuses (docs: application command object): names, descriptions, `type` (1 slash, 2 user,
 * 3 message), `integration_types` (0 guild install, 1 user install) and `contexts` (0 guild, 1 bot DM, 2 private channel).
 * Returns Discord-style errors by index, or undefined when every command is valid.
 */
function invalidCommands(body: unknown): Record<string, string> | undefined {
  if (!Array.isArray(body)) return { _errors: "expected an array of commands" };
  const errors: Record<string, string> = {};
  for (const [i, c] of body.entries()) {
    const type = c.type ?? 1;
    if (![1, 2, 3].includes(type)) errors[`${i}.type`] = "unknown command type";
    if (type === 1) {
      if (typeof c.name !== "string" || !/^[-_\p{Ll}\p{N}]{1,32}$/u.test(c.name)) errors[`${i}.name`] = "invalid slash command name";
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 100)
        errors[`${i}.description`] = "must be 1-100 characters";
    } else {
      if (typeof c.name !== "string" || c.name.length < 1 || c.name.length > 32) errors[`${i}.name`] = "must be 1-32 characters";
      if (c.description !== undefined && c.description !== "") errors[`${i}.description`] = "context menu commands have no description";
      if (c.options !== undefined && c.options.length > 0) errors[`${i}.options`] = "context menu commands have no options";
    }
    const within = (value: unknown, allowed: number[]) =>
      value === undefined || (Array.isArray(value) && value.length > 0 && value.every((v) => allowed.includes(v)));
    if (!within(c.integration_types, [0, 1])) errors[`${i}.integration_types`] = "values must be 0 (guild) or 1 (user)";
    if (!within(c.contexts, [0, 1, 2])) errors[`${i}.contexts`] = "values must be 0, 1 or 2";
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

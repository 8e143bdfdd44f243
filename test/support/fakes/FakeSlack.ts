/**
 * A loopback stand-in for Slack: the Web API methods sidbot uses (form or JSON bodies) and a
 * Socket Mode WebSocket handed out by `apps.connections.open`. Tests send envelopes (events,
 * slash commands, button clicks) and read acks and API calls. Faults on demand: wrong or revoked
 * tokens (`invalid_auth`, `token_revoked`), `{ok:false}` answers (`failOn`), slow answers
 * (`delay`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebSocket } from "ws";
import { LoopbackServer } from "./LoopbackServer.js";

export interface ApiCall {
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
  args: Record<string, any>;
  at: number;
}

let counter = 0;
const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, "0")}`;

export class FakeSlack extends LoopbackServer<ApiCall> {
  /** Web API calls the bot made, oldest first. */
  get calls(): ApiCall[] {
    return this.log;
  }
  readonly acks: { envelope_id: string; payload?: unknown }[] = [];
  readonly teamId = "T0001";
  readonly botUserId = "UBOT0001";
  readonly botToken = "xoxb-fake";
  readonly appToken = "xapp-fake";
  /** A bot token Slack has revoked: every call with it answers `token_revoked`. */
  readonly revokedToken = "xoxb-revoked";
  /** Methods answered once with HTTP 200 `{ok:false, error:"ratelimited"}` and Retry-After. */
  readonly rateLimitOnce: { method: string; done?: boolean }[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
  private readonly failures: { method: string; error: string; match: (args: Record<string, any>) => boolean; times: number }[] = [];
  private readonly delays = new Map<string, number>();
  // Delayed answers still waiting: stop() drops them so the fake keeps no process alive.
  private readonly pending = new Set<NodeJS.Timeout>();
  private connected: (() => void)[] = [];
  // ---- assistant & streaming ----
  /** Assistant thread state by `channel:thread_ts`: status shown now (Slack clears it when the app replies), title, prompts. */
  readonly assistantThreads = new Map<string, { status: string; title?: string; prompts?: { title: string; message: string }[] }>();
  /** Streamed messages by ts: text so far, blocks given at stop, and whether the stream is still open. */
  // biome-ignore lint/suspicious/noExplicitAny: blocks are recorded as received
  readonly streams = new Map<string, { channel: string; thread_ts: string; text: string; streaming: boolean; blocks?: any[] }>();
  /** Methods answered with a bare HTTP status (e.g. 403 from a proxy or an old workspace), every time. */
  readonly httpRefusals = new Map<string, number>();
  /** Messages the bot deleted (chat.delete). */
  readonly deleted: { channel: string; ts: string }[] = [];
  // ---- end assistant & streaming ----

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<void> {
    const onSocket = (socket: WebSocket) => {
      socket.on("message", (raw) => this.acks.push(JSON.parse(raw.toString())));
      socket.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "fake", approximate_connection_time: 3600 },
          connection_info: { app_id: "A0001" },
        }),
      );
      for (const cb of this.connected.splice(0)) cb();
    };
    await this.listen((req, res) => this.handle(req, res), onSocket, "/socket");
  }

  /** Answers `method` (where `match` holds) with HTTP 200 `{ok:false, error}`, `times` times. */
  failOn(
    method: string,
    error: string,
    // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
    { match = () => true, times = Infinity }: { match?: (args: Record<string, any>) => boolean; times?: number } = {},
  ): void {
    this.failures.push({ method, error, match, times });
  }

  /** Forgets every `failOn`. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Answers `method` only after `ms` (the call is recorded when it arrives); 0 removes the delay. */
  delay(method: string, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  /** Web API calls of `method` since `at` (epoch ms). */
  callsSince(at: number, method?: string): ApiCall[] {
    return this.calls.filter((c) => c.at >= at && (method === undefined || c.method === method));
  }

  override async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    await super.stop();
  }

  /** Drops every Socket Mode connection (as a network blip would). */
  dropSockets(): void {
    for (const s of this.sockets) s.terminate();
  }

  socketReady(): Promise<void> {
    if (this.sockets.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.connected.push(resolve));
  }

  /**
   * Sends a Socket Mode envelope to every connection, or with `toSocket` to that one only (by
   * connection order), as Slack does with several connected processes; resolves with the ack.
   */
  async send(
    type: "events_api" | "slash_commands" | "interactive",
    payload: unknown,
    { envelopeId = `env-${++counter}`, retryAttempt = 0, toSocket }: { envelopeId?: string; retryAttempt?: number; toSocket?: number } = {},
  ) {
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== "events_api",
      retry_attempt: retryAttempt,
      retry_reason: retryAttempt ? "timeout" : "",
    };
    const targets = toSocket === undefined ? [...this.sockets] : [[...this.sockets][toSocket]];
    if (targets[0] === undefined) throw new Error(`no Socket Mode connection #${toSocket} (${this.sockets.size} open)`);
    for (const s of targets) s!.send(JSON.stringify(envelope));
    for (let i = 0; i < 200; i++) {
      const ack = this.acks.find((a) => a.envelope_id === envelopeId);
      if (ack) return ack;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ack for ${envelopeId}`);
  }

  // ---- payload builders ----

  // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
  eventCallback(event: Record<string, any>, eventId = `Ev${++counter}`) {
    return {
      token: "t",
      team_id: this.teamId,
      api_app_id: "A0001",
      // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
      event: { event_ts: event.ts, ...event } as Record<string, any>,
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
  }

  mention(text: string, { channel = "C0001", user = "U0001", threadTs }: { channel?: string; user?: string; threadTs?: string } = {}) {
    return this.eventCallback({
      type: "app_mention",
      user,
      text: `<@${this.botUserId}> ${text}`,
      ts: nextTs(),
      channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  }

  message(
    text: string,
    { channel = "C0001", user = "U0001", threadTs, im = false }: { channel?: string; user?: string; threadTs?: string; im?: boolean } = {},
  ) {
    return this.eventCallback({
      type: "message",
      user,
      text,
      ts: nextTs(),
      channel,
      channel_type: im ? "im" : "channel",
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  }

  slashCommand(text: string, { channel = "C0001", user = "U0001" } = {}) {
    return {
      token: "t",
      team_id: this.teamId,
      team_domain: "test",
      channel_id: channel,
      channel_name: "general",
      user_id: user,
      user_name: "player",
      command: "/recommend",
      text,
      api_app_id: "A0001",
      is_enterprise_install: "false",
      response_url: `http://127.0.0.1:${this.port}/response/${++counter}`,
      trigger_id: `trig-${counter}`,
    };
  }

  buttonClick(actionId: string, value: string, message: { ts: string; thread_ts?: string }, { channel = "C0001", user = "U0001" } = {}) {
    return {
      type: "block_actions",
      user: { id: user, username: "player", team_id: this.teamId },
      api_app_id: "A0001",
      token: "t",
      container: { type: "message", message_ts: message.ts, channel_id: channel, is_ephemeral: false },
      trigger_id: `trig-${++counter}`,
      team: { id: this.teamId, domain: "test" },
      channel: { id: channel, name: "general" },
      message: { type: "message", user: this.botUserId, text: "x", ...message },
      response_url: `http://127.0.0.1:${this.port}/response/${counter}`,
      actions: [
        { action_id: actionId, block_id: "b", value, type: "button", action_ts: nextTs(), text: { type: "plain_text", text: "x" } },
      ],
    };
  }

  // ---- assistant & streaming ----
  // Shapes from Slack's event reference (assistant_thread_started, assistant_thread_context_changed, message.im).

  /** The person opened the assistant container: a new thread in their DM with the app. */
  assistantThreadStarted({ channel = "D0AI01", user = "U0001", contextChannel = "C0001" } = {}) {
    return this.assistantThreadEvent("assistant_thread_started", { channel, user, threadTs: nextTs(), contextChannel });
  }

  /** The person moved to another channel while the assistant thread was open. */
  assistantContextChanged(threadTs: string, { channel = "D0AI01", user = "U0001", contextChannel = "C0002" } = {}) {
    return this.assistantThreadEvent("assistant_thread_context_changed", { channel, user, threadTs, contextChannel });
  }

  /** A message the person typed in an assistant thread (a DM thread: `channel_type` im, with `thread_ts`). */
  assistantMessage(text: string, threadTs: string, { channel = "D0AI01", user = "U0001" } = {}) {
    return this.eventCallback({
      type: "message",
      user,
      text,
      ts: nextTs(),
      team: this.teamId,
      channel,
      channel_type: "im",
      thread_ts: threadTs,
      parent_user_id: this.botUserId,
    });
  }

  private assistantThreadEvent(
    type: "assistant_thread_started" | "assistant_thread_context_changed",
    { channel, user, threadTs, contextChannel }: { channel: string; user: string; threadTs: string; contextChannel: string },
  ) {
    const payload = this.eventCallback({
      type,
      assistant_thread: {
        user_id: user,
        context: { channel_id: contextChannel, team_id: this.teamId, enterprise_id: null },
        channel_id: channel,
        thread_ts: threadTs,
      },
      ts: nextTs(),
    });
    // These events carry `event_ts` but no `ts`.
    delete payload.event.ts;
    return payload;
  }

  /** What the person sees of an assistant thread now. */
  assistantThread(channel: string, threadTs: string) {
    return this.assistantThreads.get(`${channel}:${threadTs}`);
  }

  /** A reply in a thread clears that thread's assistant status (as Slack does). */
  private replied(channel: string, threadTs: unknown) {
    const thread = typeof threadTs === "string" ? this.assistantThreads.get(`${channel}:${threadTs}`) : undefined;
    if (thread) thread.status = "";
  }

  // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
  private assistantApi(method: string, args: Record<string, any>): { ok: boolean; [key: string]: unknown } | undefined {
    const thread = () => {
      const key = `${args.channel_id}:${args.thread_ts}`;
      const state = this.assistantThreads.get(key) ?? { status: "" };
      this.assistantThreads.set(key, state);
      return state;
    };
    switch (method) {
      case "assistant.threads.setStatus":
        if (!args.channel_id || !args.thread_ts || typeof args.status !== "string") return { ok: false, error: "invalid_arguments" };
        if (Array.isArray(args.loading_messages) && args.loading_messages.length > 10) return { ok: false, error: "invalid_arguments" };
        thread().status = args.status;
        return { ok: true };
      case "assistant.threads.setTitle":
        if (!args.channel_id || !args.thread_ts || !args.title) return { ok: false, error: "invalid_arguments" };
        thread().title = args.title;
        return { ok: true };
      case "assistant.threads.setSuggestedPrompts":
        if (!args.channel_id || !Array.isArray(args.prompts) || args.prompts.length > 4) return { ok: false, error: "invalid_arguments" };
        thread().prompts = args.prompts;
        return { ok: true };
      case "chat.startStream": {
        if (!args.channel || !args.thread_ts) return { ok: false, error: "invalid_arguments" };
        if (streamedText(args).length > STREAM_CALL_LIMIT) return { ok: false, error: "msg_too_long" };
        // Outside DMs Slack needs to know whom the stream is for.
        if (!String(args.channel).startsWith("D") && (!args.recipient_user_id || !args.recipient_team_id))
          return { ok: false, error: "invalid_arguments" };
        const ts = nextTs();
        this.streams.set(ts, { channel: args.channel, thread_ts: args.thread_ts, text: streamedText(args), streaming: true });
        this.replied(args.channel, args.thread_ts);
        return { ok: true, channel: args.channel, ts };
      }
      case "chat.appendStream":
      case "chat.stopStream": {
        const stream = this.streams.get(args.ts);
        if (!stream || stream.channel !== args.channel) return { ok: false, error: "message_not_found" };
        if (!stream.streaming) return { ok: false, error: "message_not_in_streaming_state" };
        const text = streamedText(args);
        if (method === "chat.appendStream" && !text) return { ok: false, error: "invalid_arguments" };
        if (text.length > STREAM_CALL_LIMIT) return { ok: false, error: "msg_too_long" };
        stream.text += text;
        if (method === "chat.stopStream") {
          stream.streaming = false;
          if (args.blocks) stream.blocks = args.blocks;
        }
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case "chat.delete":
        // Streaming replaces the bot's "Thinking…" placeholder.
        if (!args.channel || !args.ts) return { ok: false, error: "invalid_arguments" };
        this.deleted.push({ channel: args.channel, ts: args.ts });
        return { ok: true, channel: args.channel, ts: args.ts };
      default:
        return undefined;
    }
  }
  // ---- end assistant & streaming ----

  // ---- app home & feedback ----

  /** Home tabs published with views.publish, by user id (the newest view each). */
  // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
  readonly homeViews = new Map<string, Record<string, any>>();

  /**
   * The `app_home_opened` event Slack sends when someone opens the app's Home (`tab: "home"`) or
   * Messages tab; `view` is the Home tab's current view, present once one was published.
   */
  appHomeOpened(user = "U0001", { tab = "home", eventId }: { tab?: "home" | "messages"; eventId?: string } = {}) {
    const view = this.homeViews.get(user);
    return this.eventCallback(
      {
        type: "app_home_opened",
        user,
        channel: "D0HOME01",
        tab,
        event_ts: nextTs(),
        ...(tab === "home" && view ? { view } : {}),
      },
      eventId,
    );
  }

  /**
   * The block_actions payload of a click on one button of a `feedback_buttons` element (as
   * rendered in a message's `context_actions` block): the action carries the element's
   * action_id and the pressed button's value and text.
   */
  feedbackClick(
    // biome-ignore lint/suspicious/noExplicitAny: the element as the bot rendered it
    element: Record<string, any>,
    pressed: "positive" | "negative",
    message: { ts: string; thread_ts?: string },
    { channel = "C0001", user = "U0001" } = {},
  ) {
    const button = element[`${pressed}_button`] as { value: string; text: { type: "plain_text"; text: string } };
    return {
      type: "block_actions",
      user: { id: user, username: "player", name: "player", team_id: this.teamId },
      api_app_id: "A0001",
      token: "t",
      container: { type: "message", message_ts: message.ts, channel_id: channel, is_ephemeral: false },
      trigger_id: `trig-${++counter}`,
      team: { id: this.teamId, domain: "test" },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel, name: "general" },
      message: { type: "message", user: this.botUserId, text: "x", ...message },
      state: { values: {} },
      response_url: `http://127.0.0.1:${this.port}/response/${counter}`,
      actions: [
        {
          type: "feedback_buttons",
          block_id: "fb",
          action_id: element.action_id,
          value: button.value,
          text: button.text,
          action_ts: nextTs(),
        },
      ],
    };
  }

  /** views.publish: a `home` view for `user_id` (Slack takes `view` as JSON text), at most 100 blocks. */
  // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
  private publishView(args: Record<string, any>) {
    // biome-ignore lint/suspicious/noExplicitAny: the view as received
    const view: Record<string, any> | undefined = typeof args.view === "string" ? JSON.parse(args.view) : args.view;
    if (!args.user_id || !view)
      return { ok: false, error: "invalid_arguments", response_metadata: { messages: ["missing user_id or view"] } };
    if (view.type !== "home" || !Array.isArray(view.blocks) || view.blocks.length > 100)
      return {
        ok: false,
        error: "invalid_arguments",
        response_metadata: { messages: ["a home view needs type home and at most 100 blocks"] },
      };
    const published = {
      ...view,
      id: "VHOME0001",
      team_id: this.teamId,
      hash: `${Date.now()}.${++counter}`,
      app_id: "A0001",
      bot_id: "B0001",
    };
    this.homeViews.set(String(args.user_id), published);
    return { ok: true, view: published };
  }

  // ---- Web API ----

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? "/", "http://x");
    const method = url.pathname.replace(/^\/api\//, "").replace(/^\//, "");
    // biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
    const args: Record<string, any> = (req.headers["content-type"] ?? "").includes("json")
      ? raw
        ? JSON.parse(raw)
        : {}
      : Object.fromEntries(new URLSearchParams(raw));
    for (const key of ["blocks", "attachments", "chunks", "prompts", "loading_messages"])
      if (typeof args[key] === "string") args[key] = JSON.parse(args[key]);
    const limited = this.rateLimitOnce.find((r) => !r.done && r.method === method);
    if (limited) {
      limited.done = true;
      this.record({ method: `${method} (ratelimited)`, args, at: Date.now() });
      return this.json(res, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
    }
    this.record({ method, args, at: Date.now() });
    const wait = this.delays.get(method);
    if (wait) await new Promise((r) => this.pending.add(setTimeout(r, wait)));
    if (res.destroyed) return;
    const failure = this.failures.find((f) => f.times > 0 && f.method === method && f.match(args));
    if (failure) {
      failure.times--;
      return this.json(res, { ok: false, error: failure.error });
    }
    const auth = req.headers.authorization ?? (args.token ? `Bearer ${args.token}` : "");
    if (method.startsWith("response/")) return this.json(res, { ok: true });
    if (auth === `Bearer ${this.revokedToken}`) return this.json(res, { ok: false, error: "token_revoked" });
    if (method === "apps.connections.open") {
      // Slack wants an app-level token here; a bot token is the wrong kind.
      if (auth.startsWith("Bearer xoxb-")) return this.json(res, { ok: false, error: "not_allowed_token_type" });
      if (auth !== `Bearer ${this.appToken}`) return this.json(res, { ok: false, error: "invalid_auth" });
      return this.json(res, { ok: true, url: `ws://127.0.0.1:${this.port}/socket` });
    }
    if (auth !== `Bearer ${this.botToken}`) return this.json(res, { ok: false, error: "invalid_auth" });
    const refusedWith = this.httpRefusals.get(method); // ---- assistant & streaming ----
    if (refusedWith) return void res.writeHead(refusedWith).end();
    const assistant = this.assistantApi(method, args); // ---- assistant & streaming ----
    if (assistant) return this.json(res, assistant);
    if (method === "chat.postMessage") this.replied(args.channel, args.thread_ts); // ---- assistant & streaming ----
    switch (method) {
      case "auth.test":
        return this.json(res, {
          ok: true,
          url: "https://test.slack.com/",
          team: "Test",
          user: "sidbot",
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: "B0001",
          is_enterprise_install: false,
        });
      case "chat.postMessage":
        return this.json(res, { ok: true, channel: args.channel, ts: nextTs(), message: { text: args.text, user: this.botUserId } });
      case "chat.update":
        return this.json(res, { ok: true, channel: args.channel, ts: args.ts, text: args.text });
      case "chat.postEphemeral":
        return this.json(res, { ok: true, message_ts: nextTs() });
      case "views.publish":
        return this.json(res, this.publishView(args));
      default:
        return this.json(res, { ok: false, error: "unknown_method" });
    }
  }

  private json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }
}

// ---- assistant & streaming ----
/** Slack documents markdown_text as limited to 12,000 characters per streaming call. */
const STREAM_CALL_LIMIT = 12_000;

/** The markdown a streaming call carries, as `markdown_text` or markdown_text chunks. */
// biome-ignore lint/suspicious/noExplicitAny: the fake Slack API records untyped request arguments as received
function streamedText(args: Record<string, any>): string {
  const chunks = Array.isArray(args.chunks) ? args.chunks : [];
  return (
    (args.markdown_text ?? "") +
    chunks.map((c: { type?: string; text?: string }) => (c.type === "markdown_text" ? (c.text ?? "") : "")).join("")
  );
}

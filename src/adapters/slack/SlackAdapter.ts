/**
 * Slack (Bolt): Socket Mode (bot + app token) by default, HTTP mode (bot token + signing secret)
 * when no app token is set; what it answers is in SlackRequests.
 *
 * start() checks the bot token with auth.test before anything else and, in Socket Mode,
 * connects with the app token: a token Slack rejects fails at once with one line naming its
 * variable; an unreachable API is tried a few times with growing waits, then fails with one line
 * naming the host (PlatformStartError either way). Aborting start()'s signal abandons start-up
 * quietly. stop() stops taking requests, gives running ones a bounded time to deliver their
 * answers, then cuts every connection and retry: nothing of Slack keeps the process alive.
 */
import type { Server } from "node:http";
import { App, LogLevel, webApi } from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import { describeError, PlatformStartError, ShutdownError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import { finishesWithin } from "../../util/finishesWithin.js";
import { silentLogger } from "../../util/logger.js";
import type { Adapter } from "../Adapter.js";
import { boltLogger } from "./boltLogger.js";
import { logFailure } from "./logFailure.js";
import { retryWithBackoff } from "./retryWithBackoff.js";
import { runtimeClientOptions, singleTryClientOptions } from "./slackClientOptions.js";
import { isTransient, toStartError } from "./slackStartErrors.js";
import { SlackRequests } from "./SlackRequests.js";
import { SocketConnection } from "./SocketConnection.js";

const DEFAULT_API_URL = "https://slack.com/api/";
// Longest time stop() spends ending open streamed answers.
const STREAM_END_MS = 1000;

export interface SlackAdapterOptions {
  bot: Bot;
  botToken: string;
  /** `xapp-…`: Socket Mode. */
  appToken?: string | undefined;
  /** HTTP mode, when there is no app token. */
  signingSecret?: string | undefined;
  /** HTTP mode port (0: any free port). @defaultValue 3000 */
  port?: number | undefined;
  /** Web API base URL (`SLACK_API_URL`), for proxies and tests. */
  apiUrl?: string | undefined;
  /** Shortest time between streaming updates. @defaultValue 1000 */
  streamEditIntervalMs?: number;
  logger?: Logger;
  /** Tries to reach Slack at start-up before giving up. @defaultValue 4 */
  startAttempts?: number;
  /** Wait after the first failed try at start-up; doubles each time (1 + 2 + 4 s). @defaultValue 1000 */
  startRetryDelayMs?: number;
  /** Longest wait for one Web API call. @defaultValue 10000 */
  requestTimeoutMs?: number;
  /** First wait before reconnecting a lost Socket Mode connection after a failed try; doubles up to 30 s. @defaultValue 1000 */
  reconnectDelayMs?: number;
  /** Longest time stop() gives running requests and closing connections. @defaultValue 5000 */
  stopTimeoutMs?: number;
}

export class SlackAdapter implements Adapter {
  readonly name = "slack";
  readonly mode: "socket" | "http";
  /** Bolt, once start() has checked the bot token. */
  app: App | undefined;
  private readonly logger: Logger;
  private readonly apiUrl: string;
  private readonly requests: SlackRequests;
  /** Aborted by stop() (or start()'s signal): ends start-up waits and Socket Mode retries. */
  private readonly stopping = new AbortController();
  /** Aborted once stop() has given running requests their time: ends every Web API call and retry. */
  private readonly cutoff = new AbortController();
  private socket: SocketConnection | undefined;
  private server: Server | undefined;

  constructor(private readonly options: SlackAdapterOptions) {
    this.logger = (options.logger ?? silentLogger).child({ platform: "slack" });
    this.apiUrl = options.apiUrl ?? DEFAULT_API_URL;
    if (options.appToken) this.mode = "socket";
    else if (options.signingSecret) this.mode = "http";
    else
      throw new PlatformStartError(
        "slack",
        "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) besides SLACK_BOT_TOKEN",
      );
    this.requests = new SlackRequests({
      bot: options.bot,
      logger: this.logger,
      streamEditIntervalMs: options.streamEditIntervalMs ?? 1000,
    });
  }

  async start(signal?: AbortSignal): Promise<void> {
    // An aborted signal means the process is shutting down: start-up is abandoned without an error.
    signal?.addEventListener("abort", () => this.stopping.abort(signal.reason), { once: true });
    if (signal?.aborted) this.stopping.abort(signal.reason);
    try {
      const identity = await this.checkBotToken();
      this.stopping.signal.throwIfAborted();
      this.app = this.createApp(identity);
      if (this.socket) {
        await this.socket.connect(this.attempts, this.options.startRetryDelayMs ?? 1000, this.stopping.signal);
        this.stopping.signal.throwIfAborted();
        this.logger.info({ mode: "socket" }, "connected to Slack");
      } else {
        await this.listen(this.app);
        // stop() may have run while the server came up: it must not stay open.
        this.stopping.signal.throwIfAborted();
      }
    } catch (error) {
      await this.release();
      if (this.stopping.signal.aborted) {
        this.logger.info({}, "Slack start-up abandoned: shutting down");
        return;
      }
      throw error instanceof PlatformStartError
        ? error
        : new PlatformStartError("slack", `could not start Slack: ${describeError(error)}`, { cause: error });
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort(new ShutdownError("Slack adapter stopped"));
    const timeoutMs = this.options.stopTimeoutMs ?? 5000;
    const started = Date.now();
    // Stop taking requests (HTTP: no new connections), then let running ones deliver their answers.
    const closing = this.release(timeoutMs);
    // The last part of the time is kept for ending open streams, so nobody is left with a stream that never ends.
    const endStreamsMs = Math.min(STREAM_END_MS, Math.floor(timeoutMs / 4));
    if (!(await this.requests.settled(timeoutMs - endStreamsMs))) {
      this.logger.warn({ timeoutMs }, "stopped Slack with requests still running");
      await finishesWithin(this.requests.interruptStreams(), endStreamsMs);
    }
    this.cutoff.abort(new ShutdownError("Slack adapter stopped"));
    await closing;
    this.logger.debug({ ms: Date.now() - started }, "Slack stopped");
  }

  private get attempts(): number {
    return Math.max(1, this.options.startAttempts ?? 4);
  }

  /** auth.test with the bot token: who the bot is, or a one-line PlatformStartError. */
  private async checkBotToken(): Promise<{ botUserId: string; botId: string }> {
    const settings = {
      apiUrl: this.apiUrl,
      timeoutMs: this.options.requestTimeoutMs ?? 10_000,
      stop: this.stopping.signal,
      logger: this.logger,
    };
    const client = new webApi.WebClient(this.options.botToken, singleTryClientOptions(settings));
    try {
      const result = await retryWithBackoff(() => client.auth.test(), {
        attempts: this.attempts,
        firstDelayMs: this.options.startRetryDelayMs ?? 1000,
        signal: this.stopping.signal,
        retryable: isTransient,
      });
      return { botUserId: result.user_id ?? "", botId: result.bot_id ?? "" };
    } catch (error) {
      if (this.stopping.signal.aborted) throw error;
      throw toStartError(error, "SLACK_BOT_TOKEN", this.apiUrl, this.attempts);
    }
  }

  private createApp(identity: { botUserId: string; botId: string }): App {
    const { botToken, appToken, signingSecret } = this.options;
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    // With the ids from auth.test given, Bolt makes no auth.test call of its own.
    const common = {
      token: botToken,
      ...identity,
      tokenVerificationEnabled: false,
      logger: boltLogger(this.logger),
      logLevel: LogLevel.WARN,
      clientOptions: runtimeClientOptions({ apiUrl: this.apiUrl, timeoutMs, stop: this.cutoff.signal, logger: this.logger }),
    };
    let app: App;
    if (appToken) {
      this.socket = new SocketConnection({
        appToken,
        apiUrl: this.apiUrl,
        logger: this.logger,
        requestTimeoutMs: timeoutMs,
        reconnectDelayMs: this.options.reconnectDelayMs ?? 1000,
      });
      app = new App({ ...common, receiver: this.socket.receiver });
    } else {
      app = new App({ ...common, signingSecret: signingSecret!, port: this.options.port ?? 3000 });
    }
    this.requests.register(app);
    // The last resort: SlackRequests contains its failures, so this means a bug in sidbot or Bolt.
    app.error(async (error) => logFailure(this.logger, error, undefined, "slack handler failed"));
    return app;
  }

  private async listen(app: App): Promise<void> {
    const port = this.options.port ?? 3000;
    try {
      this.server = (await app.start(port)) as Server;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EADDRINUSE" || code === "EACCES")
        throw new PlatformStartError("slack", `cannot listen on port ${port} (${code}): set SLACK_PORT to a free port`, { cause: error });
      throw error;
    }
    const address = this.server.address();
    this.logger.info(
      { mode: "http", port: typeof address === "object" && address ? address.port : port },
      `listening on :${typeof address === "object" && address ? address.port : port}`,
    );
  }

  /** Closes the Socket Mode connection or the HTTP server, cutting what is still open after `timeoutMs`. */
  private async release(timeoutMs = this.options.stopTimeoutMs ?? 5000): Promise<void> {
    const socket = this.socket;
    const server = this.server;
    this.socket = undefined;
    this.server = undefined;
    if (socket) await socket.stop(Math.min(timeoutMs, 1000));
    if (server) await closeServer(server, timeoutMs);
  }
}

/** server.close() waits for every open request; after `timeoutMs` the rest are cut. */
async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (!(await finishesWithin(closed, timeoutMs))) {
    server.closeAllConnections();
    await closed;
  }
}

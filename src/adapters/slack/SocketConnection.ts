/**
 * The Socket Mode connection, kept by sidbot rather than by the Socket Mode client. Left to
 * itself the client retries apps.connections.open up to 100 times per attempt (for hours), goes
 * on after disconnect(), opens a new socket when a slow answer arrives after stop, and turns a
 * failed reconnect into an unhandled rejection. Here every attempt is one apps.connections.open
 * plus the WebSocket until Slack says hello; start-up tries a few times, a running bot retries
 * with capped backoff until stopped; stop() ends everything within a bound.
 */
import { SocketModeReceiver } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";
import { boltLogger } from "./boltLogger.js";
import { logFailure } from "./logFailure.js";
import { retryWithBackoff } from "./retryWithBackoff.js";
import { singleTryClientOptions } from "./slackClientOptions.js";
import { hostOf, isRejectedToken, isTransient, toStartError } from "./slackStartErrors.js";
import { PlatformError, ShutdownError, TimeoutError } from "../../errors.js";
import { finishesWithin } from "../../util/finishesWithin.js";

type SocketModeClient = SocketModeReceiver["client"];

export interface SocketConnectionOptions {
  appToken: string;
  apiUrl: string;
  logger: Logger;
  /** Longest wait for apps.connections.open; an attempt gets twice that to hear hello. */
  requestTimeoutMs: number;
  /** First wait before reconnecting after a failed try; doubles up to 30 s. */
  reconnectDelayMs: number;
}

export class SocketConnection {
  readonly receiver: SocketModeReceiver;
  private readonly client: SocketModeClient;
  private readonly stopping = new AbortController();
  private live = false;
  private reconnecting = false;

  constructor(private readonly options: SocketConnectionOptions) {
    const { appToken, apiUrl, logger, requestTimeoutMs } = options;
    this.receiver = new SocketModeReceiver({
      appToken,
      logger: boltLogger(logger),
      autoReconnectEnabled: false,
      installerOptions: {
        clientOptions: singleTryClientOptions({ apiUrl, timeoutMs: requestTimeoutMs, stop: this.stopping.signal, logger }),
      },
      // Reached only when Bolt itself fails around a request (sidbot's handlers contain theirs).
      processEventErrorHandler: async ({ error, event }) => {
        logFailure(
          logger,
          error,
          (event.body as { event_id?: string; trigger_id?: string }).event_id ?? (event.body as { trigger_id?: string }).trigger_id,
          "Slack request failed inside Bolt",
        );
        return false;
      },
    });
    this.client = this.receiver.client;
    this.client.on("disconnected", () => this.reconnect());
    // A socket opened while stop() ran (apps.connections.open answered just before) is closed at once.
    this.client.on("connecting", () => void (this.stopping.signal.aborted && setImmediate(() => forceClose(this.client))));
  }

  /**
   * Connects at start-up: a few tries while Slack is unreachable; a rejected SLACK_APP_TOKEN fails at once. `signal` abandons it, call in
   * flight included.
   */
  async connect(attempts: number, firstDelayMs: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener("abort", () => this.stopping.abort(signal.reason), { once: true });
    try {
      await retryWithBackoff(() => this.attempt(), { attempts, firstDelayMs, signal, retryable: isTransient });
    } catch (error) {
      if (signal.aborted) throw error;
      throw toStartError(error, "SLACK_APP_TOKEN", this.options.apiUrl, attempts);
    }
    this.live = true;
  }

  /** Ends the connection and any reconnecting; cuts the socket if the close handshake takes longer than `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.live = false;
    this.stopping.abort(new ShutdownError("Slack adapter stopped"));
    if (!(await finishesWithin(this.client.disconnect(), timeoutMs))) forceClose(this.client);
  }

  /** One try: apps.connections.open, then the WebSocket until Slack says hello. */
  private async attempt(): Promise<void> {
    this.stopping.signal.throwIfAborted();
    const limitMs = 2 * this.options.requestTimeoutMs;
    // start() rejects with nothing when the socket closes before hello.
    const hello = this.client.start().catch((error: unknown) => {
      throw error ?? new PlatformError("slack", "the Socket Mode connection closed before Slack said hello");
    });
    if (await finishesWithin(hello, limitMs)) return;
    forceClose(this.client);
    throw new TimeoutError(`Slack did not say hello within ${limitMs} ms`, limitMs);
  }

  /** After a lost connection: try again at once, then with growing waits, until connected or stopped. */
  private reconnect(): void {
    if (!this.live || this.reconnecting || this.stopping.signal.aborted) return;
    this.reconnecting = true;
    const { logger, reconnectDelayMs, apiUrl } = this.options;
    logger.warn({ host: hostOf(apiUrl) }, "lost the Slack connection; reconnecting");
    retryWithBackoff(() => this.attempt(), {
      attempts: Infinity,
      firstDelayMs: reconnectDelayMs,
      signal: this.stopping.signal,
      // A token revoked while running will not come back; anything else might.
      retryable: (error) => !isRejectedToken(error),
      onRetry: (error, attempt, delayMs) =>
        logger.warn({ err: error, attempt, retryInMs: delayMs, host: hostOf(apiUrl) }, "could not reconnect to Slack yet"),
    })
      .then(
        () => logger.info({ mode: "socket" }, "connected to Slack"),
        (error: unknown) => {
          if (!this.stopping.signal.aborted)
            logger.error({ err: toStartError(error, "SLACK_APP_TOKEN", apiUrl, 1) }, "gave up reconnecting to Slack");
        },
      )
      .finally(() => (this.reconnecting = false));
  }
}

/**
 * Tears the WebSocket down now. The client's disconnect() sends a close frame and waits up to
 * 30 s for the answer; a second call while closing cleans up at once (timers, socket).
 */
function forceClose(client: SocketModeClient): void {
  client.websocket?.disconnect();
  client.websocket?.disconnect();
}

/**
 * Terminal chat, the embedded default when no platform credentials are set: the same commands
 * as Discord and Slack (`/recommend …`, `/similar …`, `/bundle`, `/reset`) and free text.
 */
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import type { Bot } from "../../bot/Bot.js";
import type { BotInput, BotReply, HandleOptions } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import type { Adapter } from "../Adapter.js";
import { userMessageFor } from "../userMessages.js";
import { renderPlainText } from "./renderPlainText.js";

export interface ConsoleAdapterOptions {
  bot: Bot;
  input?: Readable;
  output?: Writable;
  /** Conversation id; the same id continues one conversation. @defaultValue "local" */
  conversation?: string;
  userId?: string;
  logger?: Logger;
  /** A banner printed at start. */
  banner?: string;
  /** Called with each request's prompt (`chat --show-prompt`). */
  onPrompt?: HandleOptions["onPrompt"];
}

const EXIT = /^\/(?:quit|exit)\s*$/i;

/** `/similar Halo 3` → command input; anything else is free text. */
export function parseConsoleInput(line: string): BotInput {
  const m = /^\/(recommend|similar|bundle|reset)\b\s*(.*)$/is.exec(line.trim());
  if (!m) return { text: line };
  const [, command, rest = ""] = m;
  switch (command!.toLowerCase()) {
    case "recommend":
      return { command: "recommend", query: rest };
    case "similar":
      return { command: "similar", game: rest };
    case "bundle":
      return { command: "bundle" };
    default:
      return { command: "reset" };
  }
}

export class ConsoleAdapter implements Adapter {
  readonly name = "console";
  private readonly input: Readable;
  private readonly output: Writable;
  private abort = new AbortController();

  constructor(private readonly options: ConsoleAdapterOptions) {
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return; // stopped before it started: no abort event will come
    const rl = createInterface({ input: this.input, output: this.output, terminal: (this.output as NodeJS.WriteStream).isTTY === true });
    const stop = () => rl.close();
    signal?.addEventListener("abort", stop, { once: true });
    this.abort.signal.addEventListener("abort", stop, { once: true });
    if (this.options.banner) this.write(`${this.options.banner}\n`);
    rl.setPrompt("you> ");
    rl.prompt();
    try {
      for await (const line of rl) {
        if (EXIT.test(line)) break;
        if (line.trim() !== "") await this.answer(line);
        rl.prompt();
      }
    } finally {
      rl.close();
      signal?.removeEventListener("abort", stop);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
  }

  /** Answers one line and prints the reply; returns it (for `chat --once`). */
  async answer(line: string): Promise<BotReply | undefined> {
    const progress = this.progress();
    let streamed = false;
    try {
      const reply = await this.options.bot.handle(
        {
          conversation: { platform: "console", scope: "dm", id: this.options.conversation ?? "local" },
          userId: this.options.userId ?? "console",
          input: parseConsoleInput(line),
        },
        {
          ...(this.options.onPrompt ? { onPrompt: this.options.onPrompt } : {}),
          onQueued: (position) => progress.update(`waiting — ${position} ahead of you…`),
          onText: (chunk) => {
            progress.clear();
            if (!streamed) this.write("bot> ");
            streamed = true;
            this.write(chunk);
          },
        },
      );
      progress.clear();
      const rendered = renderPlainText(streamed ? { ...reply, text: "" } : reply);
      this.write(`${streamed ? "\n" : "bot> "}${rendered}\n`);
      return reply;
    } catch (error) {
      progress.clear();
      (this.options.logger ?? silentLogger).error({ err: String(error) }, "console request failed");
      this.write(`bot> ${userMessageFor(error)}\n`);
      return undefined;
    }
  }

  private write(text: string) {
    this.output.write(text);
  }

  /** A "thinking…" line on a terminal; nothing when output is piped. */
  private progress() {
    const tty = (this.output as NodeJS.WriteStream).isTTY === true;
    let shown = false;
    const show = (text: string) => {
      if (!tty) return;
      this.write(`\r\x1b[2K${text}`);
      shown = true;
    };
    const timer = setTimeout(() => show("thinking…"), 150);
    return {
      update: show,
      clear: () => {
        clearTimeout(timer);
        if (shown) this.write("\r\x1b[2K");
        shown = false;
      },
    };
  }
}

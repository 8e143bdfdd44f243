/**
 * manifest.yaml declares what the Slack adapter needs: every event it listens for (read from a
 * real Bolt App as SlackRequests registers on it), every bot scope the Web API methods it calls
 * need (calls found in src/adapters/slack), its slash commands, interactivity, the Home tab and
 * the assistant view. The event → scope and method → scope tables below are written from
 * Slack's documentation of each event and method, not from sidbot's code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "@slack/bolt";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SlackRequests } from "../../../src/adapters/slack/SlackRequests.js";
import { PROJECT_ROOT } from "../../../src/config.js";
import { silentLogger } from "../../../src/util/logger.js";
import { testBot } from "../../support/bots.js";

// Slack's docs, per event: the bot scope a subscription needs (none listed = none needed).
const EVENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  app_mention: ["app_mentions:read"],
  app_home_opened: [],
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  "message.im": ["im:history"],
  "message.mpim": ["mpim:history"],
  assistant_thread_started: ["assistant:write"],
  assistant_thread_context_changed: ["assistant:write"],
};

// Slack's docs, per Web API method: the bot scopes it needs; `anyOf` where one of several will
// do (conversations.replies needs the history scope of the conversation's type).
const METHOD_SCOPES: Readonly<Record<string, readonly string[] | { anyOf: readonly string[] }>> = {
  "auth.test": [],
  "chat.postMessage": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.delete": ["chat:write"],
  "chat.startStream": ["chat:write"],
  "chat.appendStream": ["chat:write"],
  "chat.stopStream": ["chat:write"],
  "views.publish": [],
  "assistant.threads.setStatus": ["chat:write"],
  "assistant.threads.setSuggestedPrompts": ["assistant:write"],
  "assistant.threads.setTitle": ["assistant:write"],
  "conversations.replies": { anyOf: ["channels:history", "groups:history", "im:history", "mpim:history"] },
};

// What Bolt's helpers call for us (Bolt's Assistant docs and @slack/web-api's ChatStreamer).
const HELPER_METHODS: readonly [RegExp, readonly string[]][] = [
  [/\.chatStream\(/, ["chat.startStream", "chat.appendStream", "chat.stopStream"]],
  [/\bsetStatus\(/, ["assistant.threads.setStatus"]],
  [/\bsetSuggestedPrompts\(/, ["assistant.threads.setSuggestedPrompts"]],
  [/\bsetTitle\(/, ["assistant.threads.setTitle"]],
  [/\bsay\(/, ["chat.postMessage"]],
  [/\b(getThreadContext|saveThreadContext)\(/, ["conversations.replies", "chat.update"]],
];

// Bolt listeners → the events Slack must send: app.message answers in public and private
// channels' threads and DMs; Bolt's Assistant listens for its thread events and DM messages.
const MESSAGE_EVENTS = ["message.channels", "message.groups", "message.im"];
const ASSISTANT_EVENTS = ["assistant_thread_started", "assistant_thread_context_changed", "message.im"];

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };
// `uniqueKeys` (the default) refuses a key given twice, which Slack would also refuse.
const manifest = parse(readFileSync(join(PROJECT_ROOT, "manifest.yaml"), "utf8")) as Record<string, YamlValue>;
const at = (path: string): YamlValue =>
  path.split(".").reduce<YamlValue>((v, key) => (v && typeof v === "object" && !Array.isArray(v) ? (v[key] ?? null) : null), manifest);
const strings = (path: string) => (at(path) as string[] | null) ?? [];

/** What SlackRequests registers on a real Bolt App (nothing is started). */
async function registered() {
  const t = await testBot();
  cleanups.push(t.dispose);
  const app = new App({ token: "xoxb-test", signingSecret: "test", tokenVerificationEnabled: false, botId: "B1", botUserId: "U1" });
  const seen = { events: new Set<string>(), commands: new Set<string>(), actions: 0 };
  const watch = <K extends "event" | "message" | "command" | "action" | "assistant">(name: K, record: (args: unknown[]) => void) => {
    const original = (app[name] as (...args: unknown[]) => unknown).bind(app);
    (app as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      record(args);
      return original(...args);
    };
  };
  watch("event", ([type]) => seen.events.add(String(type)));
  watch("message", () => {
    for (const e of MESSAGE_EVENTS) seen.events.add(e);
  });
  watch("assistant", () => {
    for (const e of ASSISTANT_EVENTS) seen.events.add(e);
  });
  watch("command", ([name]) => seen.commands.add(String(name)));
  watch("action", () => seen.actions++);
  new SlackRequests({ bot: t.bot, logger: silentLogger, streamEditIntervalMs: 1000 }).register(app);
  return seen;
}

/** Web API methods the Slack adapter's code calls, directly or through Bolt's helpers. */
function methodsCalled(): Map<string, string> {
  const dir = join(PROJECT_ROOT, "src/adapters/slack");
  const found = new Map<string, string>();
  for (const file of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts"))) {
    const code = readFileSync(join(dir, file), "utf8").replace(/^\s*(\/\/|\*).*$/gm, "");
    for (const m of code.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g)) found.set(m[1]!, file);
    for (const m of code.matchAll(/\bapiCall\(\s*["']([\w.]+)["']/g)) found.set(m[1]!, file);
    for (const [pattern, methods] of HELPER_METHODS) if (pattern.test(code)) for (const method of methods) found.set(method, file);
  }
  return found;
}

describe("manifest.yaml", () => {
  it("subscribes to every event the adapter listens for, with each event's scope", async () => {
    const { events } = await registered();
    expect([...events]).toContain("app_home_opened");
    const declared = strings("settings.event_subscriptions.bot_events");
    const scopes = strings("oauth_config.scopes.bot");
    for (const event of events) {
      expect(declared, `bot_events lacks ${event}`).toContain(event);
      const needed = EVENT_SCOPES[event];
      expect(needed, `add ${event}'s scope to EVENT_SCOPES from Slack's docs`).toBeDefined();
      for (const scope of needed!) expect(scopes, `${event} needs ${scope}`).toContain(scope);
    }
  });

  it("has the bot scopes of every Web API method the adapter calls", () => {
    const methods = methodsCalled();
    expect([...methods.keys()]).toEqual(expect.arrayContaining(["chat.postMessage", "chat.update", "views.publish", "auth.test"]));
    const scopes = strings("oauth_config.scopes.bot");
    for (const [method, file] of methods) {
      const needed = METHOD_SCOPES[method];
      expect(needed, `${file} calls ${method}: add its scopes to METHOD_SCOPES from Slack's docs`).toBeDefined();
      if (Array.isArray(needed)) for (const scope of needed) expect(scopes, `${method} needs ${scope}`).toContain(scope);
      else
        expect(
          (needed as { anyOf: string[] }).anyOf.some((s) => scopes.includes(s)),
          `${method} needs one of its scopes`,
        ).toBe(true);
    }
  });

  it("declares the slash commands (with the commands scope), interactivity for the buttons, the Home tab", async () => {
    const { commands, actions } = await registered();
    const declared = ((at("features.slash_commands") as { command: string }[] | null) ?? []).map((c) => c.command);
    for (const command of commands) expect(declared).toContain(command);
    if (commands.size > 0) expect(strings("oauth_config.scopes.bot")).toContain("commands");
    if (actions > 0) expect(at("settings.interactivity.is_enabled")).toBe(true);
    expect(at("features.app_home.home_tab_enabled")).toBe(true);
    // The assistant's chat and DMs live in the Messages tab.
    expect(at("features.app_home.messages_tab_enabled")).toBe(true);
    expect(at("features.bot_user.display_name")).toEqual(expect.any(String));
  });

  it("has the assistant view: a description and suggested prompts (title + message), and assistant:write", () => {
    expect(at("features.assistant_view.assistant_description")).toEqual(expect.stringMatching(/\S/));
    const prompts = at("features.assistant_view.suggested_prompts") as { title: string; message: string }[];
    expect(prompts.length).toBeGreaterThan(0);
    for (const p of prompts) expect(p).toEqual({ title: expect.stringMatching(/\S/), message: expect.stringMatching(/\S/) });
    expect(strings("oauth_config.scopes.bot")).toContain("assistant:write");
    for (const event of ["assistant_thread_started", "assistant_thread_context_changed", "message.im"])
      expect(strings("settings.event_subscriptions.bot_events")).toContain(event);
  });
});

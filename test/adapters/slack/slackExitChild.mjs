// One Slack start/stop scenario in a process of its own (the built code in dist/, the fake built
// into .cache/ by the test global setup). It prints what happened and then simply returns: the
// parent checks that the process exits by itself, i.e. that nothing of Slack (retries, timers,
// sockets) keeps it alive.
import { SlackAdapter } from "../../../dist/src/adapters/slack/SlackAdapter.js";
import { FakeSlack } from "../../../.cache/test-fakes/FakeSlack.js";

const [scenario, deadPort] = process.argv.slice(2);
const fake = new FakeSlack();
await fake.start();
const base = {
  bot: {},
  botToken: fake.botToken,
  appToken: fake.appToken,
  apiUrl: fake.apiUrl,
  startAttempts: 2,
  startRetryDelayMs: 50,
  stopTimeoutMs: 1000,
};
const options = {
  "bad-bot-token": { botToken: "xoxb-wrong" },
  "bad-app-token": { appToken: "xapp-wrong" },
  unreachable: { apiUrl: `http://127.0.0.1:${deadPort}/api/` },
  connected: {},
  reconnecting: {},
  http: { appToken: undefined, signingSecret: "s3cret", port: 0 },
}[scenario];
const adapter = new SlackAdapter({ ...base, ...options });
try {
  await adapter.start();
  console.log("started");
} catch (error) {
  console.log(`start failed: ${error.message}`);
}
if (scenario === "reconnecting") {
  // Lose the connection while Slack is slow to hand out a new one, then stop mid-reconnect.
  fake.delay("apps.connections.open", 30_000);
  const since = Date.now();
  fake.dropSockets();
  await fake.waitFor((c) => c.method === "apps.connections.open" && c.at >= since);
}
await adapter.stop();
await fake.stop();
console.log("stopped");

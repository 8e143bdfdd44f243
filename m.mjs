import { LlamaBackend } from "./dist/src/engine/model/LlamaBackend.js";
import { loadCatalog } from "./dist/src/engine/catalog/loadCatalog.js";
import { SidLayout } from "./dist/src/engine/sid/SidLayout.js";
import { buildUserTurn } from "./dist/src/engine/prompts/buildUserTurn.js";
import { renderChatML, promptText } from "./dist/src/engine/prompts/renderChatML.js";
const { catalog } = await loadCatalog("/tmp/fx.jsonl", new SidLayout());
let t = performance.now();
const be = await LlamaBackend.load({ modelPath: "/tmp/fx.gguf", catalog, gpu: false, sequences: 2 });
console.log("load", performance.now() - t);
const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[0]] });
const segs = renderChatML([turn]);
console.log(JSON.stringify(promptText(segs)));
console.log(be.plainText("<|im_start|>system <think>"), be.model.tokenize("<think>", false));
for (const kind of ["similar", "explain", "bundle"]) {
  const { turn, plan } = buildUserTurn({ kind, items: [catalog.items[0]] });
  t = performance.now();
  const r = await be.generate({ segments: renderChatML([turn]), plan, sampling: { temperature: 0.3, topK: 20, topP: 0.7 }, maxTokens: 40, exclude: [catalog.items[0]] });
  console.log(kind, (performance.now() - t).toFixed(0), r.tokens, r.items.map(i => i.title), JSON.stringify(r.text).slice(0, 100), r.parts.length);
}
t = performance.now();
const ranked = await be.rank({ segments: segs, k: 5 });
console.log("rank", (performance.now() - t).toFixed(0), ranked.map(r => [r.item.title, r.probability.toExponential(2)]));
await be.dispose();

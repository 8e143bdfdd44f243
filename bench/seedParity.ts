/**
 * `npm run parity`: `sidbot map` against the model card's own Python code on a 66,097-item
 * synthetic catalog (or `--catalog FILE.jsonl`), side by side, byte for byte.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureCatalogRows } from "../src/engine/fixtures/fixtureCatalog.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { seededRandom } from "../src/util/random.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const layout = new SidLayout();
const dir = mkdtempSync(join(tmpdir(), "sidbot-parity-"));
try {
  const given = process.argv.indexOf("--catalog");
  const catalog = given > 0 ? process.argv[given + 1]! : join(dir, "catalog.jsonl");
  if (given < 0) writeFileSync(catalog, [...fixtureCatalogRows({ items: 66_097, seed: 7, layout })].map((r) => JSON.stringify(r)).join("\n"));
  const sids = readFileSync(catalog, "utf8")
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { semantic_id: string }).semantic_id);
  const random = seededRandom(5);
  const token = (level: number) => `<|sid_${level * 256 + random.int(256)}|>`;
  const variants = [
    () => random.pick(sids),
    () => random.pick(sids).replace(/<\|sid_\d+\|><\|sid_end\|>/, "<|sid_1023|><|sid_end|>"),
    () => `<|sid_start|>${token(0)}${token(1)}${token(2)}${token(3)}<|sid_end|>`,
    () => `<|sid_start|>${token(0)}${token(1)}<|sid_end|>`,
    () => random.pick(sids).replace(/<\|sid_(\d+)\|>/, "<|sid_0$1|>"),
    () => "text $& ٣ <|im_end|>",
  ];
  const texts = Array.from({ length: 60 }, () => Array.from({ length: 1 + random.int(4) }, () => random.pick(variants)()).join(", "));
  const python = JSON.parse(execFileSync("python3", [join(root, "test/support/seed_mapping.py")], { input: JSON.stringify({ catalog, texts }), encoding: "utf8", maxBuffer: 1e8 })) as string[];
  let same = 0;
  for (const [i, text] of texts.entries()) {
    const ours = execFileSync("node", [join(root, "bin/sidbot.js"), "--catalog", catalog, "map", text], { encoding: "utf8" });
    if (ours === `${python[i]}\n`) same++;
    else console.log(`DIFF\n  text:   ${JSON.stringify(text)}\n  sidbot: ${JSON.stringify(ours)}\n  seed:   ${JSON.stringify(python[i])}`);
  }
  console.log(`${same}/${texts.length} identical: sidbot map vs the card's Python on ${sids.length} items`);
  process.exitCode = same === texts.length ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `npm run parity -- --seed-code FILE.py`: `sidbot map` against the model card's own Python
 * mapping code on a 66,097-item synthetic catalog (or `--catalog FILE.jsonl`), side by side,
 * byte for byte. FILE.py is supplied by the user and holds the card's `parse_semantic_id`,
 * `map_semantic_id_to_titles` and `extract_and_replace_semantic_ids`; the repository holds no
 * copy. Only those three function definitions are taken from the file (its imports, dataset
 * loading and other code are not run); pandas is used when installed, else a minimal stand-in.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureCatalogRows } from "../src/engine/fixtures/fixtureCatalog.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { seededRandom } from "../src/util/random.js";

const SEED_FUNCTIONS = ["parse_semantic_id", "map_semantic_id_to_titles", "extract_and_replace_semantic_ids"];

/**
 * Reads {"seed_code", "catalog", "texts"} on stdin, prints a JSON list with the card's
 * extract_and_replace_semantic_ids(text, mapping_df) for each text.
 */
const DRIVER = `
import ast, json, re, sys
from typing import List

try:
    import pandas as pd
except ImportError:  # a stand-in with the operations the card's code uses: masks, ==, .str.startswith, .tolist(), len()
    class _Mask(list):
        pass

    class _Str:
        def __init__(self, values):
            self.values = values

        def startswith(self, prefix):
            return _Mask(isinstance(v, str) and v.startswith(prefix) for v in self.values)

    class _Series:
        def __init__(self, values):
            self.values = list(values)

        def __eq__(self, other):
            return _Mask(v == other for v in self.values)

        @property
        def str(self):
            return _Str(self.values)

        def tolist(self):
            return list(self.values)

    class _DataFrame:
        def __init__(self, columns):
            self.columns = columns

        def __getitem__(self, key):
            if isinstance(key, _Mask):
                return _DataFrame({c: [v for v, m in zip(vals, key) if m] for c, vals in self.columns.items()})
            return _Series(self.columns[key])

        def __len__(self):
            return len(self.columns["semantic_id"])

    class pd:  # noqa: N801
        DataFrame = _DataFrame

request = json.load(sys.stdin)
wanted = set(request["functions"])
with open(request["seed_code"], encoding="utf-8") as f:
    module = ast.parse(f.read(), request["seed_code"])
defs = [node for node in module.body if isinstance(node, ast.FunctionDef) and node.name in wanted]
missing = wanted - {node.name for node in defs}
if missing:
    sys.exit("%s does not define %s" % (request["seed_code"], ", ".join(sorted(missing))))
namespace = {"re": re, "List": List, "pd": pd}
exec(compile(ast.Module(body=defs, type_ignores=[]), request["seed_code"], "exec"), namespace)
sids, titles = [], []
with open(request["catalog"], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            row = json.loads(line)
            sids.append(row["semantic_id"])
            titles.append(row["title"])
df = pd.DataFrame({"semantic_id": sids, "title": titles})
json.dump([namespace["extract_and_replace_semantic_ids"](t, df) for t in request["texts"]], sys.stdout, ensure_ascii=False)
`;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const seedCode = option("--seed-code");
if (!seedCode || !existsSync(seedCode)) {
  console.error(
    `${seedCode ? `no such file: ${seedCode}. ` : ""}Pass the model card's mapping code: npm run parity ` +
      `-- --seed-code FILE.py (a Python file defining ${SEED_FUNCTIONS.join(", ")}, copied from the card).`,
  );
  process.exit(2);
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const layout = new SidLayout();
const dir = mkdtempSync(join(tmpdir(), "sidbot-parity-"));
try {
  const given = option("--catalog");
  const catalog = given ?? join(dir, "catalog.jsonl");
  if (!given) writeFileSync(catalog, [...fixtureCatalogRows({ items: 66_097, seed: 7, layout })].map((r) => JSON.stringify(r)).join("\n"));
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
  const driver = join(dir, "driver.py");
  writeFileSync(driver, DRIVER);
  const request = { seed_code: resolve(seedCode), functions: SEED_FUNCTIONS, catalog, texts };
  const python = JSON.parse(
    execFileSync("python3", [driver], { input: JSON.stringify(request), encoding: "utf8", maxBuffer: 1e8 }),
  ) as string[];
  let same = 0;
  for (const [i, text] of texts.entries()) {
    const ours = execFileSync("node", [join(root, "bin/sidbot.js"), "--catalog", catalog, "map", text], { encoding: "utf8" });
    if (ours === `${python[i]}\n`) same++;
    else console.log(`DIFF\n  text:   ${JSON.stringify(text)}\n  sidbot: ${JSON.stringify(ours)}\n  seed:   ${JSON.stringify(python[i])}`);
  }
  console.log(`${same}/${texts.length} identical: sidbot map vs the card's Python (${seedCode}) on ${sids.length} items`);
  process.exitCode = same === texts.length ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

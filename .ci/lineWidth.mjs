// Fails when a tracked source line is wider than Biome's lineWidth: the formatter wraps code but
// cannot wrap a long string, regex or comment.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const width = JSON.parse(readFileSync("biome.json", "utf8")).formatter.lineWidth;
const files = execFileSync("git", ["ls-files", "*.ts", "*.js", "*.mjs"], { encoding: "utf8" }).split("\n").filter(Boolean);
const long = files.flatMap((file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, i) => ([...line].length > width ? [`${file}:${i + 1}: ${[...line].length} characters`] : [])),
);
for (const line of long) console.error(line);
if (long.length > 0) {
  console.error(`${long.length} line(s) wider than ${width} (biome.json formatter.lineWidth)`);
  process.exit(1);
}

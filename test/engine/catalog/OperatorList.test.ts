import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { type ListFileAccess, OperatorList } from "../../../src/engine/catalog/OperatorList.js";
import { ConfigError } from "../../../src/errors.js";
import { layout } from "../../support/catalogs.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
// Ten items: SID (i, 0, 0, 0), parent_asin "B00000000i".
const catalog = new Catalog(
  layout,
  Array.from({ length: 10 }, (_, i) => ({
    sid: layout.format([i, 0, 0, 0]),
    codes: [i, 0, 0, 0],
    title: `Game ${i}`,
    meta: { parent_asin: `B00000000${i}` },
  })),
);
const sid = (i: number) => layout.format([i, 0, 0, 0]);
let files = 0;
const listFile = (text: string) => {
  const path = join(dir, `list-${files++}.txt`);
  writeFileSync(path, text);
  return path;
};
const indices = (list: OperatorList) => [...list.current().items].sort((a, b) => a - b);

describe("OperatorList", () => {
  it("reads SIDs and parent_asins, one a line; blank lines and # comments are ignored", () => {
    const path = listFile(`# in stock today\n${sid(1)}\n\n  B000000003  # by ASIN\r\n${sid(7)}   \n#${sid(9)}\n`);
    const list = OperatorList.open(path, "catalog.allowPath", catalog, recordingLogger());
    expect(indices(list)).toEqual([1, 3, 7]);
    expect(list.current().unknown).toBe(0);
  });

  it("counts entries the catalog does not have and logs them once per read, not once per request", () => {
    const logger = recordingLogger();
    const path = listFile(`${sid(2)}\nB0NOTHERE1\nnot a sid\n${layout.format([200, 0, 0, 0])}\n`);
    const list = OperatorList.open(path, "catalog.denyPath", catalog, logger);
    for (let i = 0; i < 5; i++) expect(indices(list)).toEqual([2]);
    const warnings = logger.entries.filter((e) => e.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields).toMatchObject({ key: "catalog.denyPath", unknown: 3 });
    expect(warnings[0]!.message).toBe("3 catalog.denyPath entries are not in the catalog; ignored");
  });

  it("fails at start with one line naming the key when the file is missing or unreadable", () => {
    const missing = join(dir, "missing.txt");
    const error = (() => {
      try {
        OperatorList.open(missing, "catalog.allowPath", catalog, recordingLogger());
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(`config: catalog.allowPath: cannot read ${missing}: file not found`);
    expect(() => OperatorList.open(dir, "catalog.denyPath", catalog, recordingLogger())).toThrow(
      /^config: catalog\.denyPath: cannot read .*: it is a folder$/,
    );
  });

  it("takes an edit on the next look, even one of the same size made at once", () => {
    const path = listFile(`${sid(1)}\n`);
    const list = OperatorList.open(path, "catalog.allowPath", catalog, recordingLogger());
    const before = list.current().version;
    writeFileSync(path, `${sid(2)}\n`);
    expect(indices(list)).toEqual([2]);
    expect(list.current().version).not.toBe(before);
    writeFileSync(path, `${sid(1)}\n${sid(4)}\n`);
    expect(indices(list)).toEqual([1, 4]);
    // Replaced by rename, as editors and deploy tools do.
    writeFileSync(`${path}.new`, "B000000005\n");
    renameSync(`${path}.new`, path);
    expect(indices(list)).toEqual([5]);
  });

  it("keeps the last good list when the file disappears or cannot be read, says so once, and recovers", () => {
    const logger = recordingLogger();
    const path = listFile(`${sid(6)}\n`);
    const list = OperatorList.open(path, "catalog.allowPath", catalog, logger);
    rmSync(path);
    expect(indices(list)).toEqual([6]);
    expect(indices(list)).toEqual([6]);
    const warnings = logger.entries.filter((e) => e.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe("operator list cannot be read; keeping the last good list");
    expect(warnings[0]!.fields).toMatchObject({ key: "catalog.allowPath", reason: "file not found", items: 1 });
    writeFileSync(path, `${sid(8)}\n`);
    expect(indices(list)).toEqual([8]);
    if (process.getuid?.() !== 0) {
      // (root reads any file, so this part only means something for other users)
      chmodSync(path, 0o000);
      expect(indices(list)).toEqual([8]);
      chmodSync(path, 0o644);
    }
  });

  it("an emptied allow-list names no items (it is not treated as 'no list')", () => {
    const path = listFile(`${sid(3)}\n`);
    const list = OperatorList.open(path, "catalog.allowPath", catalog, recordingLogger());
    writeFileSync(path, "# nothing in stock\n");
    expect(indices(list)).toEqual([]);
  });

  it("on a file system with coarse timestamps, an edit that keeps the stamp is still seen, however late the next look", () => {
    // A file system whose stamp did not change across the edit (same size, 1-2 s granularity):
    // the stat says the same thing before and after; only the content differs.
    const path = listFile(`${sid(1)}\n`);
    let now = 1_000_500;
    let reads = 0;
    const coarse: ListFileAccess = {
      stat: () => ({ size: 100, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 7 }),
      readFile: (file) => {
        reads++;
        return readFileSync(file, "utf8");
      },
      now: () => now,
    };
    // Read half a second after the modification: racy.
    const list = OperatorList.open(path, "catalog.allowPath", catalog, recordingLogger(), coarse);
    writeFileSync(path, `${sid(2)}\n`);
    // The next request comes long after the settle window: the content is compared anyway.
    now += 60_000;
    expect(indices(list)).toEqual([2]);
    // That read was long after the modification: the stamp is trusted from now on (no read per request).
    const settled = reads;
    for (let i = 0; i < 5; i++) expect(indices(list)).toEqual([2]);
    expect(reads).toBe(settled);
  });

  it("warns when a list that named items now names none the catalog has", () => {
    const logger = recordingLogger();
    const path = listFile(`${sid(3)}\n${sid(4)}\n`);
    const list = OperatorList.open(path, "catalog.allowPath", catalog, logger);
    writeFileSync(path, "B0NOTHERE1\nB0NOTHERE2\nB0NOTHERE3\n");
    expect(indices(list)).toEqual([]);
    const warning = logger.entries.find((e) => e.level === "warn" && e.fields.before === 2);
    expect(warning?.message).toBe("catalog.allowPath went from 2 known items to none");
  });

  it("a parent_asin that several catalog items share names every one of them", () => {
    const twins = new Catalog(
      layout,
      Array.from({ length: 4 }, (_, i) => ({
        sid: layout.format([i, 0, 0, 0]),
        codes: [i, 0, 0, 0],
        title: `Game ${i}`,
        // Items 1 and 3 are editions under one product page.
        meta: { parent_asin: i === 3 ? "B000000001" : `B00000000${i}` },
      })),
    );
    const list = OperatorList.open(listFile("B000000001\n"), "catalog.allowPath", twins, recordingLogger());
    expect(indices(list)).toEqual([1, 3]);
    expect(list.current().unknown).toBe(0);
  });
});

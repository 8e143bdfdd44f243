/**
 * An operator's list of items (`catalog.allowPath`, `catalog.denyPath`): a text file with one SID
 * or `parent_asin` per line; blank lines and `#` comments are ignored. Entries the catalog does
 * not have are counted and logged once per read, never fatal.
 *
 * Each request asks for the list as it is now: a cheap stat compares size, times and inode with
 * the last read and re-reads on any change, so an edit takes effect on the next request without
 * fs.watch timing. A file changed within the file system's timestamp granularity could keep its
 * stamp, so git's "racy" rule applies: while the last read happened within SETTLE_MS of the
 * file's modification, every request re-reads it by content (the version is a content hash, so
 * an unchanged file costs a read, not a rebuild); the first read after that window trusts the
 * stamp again. A list that disappears or becomes
 * unreadable while running keeps its last good content (and says so once in the log); at start-up
 * it fails with one line naming the config key.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { ConfigError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import type { Catalog } from "./Catalog.js";
import { JOIN_COLUMN } from "./productMetadata.js";

/** The list as read: the item indices it names and a version that changes with its content. */
export interface ListSnapshot {
  /** Catalog item indices (file order) the list names. */
  readonly items: ReadonlySet<number>;
  /** A short hash of the file's content: the same content, the same version. */
  readonly version: string;
  /** Entries the catalog does not have. */
  readonly unknown: number;
}

// A read this soon (ms) after the file's modification may have missed an edit that kept the stamp
// (coarse timestamps: ext2/3 and FAT have 1–2 s), so the next request compares the content too.
const SETTLE_MS = 2000;

/** The file system and clock, as a seam for tests (coarse timestamps without mounting one). */
export interface ListFileAccess {
  stat(path: string): { size: number; mtimeMs: number; ctimeMs: number; ino: number };
  readFile(path: string): string;
  now(): number;
}

const REAL_FILES: ListFileAccess = {
  stat: (path) => statSync(path),
  readFile: (path) => readFileSync(path, "utf8"),
  now: () => Date.now(),
};
const EXAMPLES = 3;

export class OperatorList {
  private stamp: string;
  private snapshot: ListSnapshot;
  private failing = false;
  /** The last read was within SETTLE_MS of the file's modification: the stamp cannot be trusted yet. */
  private racy = true;

  private constructor(
    readonly path: string,
    /** The config key that named the file (for messages). */
    readonly key: string,
    private readonly catalog: Catalog,
    private readonly logger: Logger,
    private readonly lookup: ReadonlyMap<string, readonly number[]>,
    private readonly files: ListFileAccess,
  ) {
    const read = this.read();
    if ("error" in read) throw new ConfigError(key, `config: ${key}: cannot read ${path}: ${read.error}`);
    this.stamp = read.stamp;
    this.racy = read.racy;
    this.snapshot = read.snapshot;
    this.reportUnknown(read.snapshot, read.examples);
  }

  /** Reads the list now; a missing or unreadable file is a {@link ConfigError} naming `key`. */
  static open(path: string, key: string, catalog: Catalog, logger: Logger, files: ListFileAccess = REAL_FILES): OperatorList {
    return new OperatorList(path, key, catalog, logger, entryLookup(catalog), files);
  }

  /** The list as the file says now (re-read when it changed); the last good one when it cannot be read. */
  current(): ListSnapshot {
    let stamp: string;
    try {
      stamp = stampOf(this.files.stat(this.path));
    } catch (error) {
      this.fail(describe(error));
      return this.snapshot;
    }
    if (stamp === this.stamp && !this.racy && !this.failing) return this.snapshot;
    const read = this.read();
    if ("error" in read) {
      this.fail(read.error);
      return this.snapshot;
    }
    if (this.failing) this.logger.info({ key: this.key, path: this.path }, "operator list readable again");
    this.failing = false;
    this.stamp = read.stamp;
    this.racy = read.racy;
    if (read.snapshot.version !== this.snapshot.version) {
      const before = this.snapshot.items.size;
      this.snapshot = read.snapshot;
      // An allow-list that now names nothing allows nothing: likely a mistake, so say it loudly.
      if (before > 0 && read.snapshot.items.size === 0)
        this.logger.warn(
          { key: this.key, path: this.path, before, unknown: read.snapshot.unknown },
          `${this.key} went from ${before} known items to none`,
        );
      this.reportUnknown(read.snapshot, read.examples);
      this.logger.info({ key: this.key, path: this.path, items: read.snapshot.items.size }, "operator list re-read");
    }
    return this.snapshot;
  }

  private fail(reason: string): void {
    if (!this.failing)
      this.logger.warn(
        { key: this.key, path: this.path, reason, items: this.snapshot.items.size },
        "operator list cannot be read; keeping the last good list",
      );
    this.failing = true;
  }

  private read(): { stamp: string; racy: boolean; snapshot: ListSnapshot; examples: string[] } | { error: string } {
    let text: string;
    let stamp: string;
    let racy: boolean;
    try {
      // Stat before reading: an edit racing the read changes the stamp again and is read next time.
      const stat = this.files.stat(this.path);
      stamp = stampOf(stat);
      racy = this.files.now() - Math.max(stat.mtimeMs, stat.ctimeMs) <= SETTLE_MS;
      text = this.files.readFile(this.path);
    } catch (error) {
      return { error: describe(error) };
    }
    const version = createHash("sha256").update(text).digest("hex").slice(0, 12);
    // Unchanged content (a re-read within the settle window): no need to look every entry up again.
    const last = this.snapshot as ListSnapshot | undefined;
    if (last?.version === version) return { stamp, racy, snapshot: last, examples: [] };
    const items = new Set<number>();
    const unknown: string[] = [];
    let unknownCount = 0;
    for (const line of text.split(/\r?\n/)) {
      const entry = line.replace(/#.*$/, "").trim();
      if (entry === "") continue;
      // A parent_asin may stand for several items (editions sharing one product page): all of them.
      const indices = this.lookup.get(entry) ?? [this.catalog.get(entry)?.index];
      let known = false;
      for (const index of indices) {
        if (index === undefined) continue;
        items.add(index);
        known = true;
      }
      if (!known && unknownCount++ < EXAMPLES) unknown.push(entry);
    }
    return { stamp, racy, snapshot: { items, version, unknown: unknownCount }, examples: unknown };
  }

  /** Once per new content: how many entries the catalog does not have. */
  private reportUnknown(snapshot: ListSnapshot, examples: readonly string[]): void {
    if (snapshot.unknown === 0) return;
    const n = snapshot.unknown;
    this.logger.warn(
      { key: this.key, path: this.path, unknown: n, examples },
      `${n} ${this.key} ${n === 1 ? "entry is" : "entries are"} not in the catalog; ignored`,
    );
  }
}

/** `parent_asin` → the indices of every item with it, for lists that name products rather than SIDs. */
function entryLookup(catalog: Catalog): Map<string, number[]> {
  const byAsin = new Map<string, number[]>();
  for (const item of catalog.items) {
    const asin = item.meta[JOIN_COLUMN];
    if (typeof asin !== "string" || asin.trim() === "") continue;
    const indices = byAsin.get(asin.trim());
    if (indices) indices.push(item.index);
    else byAsin.set(asin.trim(), [item.index]);
  }
  return byAsin;
}

function stampOf(stat: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "file not found";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return (error as Error).message;
}

/**
 * The built title index on disk, so a second `sidbot find` on a large catalog reads it instead of
 * rebuilding it. One file per catalog content: its name is a hash of the catalog file, the metadata
 * file, the SID layout and the index format, so a changed catalog never meets a stale index. The
 * file is a small JSON header followed by the index's typed arrays, checked by a SHA-256 of the
 * body; anything unreadable, corrupt or for another format is reported as a miss, never thrown.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { FieldPostings } from "./TermIndex.js";
import type { TitleIndexSnapshot } from "./TitleIndex.js";

/** Bump when the index or this file's layout changes: older cache files are then ignored. */
export const INDEX_FORMAT_VERSION = 1;
const MAGIC = "SIDBOT-TITLES\n";
const ALIGN = 8;

/** `$XDG_CACHE_HOME/sidbot`, else `~/.cache/sidbot`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== "" ? env.XDG_CACHE_HOME : join(homedir(), ".cache"), "sidbot");
}

/** The cache file's name for this content: any change to a file or the layout gives another name. */
export function titleIndexCacheKey(
  files: readonly (string | null | undefined)[],
  layout: { levels: number; codesPerLevel: number },
  code: string = titleCodeFingerprint(),
): string {
  const hash = createHash("sha256").update(`titles v${INDEX_FORMAT_VERSION} ${code} ${layout.levels}x${layout.codesPerLevel}\n`);
  for (const file of files) {
    if (!file) {
      hash.update("-\n");
      continue;
    }
    const bytes = readFileSync(file);
    hash.update(`${bytes.length}\n`).update(bytes);
  }
  return hash.digest("hex").slice(0, 32);
}

/** Modules whose code decides what the index holds (tokens, platform words, scores). */
const TITLE_CODE = ["TitleIndex", "TermIndex", "termIndexBuilder", "normalizeTitle", "platforms", "exactTitles", "titleIndexCache"];
let codeFingerprint: string | undefined;

/**
 * A hash of the title code as it runs, so an edited tokenizer or platform list never reads an index
 * built by other code, whether or not INDEX_FORMAT_VERSION was bumped.
 */
export function titleCodeFingerprint(): string {
  if (codeFingerprint === undefined) {
    const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
    const hash = createHash("sha256");
    for (const name of TITLE_CODE) hash.update(readFileSync(new URL(`./${name}${extension}`, import.meta.url)));
    codeFingerprint = hash.digest("hex").slice(0, 16);
  }
  return codeFingerprint;
}

export function titleIndexCacheFile(dir: string, key: string): string {
  return join(dir, `titles-${key}.bin`);
}

interface Header {
  version: number;
  key: string;
  documentCount: number;
  averageLengths: number[];
  /** Name → [count, byte offset, byte length] of "\n"-joined UTF-8 strings. */
  strings: Record<string, [number, number, number]>;
  /** Name → [type, byte offset, element count]. */
  arrays: Record<string, [ArrayType, number, number]>;
  bodyBytes: number;
  bodySha256: string;
}

type ArrayType = "i32" | "u16";
const ARRAY_TYPES = { i32: Int32Array, u16: Uint16Array } as const;

/** Writes the snapshot atomically (temporary file, then rename). Returns the error instead of throwing. */
export function writeTitleIndexCache(file: string, key: string, snapshot: TitleIndexSnapshot): Error | undefined {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const { header, body } = encode(key, snapshot);
    const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
    const lead = Buffer.alloc(MAGIC.length + 4);
    lead.write(MAGIC, 0, "latin1");
    lead.writeUInt32LE(headerBytes.length, MAGIC.length);
    const pad = Buffer.alloc((ALIGN - ((lead.length + headerBytes.length) % ALIGN)) % ALIGN);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(temp, Buffer.concat([lead, headerBytes, pad, ...body]));
    renameSync(temp, file);
    return undefined;
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written where nothing can be removed.
    }
    return error as Error;
  }
}

/** The snapshot in `file` when it is complete, intact and for `key` and `documentCount`; otherwise why not. */
export function readTitleIndexCache(file: string, key: string, documentCount: number): { snapshot: TitleIndexSnapshot } | { miss: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { miss: (error as NodeJS.ErrnoException).code === "ENOENT" ? "no cache file" : (error as Error).message };
  }
  try {
    if (bytes.toString("latin1", 0, MAGIC.length) !== MAGIC) return { miss: "not a title index file" };
    const headerLength = bytes.readUInt32LE(MAGIC.length);
    const headerEnd = MAGIC.length + 4 + headerLength;
    const header = JSON.parse(bytes.toString("utf8", MAGIC.length + 4, headerEnd)) as Header;
    if (header.version !== INDEX_FORMAT_VERSION || header.key !== key) return { miss: "another catalog or index format" };
    if (header.documentCount !== documentCount) return { miss: "another catalog size" };
    const bodyStart = headerEnd + ((ALIGN - (headerEnd % ALIGN)) % ALIGN);
    // Typed arrays need aligned offsets: copy when the file's buffer is not aligned.
    const aligned = (bytes.byteOffset + bodyStart) % ALIGN === 0 ? bytes : Buffer.from(bytes);
    const body = aligned.subarray(bodyStart);
    if (body.length !== header.bodyBytes || createHash("sha256").update(body).digest("hex") !== header.bodySha256)
      return { miss: "corrupt (checksum)" };
    return { snapshot: decode(header, body) };
  } catch (error) {
    return { miss: `corrupt (${(error as Error).message})` };
  }
}

function encode(key: string, snapshot: TitleIndexSnapshot): { header: Header; body: Buffer[] } {
  const body: Buffer[] = [];
  let offset = 0;
  const put = (bytes: Buffer) => {
    const at = offset;
    const pad = (ALIGN - (bytes.length % ALIGN)) % ALIGN;
    body.push(bytes, Buffer.alloc(pad));
    offset += bytes.length + pad;
    return at;
  };
  const strings: Header["strings"] = {};
  const text = (name: string, list: readonly string[]) => {
    const bytes = Buffer.from(list.join("\n"), "utf8");
    strings[name] = [list.length, put(bytes), bytes.length];
  };
  const arrays: Header["arrays"] = {};
  const array = (name: string, type: ArrayType, values: Int32Array | Uint16Array) => {
    arrays[name] = [type, put(Buffer.from(values.buffer, values.byteOffset, values.byteLength)), values.length];
  };
  text("bareTitles", snapshot.bareTitles);
  text("terms", snapshot.terms.terms);
  text("initialKeys", snapshot.initials.keys);
  array("initialStarts", "i32", snapshot.initials.starts);
  array("initialCodes", "i32", snapshot.initials.codes);
  snapshot.terms.fields.forEach((field, f) => {
    array(`f${f}.starts`, "i32", field.starts);
    array(`f${f}.docs`, "i32", field.docs);
    array(`f${f}.freqs`, "u16", field.freqs);
    array(`f${f}.lengths`, "u16", field.lengths);
  });
  const bodySha256 = body.reduce((hash, part) => hash.update(part), createHash("sha256")).digest("hex");
  const header: Header = {
    version: INDEX_FORMAT_VERSION,
    key,
    documentCount: snapshot.terms.documentCount,
    averageLengths: snapshot.terms.fields.map((f) => f.averageLength),
    strings,
    arrays,
    bodyBytes: offset,
    bodySha256,
  };
  return { header, body };
}

function decode(header: Header, body: Buffer): TitleIndexSnapshot {
  const text = (name: string): string[] => {
    const [count, offset, length] = header.strings[name]!;
    return count === 0 ? [] : body.toString("utf8", offset, offset + length).split("\n");
  };
  const array = <T extends ArrayType>(name: string, type: T): InstanceType<(typeof ARRAY_TYPES)[T]> => {
    const [stored, offset, length] = header.arrays[name]!;
    if (stored !== type) throw new Error(`${name}: expected ${type}`);
    return new ARRAY_TYPES[type](body.buffer as ArrayBuffer, body.byteOffset + offset, length) as InstanceType<(typeof ARRAY_TYPES)[T]>;
  };
  const fields = header.averageLengths.map(
    (averageLength, f): FieldPostings => ({
      starts: array(`f${f}.starts`, "i32"),
      docs: array(`f${f}.docs`, "i32"),
      freqs: array(`f${f}.freqs`, "u16"),
      lengths: array(`f${f}.lengths`, "u16"),
      averageLength,
    }),
  );
  const snapshot: TitleIndexSnapshot = {
    bareTitles: text("bareTitles"),
    terms: { terms: text("terms"), fields, documentCount: header.documentCount },
    initials: { keys: text("initialKeys"), starts: array("initialStarts", "i32"), codes: array("initialCodes", "i32") },
  };
  if (snapshot.bareTitles.length !== header.documentCount) throw new Error("title count differs from the document count");
  return snapshot;
}

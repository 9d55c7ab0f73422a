// One parse per YAML document, positions kept. A file is split at its document markers so that an edit to one
// document re-parses only that document: every chunk is parsed on its own and cached by its text, and all its
// positions are relative to the chunk, so the parse stays valid when the chunk moves inside the file.
import { Document, parseDocument, isMap, isSeq, isPair, isScalar, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { FastTree, fastLocate, fastParse } from './fast-yaml';
import { LineTable, newlines } from './line-table';

export { LineTable, newlines };
import { MAX_NESTING, NOT_CHECKED, mayNestDeep, nestingDepth } from './not-checked';
import { syntaxProblem, unreadableMessage } from './yaml-messages';
import { parseRelaxed } from './yaml-relax';

export type Path = readonly (string | number)[];

export interface ParseProblem {
  start: number;
  end: number;
  message: string;
  /** A problem that is not a syntax error (`yaml-syntax`, an error): its own code and severity. */
  code?: string;
  severity?: 'info';
}

export interface ChunkParse {
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineTable;
  /** The document as plain JSON (undefined when it could not be converted, e.g. an alias bomb). */
  readonly value: unknown;
  readonly problems: ParseProblem[];
  /** chunk-relative 0-based line -> codes suppressed on that line (`*` for all). */
  readonly suppress: ReadonlyMap<number, ReadonlySet<string>>;
  /**
   * Node ranges from the fast path (fast-yaml.ts) when the document was in its subset. `doc` is then built from the
   * same parse when something asks for it (never parsed again). locateIn() reads the ranges without building it.
   */
  readonly fast?: FastTree;
}

/**
 * A parse by the fast path. A class, not an object literal with a getter: V8 keeps such literals as dictionaries, and
 * a workspace holds one of these per document.
 */
class FastChunk implements ChunkParse {
  readonly problems: ParseProblem[] = [];
  private built: Document.Parsed | undefined = undefined;
  readonly lines: LineTable;
  readonly suppress: ReadonlyMap<number, ReadonlySet<string>>;
  constructor(
    readonly text: string,
    readonly value: unknown,
    readonly fast: FastTree,
  ) {
    this.lines = new LineTable(text);
    this.suppress = suppressions(text);
  }
  get doc(): Document.Parsed {
    return (this.built ??= fastDocument(this.fast, this.value, this.text));
  }
}

/**
 * How many times a document's text was parsed, by which parser: every document version is parsed once, by one of
 * them, and every feature reads that parse (test/unit/parse-count.test.ts holds this to one parse per edit).
 */
export const parseCounts = { fast: 0, library: 0 };

/**
 * One document of a file. The engine keeps the object for as long as the document's text is unchanged, and moves it
 * (index, startLine, startOffset) when text above it changes: positions are read from it when findings are made.
 */
export interface ChunkRef {
  readonly uri: string;
  readonly index: number;
  readonly startLine: number;
  readonly startOffset: number;
  readonly parse: ChunkParse;
}

const DOC_START = /^---(?=[ \t]|$)/;
const DOC_END = /^\.\.\.(?=[ \t]|$)/;
const MAX_ALIAS_COUNT = 100;

const SUPPRESS = /#\s*brokerkit-ignore(?:[ \t]+([A-Za-z0-9_,\- \t]+))?/;

export interface Split {
  text: string;
  startLine: number;
  startOffset: number;
}

/** What changed between two texts of a file, in documents: old chunks [from, to) become `splits`. */
export interface Resplit {
  from: number;
  to: number;
  /** The new documents in between, with positions in the new text. */
  splits: Split[];
  /** How far the documents after `to` moved. */
  lineDelta: number;
  offsetDelta: number;
}

interface OldChunk {
  readonly startLine: number;
  readonly startOffset: number;
  readonly parse: { readonly text: string };
}

/**
 * The edit between `oldText` (split into `old`) and `text`, found without splitting the whole text again: the
 * documents before and after the edited region are recognised where they stand (text compared in place), and only the
 * region is split. Gives exactly what splitDocuments(text) gives: a document boundary is only trusted where the text
 * next to it still makes it one.
 */
export function resplit(oldText: string, old: readonly OldChunk[], text: string): Resplit | undefined {
  const m = old.length;
  // (An empty text is one empty document; splitting from scratch is as cheap.)
  if (m === 0 || oldText.length === 0 || text.length === 0) return undefined;
  const d = text.length - oldText.length;
  // Where the texts first differ, and how long their common ending is (not overlapping that).
  const head = commonRun(oldText, text, Math.min(oldText.length, text.length), false);
  const tail = commonRun(oldText, text, Math.min(oldText.length, text.length) - head, true);
  let p = 0;
  while (p < m && old[p].startOffset + old[p].parse.text.length <= head) p++;
  const endOf = (k: number) => old[k].startOffset + old[k].parse.text.length;
  // The region starts right after the prefix: a boundary only if the new text starts a document there.
  while (
    p > 0 &&
    endOf(p - 1) < text.length &&
    !(atLineStart(text, endOf(p - 1)) && (endsWithDocEnd(old[p - 1].parse.text) || startsDocument(text, endOf(p - 1))))
  )
    p--;
  const start = p > 0 ? endOf(p - 1) : 0;
  let q = 0;
  while (q < m - p) {
    const c = old[m - 1 - q];
    if (c.startOffset < oldText.length - tail || c.startOffset + d < start) break;
    q++;
  }
  // The first document after the region must start one by itself: a `---` at the start of a line.
  while (q > 0 && !(startsDocument(old[m - q].parse.text, 0) && atLineStart(text, old[m - q].startOffset + d))) q--;
  const end = q > 0 ? old[m - q].startOffset + d : text.length;
  const baseLine =
    p < m ? old[p].startLine : old[p - 1].startLine + newlines(old[p - 1].parse.text, 0, old[p - 1].parse.text.length);
  const splits: Split[] = [];
  if (end > start || (p === 0 && q === 0)) {
    for (const s of splitDocuments(text.slice(start, end))) {
      splits.push({ text: s.text, startLine: s.startLine + baseLine, startOffset: s.startOffset + start });
    }
  }
  const newAfter = baseLine + newlines(text, start, end);
  const lineDelta = q > 0 ? newAfter - old[m - q].startLine : 0;
  return { from: p, to: m - q, splits, lineDelta, offsetDelta: d };
}

/**
 * Length of the common beginning (or, `fromEnd`, ending) of two strings, at most `max`: compared in growing blocks
 * (native string compares), then character by character only inside the last 32.
 */
function commonRun(a: string, b: string, max: number, fromEnd: boolean): number {
  // The characters [lo, hi) counted from the chosen end.
  const part = (s: string, lo: number, hi: number) =>
    fromEnd ? s.slice(s.length - hi, s.length - lo) : s.slice(lo, hi);
  const at = (s: string, i: number) => s.charCodeAt(fromEnd ? s.length - 1 - i : i);
  let lo = 0;
  let block = 1024;
  while (lo < max) {
    const hi = Math.min(max, lo + block);
    if (part(a, lo, hi) === part(b, lo, hi)) {
      lo = hi;
      block *= 2;
      continue;
    }
    if (hi - lo <= 32) {
      while (lo < hi && at(a, lo) === at(b, lo)) lo++;
      return lo;
    }
    block = (hi - lo) >> 1;
  }
  return max;
}

function atLineStart(text: string, pos: number): boolean {
  return pos === 0 || text.charCodeAt(pos - 1) === 10;
}

/**
 * The document marker of the line that starts at `pos` and ends at `eol`: 'start' for `---`, 'end' for `...`
 * (followed by a space, a tab or the end of the line), else undefined. The one test splitDocuments and resplit share.
 */
function markerAt(text: string, pos: number, eol: number): 'start' | 'end' | undefined {
  const c = text.charCodeAt(pos);
  // A CRLF line ends before its \r.
  if (eol > pos && text.charCodeAt(eol - 1) === 13) eol--;
  if (c !== 45 /* - */ && c !== 46 /* . */) return undefined;
  const head = text.slice(pos, Math.min(eol, pos + 4));
  if (c === 45) return DOC_START.test(head) ? 'start' : undefined;
  return DOC_END.test(head) ? 'end' : undefined;
}

/** True when a `---` line starts at `pos` (as splitDocuments sees it). */
function startsDocument(text: string, pos: number): boolean {
  const eol = text.indexOf('\n', pos);
  return markerAt(text, pos, eol < 0 ? text.length : eol) === 'start';
}

/** True when the chunk ends with a whole `...` line (so the next document starts right after it, whatever follows). */
function endsWithDocEnd(chunk: string): boolean {
  if (!chunk.endsWith('\n')) return false;
  return markerAt(chunk, chunk.lastIndexOf('\n', chunk.length - 2) + 1, chunk.length - 1) === 'end';
}

/** Splits a YAML stream at `---` / `...` lines (the only places where YAML lets a document end). */
export function splitDocuments(text: string): Split[] {
  const out: Split[] = [];
  let chunkStart = 0;
  let chunkLine = 0;
  let line = 0;
  let pos = 0;
  const n = text.length;
  while (pos <= n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    const marker = markerAt(text, pos, eol);
    if (marker === 'start' && pos > chunkStart) {
      out.push({ text: text.slice(chunkStart, pos), startLine: chunkLine, startOffset: chunkStart });
      chunkStart = pos;
      chunkLine = line;
    } else if (marker === 'end') {
      // `...` ends the document: keep it with the chunk and start the next one after it.
      out.push({ text: text.slice(chunkStart, Math.min(eol + 1, n)), startLine: chunkLine, startOffset: chunkStart });
      chunkStart = Math.min(eol + 1, n);
      chunkLine = line + 1;
    }
    pos = eol + 1;
    line++;
  }
  if (chunkStart < n || out.length === 0)
    out.push({ text: text.slice(chunkStart), startLine: chunkLine, startOffset: chunkStart });
  return out;
}

const NO_SUPPRESSIONS: ReadonlyMap<number, ReadonlySet<string>> = new Map();

function suppressions(text: string): ReadonlyMap<number, ReadonlySet<string>> {
  if (!text.includes('brokerkit-ignore')) return NO_SUPPRESSIONS;
  const map = new Map<number, Set<string>>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = SUPPRESS.exec(lines[i]);
    if (!m) continue;
    const codes = (m[1] ?? '').split(/[\s,]+/).filter(Boolean);
    const set = new Set(codes.length ? codes : ['*']);
    // A comment applies to its own line and, when it stands alone, to the next line too.
    for (const l of [i, i + 1]) {
      const cur = map.get(l) ?? new Set<string>();
      for (const c of set) cur.add(c);
      map.set(l, cur);
    }
  }
  return map;
}

export function parseChunk(text: string): ChunkParse {
  // A document nested deeper than anything real is not handed to a parser (whose recursion it could exhaust): it
  // gets one note, and the other documents of the file are checked.
  const depth = mayNestDeep(text) ? nestingDepth(text) : 0;
  if (depth > MAX_NESTING) return tooDeep(text);
  const fast = fastParse(text);
  if (fast) {
    parseCounts.fast++;
    return new FastChunk(text, fast.value, fast.tree);
  }
  parseCounts.library++;
  const lines = new LineTable(text);
  const options = {
    prettyErrors: false,
    uniqueKeys: true,
    strict: false,
    // The library's warnings (e.g. "Keys with collection values will be stringified") never reach a terminal.
    logLevel: 'error',
  } as const;
  let doc = parseDocument(text, options) as Document.Parsed;
  // Where the library is stricter than the Go parser Kubernetes uses (yaml-relax.ts), the text is read as Kubernetes
  // reads it.
  const relaxed = parseRelaxed(text, doc, options);
  if (relaxed) doc = relaxed;
  const problems: ParseProblem[] = [];
  // One syntax error per line: the library often reports each token after a mistake again.
  const seen = new Set<number>();
  for (const e of doc.errors) {
    const p = syntaxProblem(e.code, e.message, text, e.pos[0], Math.max(e.pos[1], e.pos[0] + 1));
    const line = lines.linePos(p.start).line;
    if (seen.has(line)) continue;
    seen.add(line);
    problems.push(p);
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      problems.push({
        start: 0,
        end: Math.max(1, Math.min(text.length, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length)),
        message: unreadableMessage(err, MAX_ALIAS_COUNT),
      });
    }
  }
  return { text, doc, lines, value, problems, suppress: suppressions(text) };
}

/**
 * The library's Document for a fast parse, built from its ranges and value (no second parse): the same node kinds,
 * ranges, flow styles and scalar values as parseDocument gives (test/unit/fast-yaml.test.ts compares them).
 */
function fastDocument(tree: FastTree, value: unknown, text: string): Document.Parsed {
  const doc = new Document() as Document.Parsed;
  doc.contents = (tree.root >= 0 ? fastNode(tree, tree.root, value) : null) as Document.Parsed['contents'];
  doc.range = [0, text.length, text.length];
  return doc;
}

function fastNode(tree: FastTree, n: number, v: unknown): Node {
  if (tree.isMap(n)) {
    const map = new YAMLMap();
    const obj = v as Record<string, unknown>;
    for (let i = 0; i < tree.size(n); i++) {
      const k = tree.key(n, i);
      const key = new Scalar(k);
      key.range = [tree.keyStart(n, i), tree.keyEnd(n, i), tree.keyEnd(n, i)];
      map.items.push(new Pair(key, fastNode(tree, tree.value(n, i), obj[k])));
    }
    return ranged(map, tree, n);
  }
  if (tree.isSeq(n)) {
    const seq = new YAMLSeq();
    const arr = v as unknown[];
    for (let i = 0; i < tree.size(n); i++) seq.items.push(fastNode(tree, tree.item(n, i), arr[i]));
    return ranged(seq, tree, n);
  }
  return ranged(new Scalar(v), tree, n);
}

function ranged<T extends Node>(node: T, tree: FastTree, n: number): T {
  node.range = [tree.start(n), tree.end(n), tree.end(n)];
  if (tree.isFlow(n)) (node as unknown as YAMLMap).flow = true;
  return node;
}

/** The parse of a document too deeply nested to check: no value, an empty Document, one note at its first line. */
function tooDeep(text: string): ChunkParse {
  const start = /^(?:---[ \t]*\r?\n)?/.exec(text)![0].length;
  const eol = text.indexOf('\n', start);
  const problem: ParseProblem = {
    start,
    end: Math.max(start, (eol < 0 ? text.length : eol) - (text[eol - 1] === '\r' ? 1 : 0)),
    code: NOT_CHECKED['too-deep'].code,
    severity: 'info',
    message: `Not checked: this document nests collections more than ${MAX_NESTING} levels deep, too deep to check safely (Kubernetes manifests stay far below). The other documents of the file are checked.`,
  };
  return {
    text,
    lines: new LineTable(text),
    value: undefined,
    problems: [problem],
    suppress: suppressions(text),
    doc: new Document() as Document.Parsed,
  };
}

export interface Located {
  start: number;
  end: number;
  found: boolean;
}

/** locate() for a parse: from the fast path's ranges when it has them (no Document needed), else from the Document. */
export function locateIn(parse: ChunkParse, path: Path, key = false): Located {
  return parse.fast ? fastLocate(parse.fast, path, key) : locate(parse.doc, path, key);
}

/**
 * The source range of the node at `path` (its key when `key` is set). When the path does not exist, the range of
 * the deepest existing ancestor's key is returned with `found: false`, so a "missing field" finding points at the
 * parent, never at the whole document.
 */
export function locate(doc: Document.Parsed, path: Path, key = false): Located {
  let node: unknown = doc.contents;
  let lastKey: Node | null = null;
  let lastNode: Node | null = (doc.contents as Node) ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    let next: unknown;
    let pairKey: Node | null = null;
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p: Pair) => (isScalar(p.key) ? String(p.key.value) : p.key) === seg);
      if (pair) {
        next = pair.value;
        pairKey = isScalar(pair.key) ? (pair.key as Node) : null;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined && pairKey === null) {
      const r = (lastKey ?? lastNode)?.range;
      return r ? { start: r[0], end: r[1], found: false } : { start: 0, end: 0, found: false };
    }
    lastKey = pairKey;
    node = next;
    if (next && (next as Node).range) lastNode = next as Node;
    else if (isPair(next)) lastNode = null;
  }
  const target = key && lastKey ? lastKey : (node as Node | null);
  const r = target?.range ?? lastKey?.range;
  if (!r) return { start: 0, end: 0, found: false };
  return { start: r[0], end: r[1], found: true };
}

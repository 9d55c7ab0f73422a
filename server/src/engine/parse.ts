// One parse per YAML document, positions kept. A file is split at its document markers so that an edit to one
// document re-parses only that document: every chunk is parsed on its own and cached by its text, and all its
// positions are relative to the chunk, so the parse stays valid when the chunk moves inside the file.
import { Document, LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, Node, Pair } from 'yaml';
import { FastNode, fastLocate, fastParse } from './fast-yaml';

export type Path = readonly (string | number)[];

export interface ParseProblem {
  start: number;
  end: number;
  message: string;
}

export interface ChunkParse {
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JSON (undefined when it could not be converted, e.g. an alias bomb). */
  readonly value: unknown;
  readonly problems: ParseProblem[];
  /** chunk-relative 0-based line -> codes suppressed on that line (`*` for all). */
  readonly suppress: Map<number, Set<string>>;
  /**
   * Node ranges from the fast path (fast-yaml.ts) when the document was in its subset; `doc` is then only parsed
   * (with the library) when something asks for it. Use locateIn() rather than locate(doc, ...).
   */
  readonly fastRoot?: FastNode | null;
}

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

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
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

function suppressions(text: string): Map<number, Set<string>> {
  const map = new Map<number, Set<string>>();
  if (!text.includes('brokerkit-ignore')) return map;
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
  const fast = fastParse(text);
  if (fast) {
    // Same line starts as the library records (0, then after every newline), so positions convert the same way.
    const lineCounter = new LineCounter();
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    let doc: Document.Parsed | undefined;
    return {
      text,
      lineCounter,
      value: fast.value,
      problems: [],
      suppress: suppressions(text),
      fastRoot: fast.root,
      get doc() {
        return (doc ??= parseDocument(text, {
          prettyErrors: false,
          uniqueKeys: true,
          strict: false,
        }) as Document.Parsed);
      },
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: false,
  }) as Document.Parsed;
  const problems: ParseProblem[] = [];
  for (const e of doc.errors) {
    problems.push({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), message: cleanMessage(e.message) });
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      problems.push({
        start: 0,
        end: Math.max(1, Math.min(text.length, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length)),
        message: `cannot read this document: ${msg}`,
      });
    }
  }
  return { text, doc, lineCounter, value, problems, suppress: suppressions(text) };
}

function cleanMessage(m: string): string {
  // yaml appends " at line X, column Y" and a code frame; the range already says where.
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

export interface Located {
  start: number;
  end: number;
  found: boolean;
}

/** locate() for a parse: from the fast path's ranges when it has them (no Document needed), else from the Document. */
export function locateIn(parse: ChunkParse, path: Path, key = false): Located {
  return parse.fastRoot !== undefined ? fastLocate(parse.fastRoot, path, key) : locate(parse.doc, path, key);
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

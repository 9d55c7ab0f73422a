// A fast path for the YAML that Kubernetes manifests are made of: block mappings and sequences, plain and quoted
// one-line scalars, literal/folded block scalars, one-line flow collections, comments. One pass over the text gives
// the document's value (exactly what `yaml`'s toJS gives) and the source range of every node (exactly what `yaml`'s
// node.range[0..1] gives), which is all the engine needs to validate and to place findings. Anything outside that
// subset — anchors, aliases, tags, directives, multi-line plain or flow scalars, complex keys, tabs in indentation,
// duplicate keys, anything the `yaml` library would report as an error — returns undefined, and the caller parses
// with `yaml` as before. test/unit/fast-yaml.test.ts holds the fast path to the library's answers over the corpus,
// the examples and thousands of mutated documents.
import { LineTable } from './line-table';

/**
 * A node's source range as `yaml` reports it (range[0], range[1]); maps also keep their keys' ranges. The parser
 * builds these while it reads a document; what a parse keeps is the packed FastTree below.
 */
interface FastNode {
  readonly start: number;
  readonly end: number;
  /** Map: keys in order, their ranges and values. Seq: items. Scalar: none. */
  readonly keys?: string[];
  readonly keyStart?: number[];
  readonly keyEnd?: number[];
  readonly values?: FastNode[];
  readonly items?: FastNode[];
  /** A flow collection (`[...]`, `{...}`). */
  readonly flow?: boolean;
}

export interface FastParse {
  readonly value: unknown;
  readonly tree: FastTree;
}

const SCALAR = 0;
const MAP = 1;
const SEQ = 2;
const FLOW = 4;

/**
 * The node ranges of one document, packed into one typed array: a workspace at the size limit holds 54,000
 * documents, and an object and four arrays per mapping were a third of its memory. A node is its offset in `data`:
 *   scalar  [kind, start, end]
 *   map     [kind, start, end, n, then per pair: keyStart, keyEnd, value node, spelling]
 *   seq     [kind, start, end, n, then per item: node]
 * `kind` is SCALAR, MAP or SEQ, plus FLOW for `[...]` and `{...}`. A key is read from the text at its range; a key
 * whose text is not the key itself (a quoted key) has its spelling in `spelled` (the pair's spelling is its index + 1,
 * else 0). Children come before their parents, so a tree is written in one pass.
 */
export class FastTree {
  constructor(
    /** The document's text, which the ranges are offsets into. */
    private readonly text: string,
    private readonly data: Uint16Array | Uint32Array,
    private readonly spelled: readonly string[] | undefined,
    /** The root node; -1 when there is none (the root of a list item that does not exist). */
    readonly root: number,
  ) {}

  /** The same document with `node` as its root (a list item). */
  at(node: number): FastTree {
    return new FastTree(this.text, this.data, this.spelled, node);
  }
  start(node: number): number {
    return this.data[node + 1];
  }
  end(node: number): number {
    return this.data[node + 2];
  }
  isMap(node: number): boolean {
    return (this.data[node] & 3) === MAP;
  }
  isSeq(node: number): boolean {
    return (this.data[node] & 3) === SEQ;
  }
  isFlow(node: number): boolean {
    return (this.data[node] & FLOW) !== 0;
  }
  /** A map's pairs or a sequence's items; 0 for a scalar. */
  size(node: number): number {
    return (this.data[node] & 3) === SCALAR ? 0 : this.data[node + 3];
  }
  /** Item `i` of a sequence. */
  item(node: number, i: number): number {
    return this.data[node + 4 + i];
  }
  /** The key of pair `i` of a map. */
  key(node: number, i: number): string {
    const p = node + 4 + 4 * i;
    const s = this.data[p + 3];
    return s > 0 ? this.spelled![s - 1] : this.text.slice(this.data[p], this.data[p + 1]);
  }
  keyStart(node: number, i: number): number {
    return this.data[node + 4 + 4 * i];
  }
  keyEnd(node: number, i: number): number {
    return this.data[node + 5 + 4 * i];
  }
  /** The value node of pair `i` of a map. */
  value(node: number, i: number): number {
    return this.data[node + 6 + 4 * i];
  }
  /** The pair of a map whose key is `key`; -1 when there is none. */
  indexOf(node: number, key: string): number {
    const d = this.data;
    const n = d[node + 3];
    for (let i = 0, p = node + 4; i < n; i++, p += 4) {
      const s = d[p + 3];
      if (s > 0 ? this.spelled![s - 1] === key : d[p + 1] - d[p] === key.length && this.text.startsWith(key, d[p]))
        return i;
    }
    return -1;
  }
}

/** Packs a parsed tree; `at` moves offsets onto the original text (see fastParse). */
function pack(root: FastNode, text: string, at: ((o: number) => number) | undefined): FastTree {
  const out: number[] = [];
  let spelled: string[] | undefined;
  let max = 0;
  const put = (x: number) => {
    if (x > max) max = x;
    out.push(x);
  };
  const write = (n: FastNode): number => {
    const flow = n.flow ? FLOW : 0;
    const start = at ? at(n.start) : n.start;
    const end = at ? at(n.end) : n.end;
    if (n.keys) {
      const children = n.values!.map(write);
      const self = out.length;
      put(MAP | flow);
      put(start);
      put(end);
      put(n.keys.length);
      for (let i = 0; i < n.keys.length; i++) {
        const ks = at ? at(n.keyStart![i]) : n.keyStart![i];
        const ke = at ? at(n.keyEnd![i]) : n.keyEnd![i];
        const k = n.keys[i];
        put(ks);
        put(ke);
        put(children[i]);
        if (ke - ks === k.length && text.startsWith(k, ks)) put(0);
        else put((spelled ??= []).push(k));
      }
      return self;
    }
    if (n.items) {
      const children = n.items.map(write);
      const self = out.length;
      put(SEQ | flow);
      put(start);
      put(end);
      put(children.length);
      for (const c of children) put(c);
      return self;
    }
    const self = out.length;
    put(SCALAR | flow);
    put(start);
    put(end);
    return self;
  };
  const r = write(root);
  const data = max <= 0xffff ? Uint16Array.from(out) : Uint32Array.from(out);
  return new FastTree(text, data, spelled, r);
}

class Bail extends Error {}
const BAIL = new Bail();
function bail(): never {
  throw BAIL;
}

interface Line {
  start: number; // offset of the line's first character
  end: number; // offset of the '\n' (or text end)
  indent: number; // leading spaces
  /** Content: the first non-space character's offset; -1 for blank or comment-only lines. */
  content: number;
}

/**
 * Parses `text` (one YAML document) when it is in the supported subset; undefined otherwise. Windows line endings
 * are read as the library reads them: the text is parsed with LF endings and every range is moved back onto the
 * original text (one more character per CRLF above it).
 */
export function fastParse(text: string): FastParse | undefined {
  if (text.length === 0 || text.includes('\t')) return undefined;
  // A byte order mark changes what the library accepts after it (`\ufeff- x` is an error): the library's business.
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  let src = text;
  const crlf = src.includes('\r');
  if (crlf) {
    // A lone CR (an old Mac line end) is the library's business.
    if (/\r(?!\n)/.test(src)) return undefined;
    src = src.replace(/\r\n/g, '\n');
  }
  if (src.length === 0) return undefined;
  let parsed: { value: unknown; root: FastNode };
  try {
    parsed = new Parser(src).parse();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
  return { value: parsed.value, tree: pack(parsed.root, text, crlf ? offsetMap(src) : undefined) };
}

/** Offset in the LF text -> offset in the original CRLF text. */
function offsetMap(src: string): (o: number) => number {
  const lines = new LineTable(src);
  // One more character for each newline before `o` (each was a CRLF): the line `o` is on, less the first.
  return (o) => o + lines.linePos(o).line - 1;
}

const SPACE = 32;
const HASH = 35;

class Parser {
  private readonly lines: Line[] = [];
  private li = 0; // current line index
  /**
   * The comment/blank lines skipped last: from line `from` to the next content line. A comment run belongs to the
   * innermost node that ends before it and whose column the comments reach (the library extends that node's range
   * over them, and an enclosing collection's range ends where its last value's does). `m` is the largest comment
   * indentation (-1: no comments, or already claimed); `end` the offset where the run stops.
   */
  private run = {
    from: -1,
    to: -1,
    m: -1,
    minC: Infinity,
    eof: false,
    nextCol: -1,
    aligned: false,
    adjacent: false,
    afterComments: -1,
    token: 0,
  };
  /** The next collection started is the document's root (whose trailing comments belong to the document). */
  private root = false;

  /** Some line holds a `#` (a comment, or a `#` inside a value: either way, comment layouts need care). */
  private readonly hasComments: boolean;

  constructor(private readonly text: string) {
    const t = text;
    this.hasComments = t.includes('#');
    let pos = 0;
    const n = t.length;
    while (pos <= n) {
      let eol = t.indexOf('\n', pos);
      if (eol < 0) eol = n;
      let i = pos;
      while (i < eol && t.charCodeAt(i) === SPACE) i++;
      const content = i < eol && t.charCodeAt(i) !== HASH ? i : -1;
      this.lines.push({ start: pos, end: eol, indent: i - pos, content });
      if (eol === n) break;
      pos = eol + 1;
    }
  }

  parse(): { value: unknown; root: FastNode } {
    const t = this.text;
    // A leading document marker (`---` alone or with a comment); directives and `...` are left to the library.
    this.skipBlank();
    if (this.li < this.lines.length) {
      const l = this.lines[this.li];
      const c = l.content;
      if (c >= 0 && l.indent === 0 && t.startsWith('---', c)) {
        const after = this.afterSpaces(c + 3, l.end);
        if (c + 3 < l.end && t.charCodeAt(c + 3) !== SPACE) bail();
        if (after < l.end && t.charCodeAt(after) !== HASH) bail();
        this.li++;
        this.skipBlank();
      }
    }
    if (this.li >= this.lines.length) bail(); // empty document: the library handles it (cheap anyway)
    // Any later document marker (`---`, `...`) at the start of a line: the library's business.
    for (let i = this.li; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (
        l.indent === 0 &&
        l.content >= 0 &&
        (t.startsWith('---', l.content) || t.startsWith('...', l.content)) &&
        (l.content + 3 === l.end || t.charCodeAt(l.content + 3) === SPACE)
      )
        bail();
    }
    const first = this.lines[this.li];
    if (first.indent !== 0) bail();
    this.root = true;
    const { node, value } = this.block(first.indent);
    this.skipBlank();
    if (this.li < this.lines.length) bail(); // something left over (a less indented line, `...`, ...)
    return { value, root: node };
  }

  // ---- lines ---------------------------------------------------------------------------------------------------

  private skipBlank(): void {
    const from = this.li;
    if (from === this.run.to) return; // already skipped from here
    let m = -1;
    let lastComment = -1;
    let mixed = false; // comments at more than one indentation
    let minC = Infinity;
    while (this.li < this.lines.length && this.lines[this.li].content < 0) {
      const l = this.lines[this.li];
      if (l.start + l.indent < l.end) {
        // a comment line
        if (m >= 0 && l.indent !== m) mixed = true;
        if (l.indent > m) m = l.indent;
        if (l.indent < minC) minC = l.indent;
        lastComment = this.li;
      }
      this.li++;
    }
    const eof = this.li >= this.lines.length;
    const nextCol = eof ? -1 : this.lines[this.li].indent;
    this.run = {
      from,
      to: this.li,
      m,
      minC,
      eof,
      nextCol,
      // The comments sit where the next token does (the common "comment above a key" layout).
      aligned: m >= 0 && !mixed && !eof && m === nextCol,
      adjacent: !eof && lastComment === this.li - 1,
      afterComments: lastComment >= 0 ? this.lineAfter(this.lines[lastComment]) : -1,
      token: eof ? this.text.length : this.lines[this.li].content,
    };
  }

  /**
   * After a value or collection ends: whether it takes the following comments into its range (the library extends
   * the innermost node that ends before them and that their indentation reaches: `min` is the column they must
   * reach). Only the layouts checked against the library are handled; any other comment layout bails out.
   */
  private claim(nodeEnd: number, min: number): number {
    this.skipBlank();
    const r = this.run;
    if (r.m < 0) return nodeEnd;
    if (!r.aligned) bail();
    if (r.m < min) return nodeEnd;
    r.m = -1; // claimed
    return r.afterComments;
  }

  /**
   * After an empty value (`key:` or `-` with nothing; `col` = the key's or dash's column; `ownComment`: a comment
   * follows on its own line). The library stretches an empty value over the comments after it — how far was read
   * off the library case by case; other layouts bail out.
   */
  private claimEmpty(at: number, col: number, ownComment: boolean, lineEnd: number): number {
    this.skipBlank();
    const r = this.run;
    const runComments = r.m >= 0;
    if (r.eof) {
      r.m = -1;
      return ownComment || runComments ? this.text.length : at;
    }
    if (!ownComment && !runComments) return at;
    r.m = -1;
    if (r.nextCol < col) {
      // The next token belongs to an outer collection: the value reaches it.
      if (runComments && !r.adjacent) bail();
      return r.token;
    }
    if (ownComment && runComments) bail();
    if (ownComment) return r.to === r.from ? r.token : lineEnd;
    if (r.minC > col) return r.adjacent ? r.token : r.afterComments; // comments indented into the value
    if (r.m > col) bail(); // some inside, some outside
    return r.afterComments;
  }

  private afterSpaces(pos: number, end: number): number {
    while (pos < end && this.text.charCodeAt(pos) === SPACE) pos++;
    return pos;
  }

  /** Offset just after a line (after its newline, or the text end). */
  private lineAfter(l: Line): number {
    return l.end < this.text.length ? l.end + 1 : l.end;
  }

  // ---- block nodes -------------------------------------------------------------------------------------------------

  /** A block node whose content starts at column `col` on the current line. */
  private block(col: number): { node: FastNode; value: unknown; nodeEnd: number } {
    const l = this.lines[this.li];
    const c = l.start + col;
    const ch = this.text.charCodeAt(c);
    if (ch === 45 /* - */ && this.isDash(c, l.end)) return this.seq(col);
    return this.map(col);
  }

  private isDash(pos: number, end: number): boolean {
    return this.text.charCodeAt(pos) === 45 && (pos + 1 === end || this.text.charCodeAt(pos + 1) === SPACE);
  }

  /**
   * A block mapping whose keys are at column `col`. The first key may start mid-line (a compact mapping in a
   * sequence item: `- key: value`); later keys must start lines at that column.
   */
  private map(col: number, firstAt?: number): { node: FastNode; value: unknown; nodeEnd: number } {
    const isRoot = this.root;
    this.root = false;
    const keys: string[] = [];
    const keyStart: number[] = [];
    const keyEnd: number[] = [];
    const values: FastNode[] = [];
    const obj: Record<string, unknown> = {};
    let lastEnd = 0;
    let first = true;
    for (;;) {
      this.skipBlank();
      if (this.li >= this.lines.length) break;
      const l = this.lines[this.li];
      let k: number;
      if (first && firstAt !== undefined) k = firstAt;
      else {
        if (l.indent !== col) {
          if (l.indent > col) bail(); // over-indented: a continuation or an error
          break;
        }
        k = l.content;
        if (this.isDash(k, l.end)) break; // a compact sequence under the parent's key ends here
      }
      first = false;
      // The key.
      const key = this.key(k, l.end);
      if (Object.prototype.hasOwnProperty.call(obj, key.text) || key.text === '__proto__') bail();
      keys.push(key.text);
      keyStart.push(k);
      keyEnd.push(key.end);
      // The value.
      const v = this.valueAfterColon(key.colon + 1, l, col);
      values.push(v.node);
      obj[key.text] = v.value;
      lastEnd = v.nodeEnd;
    }
    if (keys.length === 0) bail();
    const nodeEnd = isRoot ? lastEnd : this.claim(lastEnd, col);
    const node = {
      start: keyStart[0],
      end: lastEnd,
      keys,
      keyStart,
      keyEnd,
      values,
    };
    return { node, value: obj, nodeEnd };
  }

  /** A block sequence whose dashes are at column `col`. */
  private seq(col: number): { node: FastNode; value: unknown; nodeEnd: number } {
    const isRoot = this.root;
    this.root = false;
    const items: FastNode[] = [];
    const arr: unknown[] = [];
    let start = -1;
    let lastEnd = 0;
    for (;;) {
      this.skipBlank();
      if (this.li >= this.lines.length) break;
      const l = this.lines[this.li];
      if (l.indent !== col || !this.isDash(l.content, l.end)) {
        if (l.indent > col) bail();
        break;
      }
      const dash = l.content;
      if (start < 0) start = dash;
      const after = this.afterSpaces(dash + 1, l.end);
      const v = this.seqItem(dash, after, l);
      items.push(v.node);
      arr.push(v.value);
      lastEnd = v.nodeEnd;
    }
    if (items.length === 0) bail();
    const nodeEnd = isRoot ? lastEnd : this.claim(lastEnd, col);
    return { node: { start, end: lastEnd, items }, value: arr, nodeEnd };
  }

  /** One sequence item: what follows `- ` at `at` on line `l`. */
  private seqItem(dash: number, at: number, l: Line): { node: FastNode; value: unknown; nodeEnd: number } {
    const t = this.text;
    const dashCol = dash - l.start;
    if (at >= l.end || t.charCodeAt(at) === HASH) {
      // `-` alone: a nested block on the next lines, or null.
      return this.nestedOrNull(at, l, dashCol, false);
    }
    const ch = t.charCodeAt(at);
    if (ch === 45 && this.isDash(at, l.end)) bail(); // `- - x`
    if (this.looksLikeKey(at, l.end)) return this.map(at - l.start, at);
    return this.inlineValue(at, l, dashCol);
  }

  /** After `key:` — an inline value, a block scalar, or a nested block (or null). `col`: the key's column. */
  private valueAfterColon(pos: number, l: Line, col: number): { node: FastNode; value: unknown; nodeEnd: number } {
    const at = this.afterSpaces(pos, l.end);
    if (at < l.end && this.text.charCodeAt(at) !== HASH) {
      if (at === pos && at < l.end) bail(); // `key:value` is a plain scalar key, not a pair
      return this.inlineValue(at, l, col);
    }
    return this.nestedOrNull(at, l, col, true);
  }

  /**
   * Nothing (or a comment) after `key:` / `-`: the value is the block on the following lines when they are more
   * indented than `col` (or, after a key, a sequence at the same column), else null.
   */
  private nestedOrNull(
    at: number,
    l: Line,
    col: number,
    afterKey: boolean,
  ): { node: FastNode; value: unknown; nodeEnd: number } {
    const commented = at < l.end; // a comment follows
    this.li++;
    this.skipBlank();
    if (this.li < this.lines.length) {
      const n = this.lines[this.li];
      if (n.indent > col || (afterKey && n.indent === col && this.isDash(n.content, n.end))) {
        return this.block(n.indent);
      }
    }
    // An empty value near comments: how far the library stretches it depends on comments anywhere in its
    // collection (found by the property test), so such documents are left to the library.
    if (this.hasComments) bail();
    // A null value: the library places it after the colon and its spaces.
    const node: FastNode = { start: at, end: at };
    return { node, value: null, nodeEnd: this.claimEmpty(at, col, commented, this.lineAfter(l)) };
  }

  /** A value that starts on this line at `at`: quoted, flow, block scalar header or plain. */
  private inlineValue(at: number, l: Line, col: number): { node: FastNode; value: unknown; nodeEnd: number } {
    const t = this.text;
    const ch = t.charCodeAt(at);
    let node: FastNode;
    let value: unknown;
    let end: number;
    if (ch === 124 /* | */ || ch === 62 /* > */) return this.blockScalar(at, l, col);
    if (ch === 34 /* " */ || ch === 39 /* ' */) {
      const q = ch === 34 ? this.doubleQuoted(at, l.end) : this.singleQuoted(at, l.end);
      node = { start: at, end: q.end };
      value = q.value;
      end = q.end;
    } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      const f = this.flow(at, l.end);
      node = f.node;
      value = f.value;
      end = f.node.end;
    } else {
      const p = this.plain(at, l.end, false);
      node = { start: at, end: p.end };
      value = p.value;
      end = p.end;
    }
    // Only spaces and a comment may follow on the line.
    const rest = this.afterSpaces(end, l.end);
    if (rest < l.end && (t.charCodeAt(rest) !== HASH || rest === end)) bail();
    this.li++;
    const nodeEnd = this.claim(this.lineAfter(l), col + 1);
    // The next content line must not be more indented (a continuation line, or an error).
    if (this.li < this.lines.length && this.lines[this.li].indent > col) bail();
    return { node, value, nodeEnd };
  }

  // ---- keys and scalars ------------------------------------------------------------------------------------------

  private looksLikeKey(at: number, end: number): boolean {
    const t = this.text;
    const ch = t.charCodeAt(at);
    if (ch === 34 || ch === 39) {
      const q = ch === 34 ? this.doubleQuoted(at, end) : this.singleQuoted(at, end);
      const after = this.afterSpaces(q.end, end);
      return t.charCodeAt(after) === 58 /* : */ && (after + 1 === end || t.charCodeAt(after + 1) === SPACE);
    }
    if (ch === 91 || ch === 123) return false;
    for (let i = at; i < end; i++) {
      const c = t.charCodeAt(i);
      if (c === 58 && (i + 1 === end || t.charCodeAt(i + 1) === SPACE)) return true;
      if (c === HASH && t.charCodeAt(i - 1) === SPACE) return false;
    }
    return false;
  }

  /** A mapping key at `at`: its text, where it ends and where its colon is. */
  private key(at: number, end: number): { text: string; end: number; colon: number } {
    const t = this.text;
    const ch = t.charCodeAt(at);
    let text: string;
    let kend: number;
    if (ch === 34 || ch === 39) {
      const q = ch === 34 ? this.doubleQuoted(at, end) : this.singleQuoted(at, end);
      text = q.value;
      kend = q.end;
      const colon = this.afterSpaces(kend, end);
      if (t.charCodeAt(colon) !== 58 || !(colon + 1 === end || t.charCodeAt(colon + 1) === SPACE)) bail();
      return { text, end: kend, colon };
    }
    if (ch === 63 /* ? */ || ch === 91 || ch === 123) bail();
    let colon = -1;
    for (let i = at; i < end; i++) {
      const c = t.charCodeAt(i);
      if (c === 58 && (i + 1 === end || t.charCodeAt(i + 1) === SPACE)) {
        colon = i;
        break;
      }
      if (c === HASH && i > at && t.charCodeAt(i - 1) === SPACE) bail();
    }
    if (colon < 0) bail();
    kend = colon;
    while (kend > at && t.charCodeAt(kend - 1) === SPACE) kend--;
    const raw = t.slice(at, kend);
    this.checkPlainStart(raw);
    const v = resolvePlain(raw);
    // Keys that are not strings (numbers, booleans, null) are left to the library's conversion rules.
    if (typeof v !== 'string') bail();
    return { text: v, end: kend, colon };
  }

  private checkPlainStart(raw: string): void {
    if (raw.length === 0) bail();
    const c = raw.charCodeAt(0);
    // Indicators that cannot start a plain scalar (or that start anchors, tags, aliases, directives...).
    if (
      c === 38 ||
      c === 42 ||
      c === 33 ||
      c === 37 ||
      c === 64 ||
      c === 96 ||
      c === 124 ||
      c === 62 ||
      c === 91 ||
      c === 93 ||
      c === 123 ||
      c === 125 ||
      c === 44 ||
      c === 35 ||
      c === 34 ||
      c === 39
    )
      bail();
    if ((c === 45 || c === 63 || c === 58) && (raw.length === 1 || raw.charCodeAt(1) === SPACE)) bail();
    if (raw.includes(': ') || raw.endsWith(':') || raw.includes(' #')) bail();
  }

  /** A one-line plain scalar from `at`: up to a comment or the line end (in flow context also `,` `]` `}` `:`). */
  private plain(at: number, end: number, flow: boolean): { value: unknown; end: number } {
    const t = this.text;
    let i = at;
    for (; i < end; i++) {
      const c = t.charCodeAt(i);
      if (c === HASH && t.charCodeAt(i - 1) === SPACE) break;
      if (c === 58 && (i + 1 === end || t.charCodeAt(i + 1) === SPACE || (flow && isFlowEnd(t.charCodeAt(i + 1))))) {
        if (flow) break;
        bail(); // `a: b: c`
      }
      if (flow && (c === 44 || c === 93 || c === 125 || c === 91 || c === 123)) break;
    }
    let e = i;
    while (e > at && t.charCodeAt(e - 1) === SPACE) e--;
    const raw = t.slice(at, e);
    this.checkPlainStart(raw);
    return { value: resolvePlain(raw), end: e };
  }

  private singleQuoted(at: number, end: number): { value: string; end: number } {
    const t = this.text;
    let out = '';
    let i = at + 1;
    for (;;) {
      const q = t.indexOf("'", i);
      if (q < 0 || q >= end) bail(); // unterminated on this line
      out += t.slice(i, q);
      if (t.charCodeAt(q + 1) === 39) {
        out += "'";
        i = q + 2;
        continue;
      }
      return { value: out, end: q + 1 };
    }
  }

  private doubleQuoted(at: number, end: number): { value: string; end: number } {
    const t = this.text;
    let out = '';
    let i = at + 1;
    while (i < end) {
      const c = t.charCodeAt(i);
      if (c === 34) return { value: out, end: i + 1 };
      if (c === 92 /* \ */) {
        const e = t[i + 1];
        const simple = e === undefined ? undefined : ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
          continue;
        }
        const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (!len) bail();
        const hex = t.slice(i + 2, i + 2 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) bail();
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) bail();
        out += String.fromCodePoint(cp);
        i += 2 + len;
        continue;
      }
      out += t[i];
      i++;
    }
    return bail();
  }

  /** A flow collection that opens and closes on this line. */
  private flow(at: number, end: number): { node: FastNode; value: unknown } {
    const t = this.text;
    const open = t.charCodeAt(at);
    const close = open === 91 ? 93 : 125;
    let i = at + 1;
    const skip = () => {
      while (i < end && t.charCodeAt(i) === SPACE) i++;
    };
    if (open === 91) {
      const items: FastNode[] = [];
      const arr: unknown[] = [];
      for (;;) {
        skip();
        if (i >= end) bail();
        if (t.charCodeAt(i) === close) {
          i++;
          break;
        }
        const v = this.flowValue(i, end);
        items.push(v.node);
        arr.push(v.value);
        i = v.node.end;
        skip();
        const c = t.charCodeAt(i);
        if (c === 44) {
          i++;
          continue;
        }
        if (c === close) {
          i++;
          break;
        }
        bail();
      }
      return { node: { start: at, end: i, items, flow: true }, value: arr };
    }
    const keys: string[] = [];
    const keyStart: number[] = [];
    const keyEnd: number[] = [];
    const values: FastNode[] = [];
    const obj: Record<string, unknown> = {};
    for (;;) {
      skip();
      if (i >= end) bail();
      if (t.charCodeAt(i) === close) {
        i++;
        break;
      }
      const ks = i;
      const c0 = t.charCodeAt(i);
      let ktext: string;
      let ke: number;
      if (c0 === 34 || c0 === 39) {
        const q = c0 === 34 ? this.doubleQuoted(i, end) : this.singleQuoted(i, end);
        ktext = q.value;
        ke = q.end;
      } else {
        const p = this.plain(i, end, true);
        if (typeof p.value !== 'string') bail();
        ktext = p.value;
        ke = p.end;
      }
      i = ke;
      skip();
      if (t.charCodeAt(i) !== 58 || !(t.charCodeAt(i + 1) === SPACE)) bail();
      i += 2;
      skip();
      if (Object.prototype.hasOwnProperty.call(obj, ktext) || ktext === '__proto__') bail();
      const v = this.flowValue(i, end);
      keys.push(ktext);
      keyStart.push(ks);
      keyEnd.push(ke);
      values.push(v.node);
      obj[ktext] = v.value;
      i = v.node.end;
      skip();
      const c = t.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === close) {
        i++;
        break;
      }
      bail();
    }
    const node = {
      start: at,
      end: i,
      keys,
      keyStart,
      keyEnd,
      values,
      flow: true,
    };
    return { node, value: obj };
  }

  private flowValue(i: number, end: number): { node: FastNode; value: unknown } {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === 91 || c === 123) return this.flow(i, end);
    if (c === 34 || c === 39) {
      const q = c === 34 ? this.doubleQuoted(i, end) : this.singleQuoted(i, end);
      return { node: { start: i, end: q.end }, value: q.value };
    }
    if (c === 44 || c === 93 || c === 125) bail(); // an empty entry
    const p = this.plain(i, end, true);
    return { node: { start: i, end: p.end }, value: p.value };
  }

  /** `|` / `>` with optional `-` (strip); keep (`+`) and explicit indentation are left to the library. */
  private blockScalar(at: number, l: Line, col: number): { node: FastNode; value: unknown; nodeEnd: number } {
    const t = this.text;
    const literal = t.charCodeAt(at) === 124;
    let i = at + 1;
    let strip = false;
    if (t.charCodeAt(i) === 45) {
      strip = true;
      i++;
    }
    const after = this.afterSpaces(i, l.end);
    if (after < l.end && (t.charCodeAt(after) !== HASH || after === i)) bail();
    this.li++;
    // Content lines: more indented than the parent; blank lines inside are part of it.
    let indent = -1;
    const parts: { text: string; blank: boolean }[] = [];
    let lastContent = -1;
    let j = this.li;
    for (; j < this.lines.length; j++) {
      const ln = this.lines[j];
      const isBlank = ln.start + ln.indent >= ln.end;
      if (isBlank) {
        if (ln.indent > 0 && (indent < 0 || ln.indent > indent)) bail(); // spaces that may be content: the library decides
        parts.push({ text: '', blank: true });
        continue;
      }
      if (indent < 0) {
        if (ln.indent <= col) break;
        indent = ln.indent;
      }
      if (ln.indent < indent) {
        if (ln.indent > col) bail(); // less indented than the scalar but more than the parent: an error
        break;
      }
      // A leading blank line longer than the first content line's indentation would be an error: left to the library.
      const textOfLine = t.slice(ln.start + indent, ln.end);
      if (!literal && ln.indent > indent) bail(); // more-indented lines in a folded scalar: left to the library
      parts.push({ text: textOfLine, blank: false });
      lastContent = j;
    }
    if (indent < 0 || lastContent < 0) bail(); // an empty block scalar: left to the library
    // Trailing blank lines are not part of the value (clip/strip chomping) nor of the range.
    const used = parts.slice(0, parts.length - (j - 1 - lastContent));
    this.li = lastContent + 1;
    // A leading blank line before content is fine for literal; keep things simple for folded.
    let value: string;
    if (literal) value = used.map((p) => p.text).join('\n');
    else {
      if (used[0].blank) bail();
      value = '';
      let prevBlank = false;
      used.forEach((p, k) => {
        if (k === 0) {
          value = p.text;
          return;
        }
        if (p.blank) {
          value += '\n';
          prevBlank = true;
          return;
        }
        value += prevBlank ? p.text : ' ' + p.text;
        prevBlank = false;
      });
    }
    if (!strip) value += '\n';
    const last = this.lines[lastContent];
    const end = this.lineAfter(last);
    if (end === last.end && !strip) bail(); // no final newline at the end of the text: the library's business
    return { node: { start: at, end }, value, nodeEnd: this.claim(end, col + 1) };
  }
}

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  a: '\x07',
  v: '\v',
  e: '\x1b',
  ' ': ' ',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

function isFlowEnd(c: number): boolean {
  return c === 44 || c === 93 || c === 125;
}

const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema, as the `yaml` library resolves plain scalars. */
export function resolvePlain(s: string): unknown {
  switch (s) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
  }
  const c = s.charCodeAt(0);
  if (!(c >= 48 && c <= 57) && c !== 45 && c !== 43 && c !== 46) return s;
  if (INT.test(s)) return Number(s);
  if (OCT.test(s)) return parseInt(s.slice(2), 8);
  if (HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT.test(s)) return Number(s);
  return s;
}

/**
 * locate() over a fast parse, with the same answers as parse.ts's locate() over the library's Document: the range
 * of the node at `path` (its key with `key`), else the deepest existing ancestor's key (or node) with found: false.
 */
export function fastLocate(
  tree: FastTree,
  path: readonly (string | number)[],
  key = false,
): { start: number; end: number; found: boolean } {
  let node = tree.root;
  // The last key passed (its range), when the last step was a key.
  let keyAt = -1;
  let keyEnd = -1;
  for (const seg of path) {
    let next = -1;
    let i = -1;
    if (node >= 0 && typeof seg === 'string' && tree.isMap(node)) {
      i = tree.indexOf(node, seg);
      if (i >= 0) next = tree.value(node, i);
    } else if (node >= 0 && typeof seg === 'number' && tree.isSeq(node)) {
      if (Number.isInteger(seg) && seg >= 0 && seg < tree.size(node)) next = tree.item(node, seg);
    }
    if (next < 0) {
      // Not there: the last key passed, else the node reached.
      if (keyAt >= 0) return { start: keyAt, end: keyEnd, found: false };
      return node >= 0
        ? { start: tree.start(node), end: tree.end(node), found: false }
        : { start: 0, end: 0, found: false };
    }
    if (i >= 0) {
      keyAt = tree.keyStart(node, i);
      keyEnd = tree.keyEnd(node, i);
    } else keyAt = keyEnd = -1;
    node = next;
  }
  if (key && keyAt >= 0) return { start: keyAt, end: keyEnd, found: true };
  if (node >= 0) return { start: tree.start(node), end: tree.end(node), found: true };
  return { start: 0, end: 0, found: false };
}

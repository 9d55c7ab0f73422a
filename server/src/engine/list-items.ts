// Kubernetes lists: a document of `kind: List` (what `kubectl get -o yaml` prints) or of a typed list kind
// (`BrokerListenerList`, `SecretList`, ...) holds its objects under `items`. Each item is checked as the object it is:
// it gets a view of the document (an item chunk) whose YAML root is the item, over the same text, lines and
// suppression comments. Every position inside the view is a position in the document, so rules, finding placement,
// hover, navigation and quick fixes work on an item exactly as on a document of its own.
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq, Node, Pair } from 'yaml';
import type { ChunkParse, ChunkRef } from './parse';
import type { FastTree } from './fast-yaml';

/** The item views of a list document (one per item), and where each item sits in its list. */
export interface ItemChunk extends ChunkRef {
  /** The document the item is written in. */
  readonly list: ChunkRef;
  /** Its place in the list's `items`. */
  readonly item: number;
}

export function isItemChunk(c: ChunkRef): c is ItemChunk {
  return (c as Partial<ItemChunk>).list !== undefined;
}

/** True for `kind: List` and the typed list kinds (`XList`) whose `items` is a sequence. */
export function isListDocument(value: unknown): value is { kind: string; apiVersion?: unknown; items: unknown[] } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && /List$/.test(v.kind) && Array.isArray(v.items);
}

/**
 * An item as the object it is. Items of a typed list read from the API carry no `kind` / `apiVersion` of their own:
 * they are the list's kind without `List` and the list's apiVersion (a `v1 List` says nothing about its items).
 */
function itemValue(list: { kind: string; apiVersion?: unknown }, item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item) || list.kind === 'List') return item;
  const v = item as Record<string, unknown>;
  if (typeof v.kind === 'string' && typeof v.apiVersion === 'string') return item;
  const kind = list.kind.slice(0, -'List'.length);
  return {
    ...(typeof list.apiVersion === 'string' ? { apiVersion: list.apiVersion } : {}),
    ...(kind ? { kind } : {}),
    ...v,
  };
}

/** Item parses by list parse: made once per parse, so results cached against them survive while the text is kept. */
const itemParses = new WeakMap<ChunkParse, ChunkParse[]>();

function parsesOf(parse: ChunkParse): ChunkParse[] {
  let out = itemParses.get(parse);
  if (out) return out;
  out = [];
  const value = parse.value;
  if (isListDocument(value)) {
    for (let i = 0; i < value.items.length; i++) out.push(itemParse(parse, value, i));
  }
  itemParses.set(parse, out);
  return out;
}

function itemParse(parse: ChunkParse, list: { kind: string; apiVersion?: unknown; items: unknown[] }, i: number) {
  let doc: Document.Parsed | undefined;
  const view: ChunkParse = {
    text: parse.text,
    lines: parse.lines,
    value: itemValue(list, list.items[i]),
    // Syntax problems belong to the document (reported once, there).
    problems: [],
    suppress: parse.suppress,
    ...(parse.fast ? { fast: fastItem(parse.fast, i) } : {}),
    get doc() {
      return (doc ??= docView(parse.doc, i));
    },
  };
  return view;
}

/** Item `i` of the list's `items` as the root of the document's tree (a root of -1 when there is no such item). */
function fastItem(tree: FastTree, i: number): FastTree {
  const root = tree.root;
  const k = root >= 0 && tree.isMap(root) ? tree.indexOf(root, 'items') : -1;
  const items = k >= 0 ? tree.value(root, k) : -1;
  return tree.at(items >= 0 && tree.isSeq(items) && i < tree.size(items) ? tree.item(items, i) : -1);
}

/** The list's Document with item `i` as its root (everything else read through to the document). */
function docView(doc: Document.Parsed, i: number): Document.Parsed {
  const items = isMap(doc.contents)
    ? (doc.contents.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === 'items')?.value
    : undefined;
  const node = isSeq(items) ? ((items.items[i] as Node | undefined) ?? null) : null;
  return Object.create(doc, { contents: { value: node, enumerable: true } }) as Document.Parsed;
}

const itemsByChunk = new WeakMap<ChunkRef, ItemChunk[]>();
const NONE: ItemChunk[] = [];

/**
 * The item chunks of a document, following the document wherever it moves (its index and lines are read from it);
 * empty for a document that is not a list. The same objects for as long as the chunk object lives.
 */
export function itemChunks(chunk: ChunkRef): readonly ItemChunk[] {
  if (isItemChunk(chunk)) return NONE;
  let out = itemsByChunk.get(chunk);
  if (!out) {
    const parses = parsesOf(chunk.parse);
    out = parses.length === 0 ? NONE : makeItems(chunk, parses);
    itemsByChunk.set(chunk, out);
  }
  return out;
}

function makeItems(chunk: ChunkRef, parses: ChunkParse[]): ItemChunk[] {
  return parses.map((parse, item) => ({
    list: chunk,
    item,
    parse,
    get uri() {
      return chunk.uri;
    },
    get index() {
      return chunk.index;
    },
    get startLine() {
      return chunk.startLine;
    },
    get startOffset() {
      return chunk.startOffset;
    },
  }));
}

/** The item of a list document that holds chunk offset `offset` (from the line of its `- ` to its end), if any. */
export function itemAt(items: readonly ItemChunk[], offset: number): ItemChunk | undefined {
  let onLine: ItemChunk | undefined;
  for (const it of items) {
    const span = itemSpan(it);
    if (!span || offset > span.end) continue;
    if (offset >= span.node) return it;
    if (offset >= span.start) onLine ??= it;
  }
  return onLine;
}

/**
 * The item's text: from the start of the line holding its first character (its `- `) to the end of its node; `node`
 * is where the node itself starts.
 */
export function itemSpan(it: ItemChunk): { start: number; node: number; end: number } | undefined {
  const tree = it.parse.fast;
  let start: number;
  let end: number;
  if (tree && tree.root >= 0) {
    start = tree.start(tree.root);
    end = tree.end(tree.root);
  } else if (!tree && it.parse.doc.contents?.range) {
    [start, end] = it.parse.doc.contents.range;
  } else return undefined;
  const text = it.parse.text;
  return { start: text.lastIndexOf('\n', start - 1) + 1, node: start, end };
}

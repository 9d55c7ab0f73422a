// Text edits on YAML that keep the user's layout: insert a key (creating missing parent mappings), remove a key,
// append sequence items, drop a whole document. Edits are computed from the engine's parse (node ranges) and the
// lines of the document; block style is written, flow mappings (`labels: {a: b}`) are extended in place.
import { isMap, isScalar, isSeq, Node, Pair, Scalar, stringify, YAMLMap, YAMLSeq } from 'yaml';
import type { TextEdit } from 'vscode-languageserver';
import type { ChunkRef, FileState, Path } from '../engine';
import { isItemChunk, itemSpan, rangeOf } from '../engine';
import { nodeAtPath, pairAtPath } from './yaml-nav';

const INDENT = 2;

/** Column of the line that holds a chunk offset, and that line's leading spaces. */
function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
function indentAt(text: string, offset: number): number {
  const s = lineStartOf(text, offset);
  return /^ */.exec(text.slice(s))![0].length;
}
function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** Chunk-relative offset just after the line holding `offset` (start of the next line, or end of text). */
function afterLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

function insertAt(chunk: ChunkRef, offset: number, text: string): TextEdit {
  return { range: rangeOf(chunk, offset, offset), newText: text };
}

/** Plain YAML for a value, block style, every line indented by `indent` spaces. */
export function yamlBlock(value: unknown, indent: number): string {
  const s = stringify(value, { lineWidth: 0, indent: INDENT }).replace(/\n$/, '');
  return s
    .split('\n')
    .map((l) => ' '.repeat(indent) + l)
    .join('\n');
}

/** A scalar written as YAML (quoted when needed). */
export function yamlScalar(v: unknown): string {
  return stringify(v, { lineWidth: 0 }).replace(/\n$/, '');
}

/** Where the last line of a node's text ends (the node's own range can stop before trailing comments). */
function endOfNode(text: string, node: Node): number {
  const r = node.range!;
  let end = r[1];
  // A block collection's range includes its trailing newline; step back onto the last content line.
  while (end > r[0] && (text[end - 1] === '\n' || text[end - 1] === '\r' || text[end - 1] === ' ')) end--;
  return end;
}

/**
 * Adds `key: value` to the mapping at `mapPath`, creating missing mappings on the way. `value` is a plain JS value
 * written in block style. Returns undefined when the place cannot be edited safely (e.g. a path through a sequence
 * that does not exist).
 */
export function addKey(chunk: ChunkRef, mapPath: Path, key: string, value: unknown): TextEdit | undefined {
  const text = chunk.parse.text;
  // The deepest existing mapping on the path.
  let depth = mapPath.length;
  let node: Node | undefined;
  for (; depth >= 0; depth--) {
    node = depth === 0 ? (chunk.parse.doc.contents as Node) : nodeAtPath(chunk, mapPath.slice(0, depth));
    if (node && isMap(node)) break;
    if (node && depth > 0 && isScalar(node) && (node as Scalar).value === null) {
      // `key:` with an empty value: write the rest of the path and the new key under it.
      const rest = mapPath.slice(depth);
      if (rest.some((m) => typeof m === 'number')) return undefined;
      let v: Record<string, unknown> = { [key]: value };
      for (let i = rest.length - 1; i >= 0; i--) v = { [rest[i] as string]: v };
      return setEmptyMapping(chunk, mapPath.slice(0, depth), v);
    }
    if (node) return undefined; // exists but is not a mapping
  }
  if (!node || !isMap(node)) return undefined;
  const missing = mapPath.slice(depth);
  if (missing.some((m) => typeof m === 'number')) return undefined;
  let entry: Record<string, unknown> = { [key]: value };
  for (let i = missing.length - 1; i >= 0; i--) entry = { [missing[i] as string]: entry };
  const map = node as YAMLMap;
  if (map.flow) {
    // `{a: b}` -> `{a: b, key: value}` (only scalars are written inline)
    const close = map.range![1] - 1;
    const inner = Object.entries(entry)
      .map(([k, v]) => `${yamlScalar(k)}: ${JSON.stringify(v)}`)
      .join(', ');
    const hasItems = map.items.length > 0;
    const closeAt = text.lastIndexOf('}', close);
    return insertAt(chunk, closeAt, `${hasItems ? ', ' : ''}${inner}`);
  }
  const items = map.items as Pair[];
  if (items.length === 0) return undefined;
  const firstKey = items[0].key as Node;
  const col = columnOf(text, firstKey.range![0]);
  const lastItem = items[items.length - 1];
  const lastNode = ((lastItem.value as Node | null)?.range ? lastItem.value : lastItem.key) as Node;
  const at = afterLine(text, endOfNode(text, lastNode));
  const needsNewline = at === text.length && !text.endsWith('\n');
  return insertAt(chunk, at, `${needsNewline ? '\n' : ''}${yamlBlock(entry, col)}\n`);
}

/**
 * Adds a key to a mapping whose parent key exists with an empty (null) value, e.g. `labels:` with nothing under it:
 * the value replaces the empty node.
 */
export function setEmptyMapping(chunk: ChunkRef, path: Path, value: Record<string, unknown>): TextEdit | undefined {
  const pair = pairAtPath(chunk, path);
  if (!pair || !isScalar(pair.key)) return undefined;
  const v = pair.value as Node | null;
  if (v && !(isScalar(v) && (v as Scalar).value === null)) return undefined;
  const text = chunk.parse.text;
  const keyNode = pair.key as Node;
  const col = columnOf(text, keyNode.range![0]);
  const lineEnd = afterLine(text, keyNode.range![1]);
  let eol = text[lineEnd - 1] === '\n' ? lineEnd - 1 : lineEnd;
  if (text[eol - 1] === '\r') eol--; // a CRLF line keeps its ending
  const start = v?.range ? Math.min(v.range[0], eol) : eol;
  const head = text.slice(keyNode.range![1], start);
  const colon = head.indexOf(':');
  return { range: rangeOf(chunk, keyNode.range![1] + colon + 1, eol), newText: '\n' + yamlBlock(value, col + INDENT) };
}

/** Removes the `key: value` pair at `path` (whole lines for block mappings; the item and its comma for flow ones). */
export function removeKey(chunk: ChunkRef, path: Path): TextEdit | undefined {
  const text = chunk.parse.text;
  const parent = path.length > 1 ? nodeAtPath(chunk, path.slice(0, -1)) : (chunk.parse.doc.contents as Node);
  const pair = pairAtPath(chunk, path);
  if (!pair || !isMap(parent)) return undefined;
  const keyNode = pair.key as Node;
  const valueNode = pair.value as Node | null;
  if (!keyNode?.range) return undefined;
  if ((parent as YAMLMap).flow) {
    const items = (parent as YAMLMap).items as Pair[];
    const i = items.indexOf(pair);
    const start = keyNode.range[0];
    const end = valueNode?.range ? valueNode.range[1] : keyNode.range[1];
    if (items.length === 1) return { range: rangeOf(chunk, start, end), newText: '' };
    if (i < items.length - 1) {
      const nextStart = (items[i + 1].key as Node).range![0];
      return { range: rangeOf(chunk, start, nextStart), newText: '' };
    }
    const prevEnd = ((items[i - 1].value as Node | null)?.range ?? (items[i - 1].key as Node).range!)[1];
    return { range: rangeOf(chunk, prevEnd, end), newText: '' };
  }
  const start = lineStartOf(text, keyNode.range[0]);
  if (text.slice(start, keyNode.range[0]).trim() !== '') return undefined; // key shares its line (e.g. `- key:`)
  const end = afterLine(text, endOfNode(text, valueNode?.range ? valueNode : keyNode));
  return { range: rangeOf(chunk, start, end), newText: '' };
}

/** Appends plain values as items to the block sequence at `seqPath`. */
export function appendItems(chunk: ChunkRef, seqPath: Path, values: unknown[]): TextEdit | undefined {
  const text = chunk.parse.text;
  const seq = nodeAtPath(chunk, seqPath);
  if (!seq || !isSeq(seq) || (seq as YAMLSeq).flow || (seq as YAMLSeq).items.length === 0) return undefined;
  const items = (seq as YAMLSeq).items as Node[];
  const first = items[0];
  // The dash sits before the first item's content on the same line.
  const firstStart = first.range![0];
  const dashAt = text.lastIndexOf('-', firstStart - 1);
  const col = columnOf(text, dashAt >= lineStartOf(text, firstStart) ? dashAt : firstStart);
  const at = afterLine(text, endOfNode(text, items[items.length - 1]));
  const needsNewline = at === text.length && !text.endsWith('\n');
  return insertAt(chunk, at, `${needsNewline ? '\n' : ''}${yamlBlock(values, col)}\n`);
}

/** Replaces the value of the pair at `path` with a block-style value (e.g. `tls:` -> a TLS block). */
export function replaceValue(chunk: ChunkRef, path: Path, value: unknown): TextEdit | undefined {
  const pair = pairAtPath(chunk, path);
  if (!pair || !(pair.key as Node)?.range) return undefined;
  const text = chunk.parse.text;
  const keyNode = pair.key as Node;
  const col = columnOf(text, keyNode.range![0]);
  const v = pair.value as Node | null;
  const colon = text.indexOf(':', keyNode.range![1]);
  const end = v?.range ? endOfNode(text, v) : colon + 1;
  const block =
    value !== null && typeof value === 'object' ? '\n' + yamlBlock(value, col + INDENT) : ' ' + yamlScalar(value);
  return { range: rangeOf(chunk, colon + 1, Math.max(colon + 1, end)), newText: block };
}

/**
 * Removes a whole document (its lines, including its `---` marker) from a file; for an item of a list document, the
 * item's lines (its `- ` and everything under it).
 */
export function removeDocument(file: FileState, chunk: ChunkRef): TextEdit {
  const span = isItemChunk(chunk) ? itemSpan(chunk) : undefined;
  if (span) {
    const text = chunk.parse.text;
    const nl = text.indexOf('\n', Math.max(span.start, span.end - 1));
    return { range: rangeOf(chunk, span.start, nl < 0 ? text.length : nl + 1), newText: '' };
  }
  const next = file.chunks[chunk.index + 1];
  const end = next
    ? { line: next.startLine, character: 0 }
    : rangeOf(chunk, chunk.parse.text.length, chunk.parse.text.length).end;
  return { range: { start: { line: chunk.startLine, character: 0 }, end }, newText: '' };
}

/** Indentation of the line holding a chunk offset (exported for fixes that write next to a node). */
export function indentOfOffset(chunk: ChunkRef, offset: number): number {
  return indentAt(chunk.parse.text, offset);
}

/** Replaces item `index` of the block sequence at `seqPath` with a plain value (block style, at the item's column). */
export function replaceItem(chunk: ChunkRef, seqPath: Path, index: number, value: unknown): TextEdit | undefined {
  const text = chunk.parse.text;
  const seq = nodeAtPath(chunk, seqPath);
  if (!seq || !isSeq(seq) || (seq as YAMLSeq).flow) return undefined;
  const item = (seq as YAMLSeq).items[index] as Node | undefined;
  if (!item?.range) return undefined;
  const start = item.range[0];
  const col = columnOf(text, start);
  // The first line follows the `- ` already there; the others are indented to the item's column.
  const body = yamlBlock(value, col).slice(col);
  return { range: rangeOf(chunk, start, endOfNode(text, item)), newText: body };
}

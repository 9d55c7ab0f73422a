// Positions <-> the engine's parse: which document of a file a position falls in, which YAML node and path it is on,
// and LSP ranges for nodes. Every feature (hover, definition, completion, quick fixes) goes through here.
import { isMap, isPair, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ChunkRef, FileState, Path, Range, Resource } from '../engine';
import { itemAt, itemChunks, rangeOf } from '../engine';

export interface Position {
  line: number;
  character: number;
}

/**
 * The document (chunk) of a file that holds a position; inside a list document (`kind: List`, `XList`), the item
 * under the position, as the object it is (engine/list-items.ts). Between items, the list document itself.
 */
export function chunkAt(file: FileState, line: number, character = 0): ChunkRef | undefined {
  const cs = file.chunks;
  let lo = 0;
  let hi = cs.length - 1;
  let found: ChunkRef | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cs[mid].startLine <= line) {
      found = cs[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (!found) return undefined;
  const items = itemChunks(found);
  return (items.length && itemAt(items, offsetIn(found, { line, character }))) || found;
}

/** Chunk-relative offset of a file position (clamped to the chunk). */
export function offsetIn(chunk: ChunkRef, pos: Position): number {
  const starts = chunk.parse.lines.lineStarts;
  const l = pos.line - chunk.startLine;
  if (l < 0) return 0;
  if (l >= starts.length) return chunk.parse.text.length;
  const lineStart = starts[l];
  const nextStart = l + 1 < starts.length ? starts[l + 1] : chunk.parse.text.length + 1;
  return Math.min(lineStart + pos.character, nextStart - 1, chunk.parse.text.length);
}

export function nodeRange(
  chunk: ChunkRef,
  node: { range?: [number, number, number] | null } | null | undefined,
): Range | undefined {
  const r = node?.range;
  return r ? rangeOf(chunk, r[0], r[1]) : undefined;
}

export function resourceOf(file: FileState, chunk: ChunkRef): Resource | undefined {
  return file.resources.find((r) => r.chunk === chunk);
}

export interface NodeAt {
  /** Path of the node under the position (for a key: the path of its value). */
  path: (string | number)[];
  /** The scalar/collection under the position (the key scalar when `onKey`). */
  node: Node | null;
  onKey: boolean;
  /** The pair whose key or value holds the position, if any. */
  pair?: Pair;
}

/** The deepest node at a chunk-relative offset. */
export function nodeAt(chunk: ChunkRef, offset: number): NodeAt {
  const out: NodeAt = { path: [], node: (chunk.parse.doc.contents as Node) ?? null, onKey: false };
  let node: unknown = chunk.parse.doc.contents;
  for (let depth = 0; depth < 200 && node; depth++) {
    if (isMap(node)) {
      const m = node as YAMLMap;
      let next: unknown;
      for (const p of m.items as Pair[]) {
        const k = p.key as Node | null;
        const v = p.value as Node | null;
        const key = isScalar(k) ? String((k as Scalar).value) : undefined;
        if (k?.range && offset >= k.range[0] && offset <= k.range[1] && key !== undefined) {
          return { path: [...out.path, key], node: k, onKey: true, pair: p };
        }
        if (v?.range && offset >= v.range[0] && offset <= v.range[1] && key !== undefined) {
          out.path.push(key);
          out.node = v;
          out.pair = p;
          next = v;
          break;
        }
      }
      if (!next) return out;
      node = next;
    } else if (isSeq(node)) {
      const s = node as YAMLSeq;
      let next: unknown;
      s.items.forEach((it, i) => {
        const n = it as Node | null;
        if (!next && n?.range && offset >= n.range[0] && offset <= n.range[1]) {
          out.path.push(i);
          out.node = n;
          out.pair = undefined;
          next = n;
        }
      });
      if (!next) return out;
      node = next;
    } else {
      return out;
    }
  }
  return out;
}

/** The node at a path (undefined when absent). */
export function nodeAtPath(chunk: ChunkRef, path: Path): Node | undefined {
  let node: unknown = chunk.parse.doc.contents;
  for (const seg of path) {
    if (isMap(node) && typeof seg === 'string') {
      const p = (node.items as Pair[]).find((x) => isScalar(x.key) && String((x.key as Scalar).value) === seg);
      node = p?.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return (node as Node) ?? undefined;
}

/** The pair at a path (its last segment is the key). */
export function pairAtPath(chunk: ChunkRef, path: Path): Pair | undefined {
  const parent = path.length > 1 ? nodeAtPath(chunk, path.slice(0, -1)) : (chunk.parse.doc.contents as Node);
  const key = path[path.length - 1];
  if (!isMap(parent) || typeof key !== 'string') return undefined;
  return (parent.items as Pair[]).find((x) => isScalar(x.key) && String((x.key as Scalar).value) === key);
}

export function isPairNode(x: unknown): x is Pair {
  return isPair(x);
}

/** Plain value at a path of a JSON object. */
export function valueAt(v: unknown, path: Path): unknown {
  let cur: any = v;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[seg as any];
  }
  return cur;
}

/** Text of a 0-based line of a chunk (without the newline). */
export function chunkLine(chunk: ChunkRef, line: number): string {
  const starts = chunk.parse.lines.lineStarts;
  const l = line - chunk.startLine;
  if (l < 0 || l >= starts.length) return '';
  const end = l + 1 < starts.length ? starts[l + 1] - 1 : chunk.parse.text.length;
  return chunk.parse.text.slice(starts[l], end).replace(/\r$/, '');
}

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// Source ranges a quick fix needs beyond `locate`: a whole `key: value` entry (to delete it), the span from a key
// to the end of its value (to rewrite both), and the first key of an array item. Chunk-relative offsets.
import { Document, isMap, isScalar, isSeq, Node, Pair, YAMLMap } from 'yaml';
import type { Path } from './parse';

export interface Span {
  start: number;
  end: number;
}

function nodeAt(doc: Document.Parsed, path: Path): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node) && typeof seg === 'string') node = node.items.find((p: Pair) => keyText(p) === seg)?.value;
    else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
    else return undefined;
  }
  return node;
}

function keyText(p: Pair): unknown {
  return isScalar(p.key) ? String(p.key.value) : p.key;
}

/** The map holding the last key of `path`, and that key's pair. */
export function pairAt(doc: Document.Parsed, path: Path): { map: YAMLMap; pair: Pair } | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  const map = nodeAt(doc, path.slice(0, -1));
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p: Pair) => keyText(p) === last);
  return pair ? { map, pair } : undefined;
}

/** From the key's first character to the end of its value (`size: 384`). */
export function pairSpan(doc: Document.Parsed, path: Path): Span | undefined {
  const at = pairAt(doc, path);
  const key = at?.pair.key as Node | undefined;
  if (!at || !key?.range) return undefined;
  const value = at.pair.value as Node | null;
  return { start: key.range[0], end: value?.range ? value.range[1] : key.range[1] };
}

/**
 * What to delete to remove the entry at `path` and leave valid YAML: in a block mapping its whole line(s), in a
 * flow mapping the entry with one neighbouring comma. Undefined when the entry shares its line with other content
 * (e.g. it follows a `- ` sequence dash), where deleting it could break the structure.
 */
export function pairDeletion(text: string, doc: Document.Parsed, path: Path): Span | undefined {
  const at = pairAt(doc, path);
  const span = pairSpan(doc, path);
  if (!at || !span) return undefined;
  if (at.map.flow) {
    let i = span.start - 1;
    while (i >= 0 && /\s/.test(text[i])) i--;
    if (text[i] === ',') return { start: i, end: span.end };
    let j = span.end;
    while (j < text.length && /[ \t]/.test(text[j])) j++;
    if (text[j] === ',') {
      j++;
      while (j < text.length && /\s/.test(text[j])) j++;
      return { start: span.start, end: j };
    }
    return span; // the only entry: `{}` remains
  }
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  if (text.slice(lineStart, span.start).trim() !== '') return undefined;
  let end = span.end;
  if (text[end - 1] !== '\n') {
    const nl = text.indexOf('\n', end);
    const rest = text.slice(end, nl < 0 ? text.length : nl).trim();
    if (rest !== '' && !rest.startsWith('#')) return undefined;
    end = nl < 0 ? text.length : nl + 1;
  }
  return { start: lineStart, end };
}

/** The first key of the mapping at `path` (an array item), or the node itself when it is not a non-empty mapping. */
export function firstKeySpan(doc: Document.Parsed, path: Path): Span | undefined {
  const node = nodeAt(doc, path);
  if (isMap(node) && node.items.length) {
    const k = node.items[0].key as Node | null;
    if (k?.range) return { start: k.range[0], end: k.range[1] };
  }
  const r = (node as Node | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

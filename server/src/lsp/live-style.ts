// "Compare with Workspace File": the live object printed as the workspace file writes it, so that the diff shows only
// what really differs. What the API server adds is left out (managedFields, resourceVersion, uid, creationTimestamp,
// generation, selfLink, status, kubectl's last-applied-configuration annotation, a namespace the file leaves to the
// default), and the rest is written into the file's own document: its key order, indentation, list indentation,
// flow and quoting styles and comments are kept where the values agree, so an unchanged object gives the file's text
// exactly. The file's other documents are kept as they are (they are not what is compared).
import { Document, isMap, isScalar, isSeq, parseAllDocuments, type Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { sameValue } from '../engine/values';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The live object without what the API server manages. */
export function withoutServerFields(o: Record<string, any>): Record<string, any> {
  const { status: _s, ...rest } = o;
  const meta = { ...(o.metadata ?? {}) };
  for (const k of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'])
    delete meta[k];
  if (meta.annotations && typeof meta.annotations === 'object') {
    const { [LAST_APPLIED]: _l, ...ann } = meta.annotations;
    if (Object.keys(ann).length) meta.annotations = ann;
    else delete meta.annotations;
  }
  return { ...rest, metadata: meta };
}

export interface StyledLive {
  /** The file's text with the object's document replaced by the live object. */
  text: string;
  /** False when the file has no document of that object (then `text` is the live object on its own). */
  matched: boolean;
}

/**
 * The live object `live` (as read from the API server) written in the style of the document of `fileText` that
 * defines the same object (kind, name, and namespace when the file names one).
 */
export function styleLike(fileText: string, live: Record<string, any>): StyledLive {
  const clean = withoutServerFields(live);
  const docs = parseAllDocuments(fileText, { keepSourceTokens: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    if (doc.errors.length) continue;
    const js = doc.toJS() as Record<string, any> | null;
    if (!js || typeof js !== 'object' || js.kind !== clean.kind || js.metadata?.name !== clean.metadata?.name) continue;
    const ns = js.metadata?.namespace;
    if (ns !== undefined && clean.metadata?.namespace !== undefined && ns !== clean.metadata.namespace) continue;
    // The file leaves the namespace to the default: so does the comparison.
    if (ns === undefined && clean.metadata) delete clean.metadata.namespace;
    if (sameValue(js, clean)) return { text: fileText, matched: true };
    // Only values differ: each changed scalar is rewritten where it stands, in its quoting; nothing else moves.
    const edits: { start: number; end: number; text: string }[] = [];
    if (scalarEdits(doc.contents, clean, edits)) {
      let text = fileText;
      for (const e of edits.sort((a, b) => b.start - a.start))
        text = text.slice(0, e.start) + e.text + text.slice(e.end);
      return { text, matched: true };
    }
    // Keys or items added or removed: the document is written again in the file's style (comments before it stay).
    const contents = doc.contents as Node | null;
    const start = contents?.range?.[0] ?? doc.range[0];
    const end = doc.range[2];
    doc.commentBefore = null;
    doc.contents = merge(doc, contents, clean) as typeof doc.contents;
    let body = doc.toString({ ...styleOf(fileText.slice(start, end)), lineWidth: 0 });
    body = body.replace(/^---\n/, '').replace(/\n?\.\.\.\n$/, '\n');
    const tail = fileText.slice(end);
    return {
      text: fileText.slice(0, start) + (tail === '' || body.endsWith('\n') ? body : `${body}\n`) + tail,
      matched: true,
    };
  }
  const fresh = new Document(clean);
  return { text: fresh.toString({ ...styleOf(fileText), lineWidth: 0 }), matched: false };
}

/**
 * Collects a text edit per scalar whose value differs; false when the structure differs (keys or items added or
 * removed, or a value of another shape), which text edits of scalars cannot express.
 */
function scalarEdits(node: unknown, value: unknown, out: { start: number; end: number; text: string }[]): boolean {
  if (isMap(node)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    const v = value as Record<string, unknown>;
    const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
    if (keys.length !== Object.keys(v).length || !keys.every((k) => Object.prototype.hasOwnProperty.call(v, k)))
      return false;
    return node.items.every((p, i) => scalarEdits(p.value, v[keys[i]], out));
  }
  if (isSeq(node)) {
    if (!Array.isArray(value) || value.length !== node.items.length) return false;
    return node.items.every((x, i) => scalarEdits(x, value[i], out));
  }
  if (!isScalar(node) || !node.range) return false;
  if (node.value === value) return true;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
  out.push({ start: node.range[0], end: node.range[1], text: scalarText(value, node.type) });
  return true;
}

/** A scalar in the quoting of the one it replaces (plain when that is not valid YAML for the value). */
function scalarText(value: string | number | boolean, type: Scalar['type']): string {
  if (typeof value !== 'string') return String(value);
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return new Document(value).toString({ lineWidth: 0 }).replace(/\n$/, '');
}

/** The file's indentation: spaces per level, and whether list items are indented under their key. */
function styleOf(text: string): { indent: number; indentSeq: boolean } {
  const lines = text.split(/\r?\n/);
  let indent = 0;
  let indentSeq: boolean | undefined;
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^( *)[^\s#-][^:#]*:\s*$/.exec(lines[i]);
    if (!m) continue;
    const next = /^( *)(- |-$)?/.exec(lines[i + 1])!;
    const d = next[1].length - m[1].length;
    if (next[2]) {
      indentSeq ??= d > 0;
      if (d > 0 && !indent) indent = d;
    } else if (d > 0 && (!indent || d < indent)) indent = d;
  }
  return { indent: indent || 2, indentSeq: indentSeq ?? true };
}

/** `value` written into `node`: the node's keys in its order (new keys after), its styles where values agree. */
function merge(doc: Document, node: unknown, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && isMap(node)) {
    const v = value as Record<string, unknown>;
    const out = new YAMLMap();
    out.flow = node.flow;
    out.commentBefore = node.commentBefore;
    out.comment = node.comment;
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      seen.add(key);
      out.items.push(new Pair(pair.key, merge(doc, pair.value, v[key])));
    }
    for (const [k, x] of Object.entries(v)) if (!seen.has(k)) out.items.push(doc.createPair(k, x) as Pair);
    return out;
  }
  if (Array.isArray(value) && isSeq(node)) {
    const out = new YAMLSeq();
    out.flow = node.flow;
    out.commentBefore = node.commentBefore;
    out.comment = node.comment;
    value.forEach((x, i) => out.items.push(i < node.items.length ? merge(doc, node.items[i], x) : doc.createNode(x)));
    return out;
  }
  if (isScalar(node) && node.value === value) return node;
  if (value !== null && typeof value !== 'object' && isScalar(node)) {
    const s = new Scalar(value);
    // Keep a quoting style only where it still fits the new value's type.
    if (typeof value === 'string' && typeof node.value === 'string') s.type = node.type;
    s.comment = node.comment;
    return s;
  }
  return doc.createNode(value);
}

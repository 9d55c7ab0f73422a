// The fast YAML path held to the `yaml` library on one document: the same value, no document the library rejects,
// the same range for every node and key and the same fallback for paths that do not exist.
import assert from 'node:assert/strict';
import { Document, isMap, isScalar, isSeq, Node, Pair, parseDocument } from 'yaml';
import { fastLocate, fastParse } from '../../server/src/engine/fast-yaml';
import { locate } from '../../server/src/engine/parse';

type P = (string | number)[];

function libParse(text: string): Document.Parsed {
  return parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: false }) as Document.Parsed;
}

/** Every path in a document (values), with whether it ends at a map key. */
function paths(doc: Document.Parsed): P[] {
  const out: P[] = [];
  const walk = (n: unknown, p: P) => {
    out.push(p);
    if (isMap(n))
      for (const pair of n.items as Pair[]) {
        if (isScalar(pair.key)) walk(pair.value, [...p, String((pair.key as { value: unknown }).value)]);
      }
    else if (isSeq(n)) (n.items as Node[]).forEach((it, i) => walk(it, [...p, i]));
  };
  walk(doc.contents, []);
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && typeof a === 'object') {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b as object);
    return (
      ka.length === kb.length &&
      ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return a === b;
}

/** Compares the fast path with the library on one document; returns 'fast' | 'bail', throws on a difference. */
export function compare(text: string): 'fast' | 'bail' {
  const fast = fastParse(text);
  if (!fast) return 'bail';
  const doc = libParse(text);
  const where = `\n--- document ---\n${text}\n----------------`;
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    `the fast path accepted a document the library rejects${where}`,
  );
  const value = doc.toJS({ maxAliasCount: 100 });
  assert.ok(
    same(fast.value, value),
    `values differ: ${JSON.stringify(fast.value)} vs ${JSON.stringify(value)}${where}`,
  );
  for (const p of paths(doc)) {
    for (const key of [false, true]) {
      const want = locate(doc, p, key);
      const got = fastLocate(fast.tree, p, key);
      assert.deepEqual(got, want, `range of ${JSON.stringify(p)}${key ? ' (key)' : ''}${where}`);
    }
    for (const missing of [
      [...p, 'no-such-key'],
      [...p, 99],
      [...p, 'no-such-key', 'deeper'],
    ] as P[]) {
      assert.deepEqual(
        fastLocate(fast.tree, missing, true),
        locate(doc, missing, true),
        `fallback for ${JSON.stringify(missing)}${where}`,
      );
      assert.deepEqual(
        fastLocate(fast.tree, missing),
        locate(doc, missing),
        `fallback for ${JSON.stringify(missing)}${where}`,
      );
    }
  }
  return 'fast';
}

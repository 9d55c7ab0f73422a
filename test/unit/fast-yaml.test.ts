// The fast YAML path (server/src/engine/fast-yaml.ts) must give exactly the `yaml` library's answers whenever it
// answers at all: the same value, no document the library would reject, and the same range for every node and key
// (and the same fallback for paths that do not exist). Checked over the real-world corpus, the examples, the
// benchmark corpus and thousands of mutated documents; it must also answer for most of them (or it is pointless).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { splitDocuments } from '../../server/src/engine/parse';
import { compare } from '../helpers/fast-yaml-compare';
import { fastLocate, fastParse } from '../../server/src/engine/fast-yaml';
import { corpusFiles, yamlFiles } from '../helpers/corpus';
import { rng } from '../helpers/rng';
import { documents } from '../../bench/corpus';

function chunksOf(text: string): string[] {
  return splitDocuments(text).map((s) => s.text);
}

function allDocuments(): string[] {
  const texts: string[] = [];
  for (const f of corpusFiles()) texts.push(...chunksOf(f.text));
  for (const f of yamlFiles('examples')) texts.push(...chunksOf(readFileSync(f, 'utf8')));
  texts.push(...documents(200, 7));
  return texts;
}

test('the fast path agrees with the yaml library on the corpus, the examples and the benchmark corpus', () => {
  let fast = 0;
  let relevant = 0;
  let relevantFast = 0;
  const docs = allDocuments();
  for (const d of docs) {
    const r = compare(d);
    if (r === 'fast') fast++;
    if (/^(kind|apiVersion):/m.test(d)) {
      relevant++;
      if (r === 'fast') relevantFast++;
    }
  }
  // It must answer for most manifests, or it would not be worth having.
  if (process.env.BROKERKIT_VERBOSE)
    console.log(`fast path: ${relevantFast}/${relevant} manifests, ${fast}/${docs.length} documents`);
  assert.ok(
    relevantFast / relevant > 0.8,
    `fast path answered ${relevantFast}/${relevant} manifests (${fast}/${docs.length} documents)`,
  );
});

const INSERTS = [
  ' ',
  '  ',
  '\n',
  ':',
  ': ',
  '-',
  '- ',
  '#',
  ' #',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ',',
  '|',
  '>',
  '&a',
  '*a',
  '!t',
  '?',
  '~',
  'null',
  '0x1F',
  '1e3',
  '.5',
  '\\',
  '\t',
  '---',
  '...',
  'a: b',
  'k:',
  '\n  - x',
  '\n    y: 1',
  '|-\n  text',
  '"\\u00e9"',
  "'it''s'",
];

test('mutated documents: whenever the fast path answers, it is exactly the library', () => {
  const base = allDocuments().filter((d) => d.length < 4000);
  const rand = rng(20261123);
  let answered = 0;
  for (let n = 0; n < 6000; n++) {
    let text = base[Math.floor(rand() * base.length)];
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * (text.length + 1));
      const kind = rand();
      if (kind < 0.45) text = text.slice(0, at) + INSERTS[Math.floor(rand() * INSERTS.length)] + text.slice(at);
      else if (kind < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 6));
      else {
        // re-indent a line
        const ls = text.split('\n');
        const i = Math.floor(rand() * ls.length);
        ls[i] = rand() < 0.5 ? ' ' + ls[i] : ls[i].replace(/^ /, '');
        text = ls.join('\n');
      }
    }
    if (compare(text) === 'fast') answered++;
  }
  assert.ok(answered > 1000, `the fast path answered only ${answered} of 6000 mutated documents`);
});

test('packed trees: quoted and escaped keys, keys with spaces, CRLF, and a document past 65,535 characters', () => {
  const small = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: "quoted-\\u0041"',
    "  labels: {\"a\\tb\": 1, 'it''s': 2, plain: [x, {y: z}]}",
    'data:',
    '  "x\\"y": 1',
    "  'single''s': two",
    '  key with spaces  : v',
    '',
  ].join('\n');
  assert.equal(compare(small), 'fast');
  assert.equal(compare(small.replace(/\n/g, '\r\n')), 'fast');
  // Offsets past 65,535 take the wider array: the last key is found where it is.
  const items = Array.from({ length: 4000 }, (_, i) => `  - name: item-${i}\n    "port-${i}": ${i}`).join('\n');
  const big = `kind: List\nitems:\n${items}\nlast: here\n`;
  assert.ok(big.length > 0xffff);
  assert.equal(compare(big), 'fast');
  const tree = fastParse(big)!.tree;
  const at = fastLocate(tree, ['last'], true);
  assert.equal(big.slice(at.start, at.end), 'last');
});

// YAML that Kubernetes accepts is not a syntax error: quoted scalars continued on lines indented no deeper than their
// key (go-yaml and PyYAML read them up to the closing quote) are read as Kubernetes reads them, with exact positions
// for everything after them; real `kubectl get -o yaml` dumps, and the same dumps re-laid that way, give the same
// values; the fast path leaves such text to the library, and both paths agree on the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { parseChunk } from '../../server/src/engine/parse';
import { fastParse } from '../../server/src/engine/fast-yaml';
import { ROOT } from '../helpers/corpus';
import { check, listenerDoc, rangeOf } from '../helpers/engine';

const DUMPS = join(ROOT, 'test', 'fixtures', 'kubectl-dumps');

test('real kubectl dumps parse cleanly, with the values the library gives', () => {
  for (const name of ['listener.yaml', 'job.yaml']) {
    const dump = readFileSync(join(DUMPS, name), 'utf8');
    const ours = parseChunk(dump);
    assert.deepEqual(ours.problems, [], name);
    assert.deepEqual(ours.value, parseDocument(dump).toJS());
  }
});

test('a single-quoted annotation continued at its key indentation, as in a kubectl dump, is no syntax error', () => {
  const dump = readFileSync(join(DUMPS, 'listener.yaml'), 'utf8');
  const relaid = dump.replace(
    "\n      by the emitter of the go yaml library used by kubectl'",
    "\n    by the emitter of the go yaml library used by kubectl'",
  );
  assert.notEqual(relaid, dump);
  assert.ok(parseDocument(relaid).errors.length > 0, 'the yaml library alone rejects it');
  const r = parseChunk(relaid);
  assert.deepEqual(r.problems, []);
  const v = r.value as { metadata: { annotations: Record<string, string> } };
  assert.equal(
    v.metadata.annotations.quoted,
    "it's a value with 'quotes' and a colon: here, long enough to be folded by the emitter of the go yaml library used by kubectl",
  );
  // Everything after it keeps its place.
  assert.equal(r.lines.linePos(relaid.indexOf('creationTimestamp')).line, 11);
});

test('quoted scalars continued at or left of the key: single and double quotes, escapes, comments, list items', () => {
  const text = [
    'metadata:',
    '  annotations:',
    "    a: 'one",
    "    two''s # not a comment'",
    '    b: "x \\" y',
    '  z\\\\"',
    '    c: plain',
    'items:',
    "- 'p",
    "q'",
    '- "r',
    '',
    '  s"',
    '',
  ].join('\n');
  const r = parseChunk(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.value, {
    metadata: { annotations: { a: "one two's # not a comment", b: 'x " y z\\', c: 'plain' } },
    items: ['p q', 'r\ns'],
  });
  // Positions: the scalar's range is its source (both lines), and what follows is where it was.
  const doc = r.doc;
  const a = doc.getIn(['metadata', 'annotations', 'a'], true) as { range: number[] };
  assert.equal(text.slice(a.range[0], a.range[1]), "'one\n    two''s # not a comment'");
  assert.equal(r.lines.linePos(text.indexOf('c: plain')).line, 7);
});

test('what go-yaml rejects stays an error: a quote never closed, a document marker inside the quotes', () => {
  assert.equal(parseChunk("a: 'never\nb: c\n").problems.length > 0, true);
  assert.equal(parseChunk("a: 'x\n--- \ny'\n").problems.length > 0, true);
  // A plain scalar continued at its key's indentation is an error for go-yaml too.
  assert.equal(parseChunk('a: hello\nworld\n').problems.length > 0, true);
});

test('findings after a relaxed scalar are placed where they are', () => {
  const text = listenerDoc(
    'l',
    '  brokerRef: default\n  serviceType: loadBalancer\n  ports:\n  - port: 1883\n    authenticationRef: default\n',
  ).replace('metadata:\n', "metadata:\n  annotations:\n    note: 'a long note\n    folded at the key'\n");
  const findings = check({ 'l.yaml': text });
  assert.ok(!findings.some((f) => f.code === 'yaml-syntax'), JSON.stringify(findings));
  const spelling = findings.find((f) => f.code === 'enum-spelling');
  assert.ok(spelling, JSON.stringify(findings.map((f) => f.code)));
  assert.deepEqual(spelling.range, rangeOf(text, 'loadBalancer'));
});

const word = fc.stringMatching(/^[a-z]{1,8}$/);

test('property: a quoted scalar at the key indentation has the value of the same scalar indented deeper', () => {
  fc.assert(
    fc.property(
      fc.array(word, { minLength: 2, maxLength: 6 }),
      fc.constantFrom("'", '"'),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 3 }),
      (words, q, depth, back) => {
        const ind = '  '.repeat(depth);
        const head = depth ? `${'  '.repeat(0)}root:\n${depth > 1 ? '  sub:\n' : ''}` : '';
        const body = (contIndent: string) =>
          `${head}${ind}key: ${q}${words[0]}\n${words
            .slice(1)
            .map((w) => `${contIndent}${w}`)
            .join('\n')}${q}\n${ind}next: 1\n`;
        const valid = body(`${ind}  `);
        const relaxed = body(ind.slice(0, Math.max(0, ind.length - back)));
        const good = parseChunk(valid);
        assert.deepEqual(good.problems, []);
        assert.deepEqual(good.value, parseDocument(valid).toJS(), 'the valid layout: our parse is the library');
        const ours = parseChunk(relaxed);
        assert.deepEqual(ours.problems, [], relaxed);
        assert.deepEqual(ours.value, good.value, relaxed);
        if (parseDocument(relaxed).errors.length) assert.equal(fastParse(relaxed), undefined);
      },
    ),
    { seed: 20261205, numRuns: 300 },
  );
});

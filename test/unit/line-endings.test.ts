// Line endings and encodings are not findings: every YAML file of the repository (the examples and the test
// fixtures, with their kustomizations, checked together as a workspace) gives the same findings, at the same lines
// and columns, with LF, CRLF, a UTF-8 byte order mark, and a last line without its newline. The fast YAML path
// must also keep answering for CRLF documents (they are not handed to the slower library).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validate, Finding } from '../../server/src/engine';
import { decodeText } from '../../server/src/engine/not-checked';
import { parseChunk, splitDocuments } from '../../server/src/engine/parse';
import { ROOT, yamlFiles } from '../helpers/corpus';

const FILES = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'test', 'fixtures'))].map((path) => ({
  name: relative(ROOT, path),
  // As read from disk (a byte order mark dropped), with LF endings.
  text: decodeText(readFileSync(path)).replace(/\r\n/g, '\n'),
}));

type Variant = (lf: string) => string;
const VARIANTS: Record<string, Variant> = {
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  'byte order mark': (t) => decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')])),
  'crlf with a byte order mark': (t) =>
    decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t.replace(/\n/g, '\r\n'), 'utf8')])),
  'no final newline': (t) => t.replace(/\n+$/, ''),
  'crlf, no final newline': (t) => t.replace(/\n+$/, '').replace(/\n/g, '\r\n'),
};

function run(variant: Variant | undefined): Map<string, string[]> {
  const docs: Record<string, string> = {};
  for (const f of FILES) docs[`file:///repo/${f.name}`] = variant ? variant(f.text) : f.text;
  const byFile = new Map<string, string[]>();
  for (const f of validate(docs) as Finding[]) {
    const r = f.range;
    const line = `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${f.severity} ${f.code}: ${f.message}`;
    const list = byFile.get(f.uri) ?? [];
    list.push(line);
    byFile.set(f.uri, list);
  }
  for (const list of byFile.values()) list.sort();
  return byFile;
}

test('the repository has YAML files to compare, and they have findings', () => {
  assert.ok(FILES.length >= 50, `${FILES.length} files`);
  const lf = run(undefined);
  assert.ok([...lf.values()].flat().length > 20, 'the examples hold deliberate mistakes');
});

for (const [name, variant] of Object.entries(VARIANTS)) {
  test(`every example and fixture gives the same findings with ${name} as with LF`, () => {
    const lf = run(undefined);
    const other = run(variant);
    for (const uri of new Set([...lf.keys(), ...other.keys()]))
      assert.deepEqual(other.get(uri) ?? [], lf.get(uri) ?? [], `${uri} (${name})`);
  });
}

test('a CRLF multi-document file is split into its documents and each is read', () => {
  const text = 'a: 1\r\n---\r\nb: 2\r\n...\r\n---\r\nc: [3]\r\n';
  assert.deepEqual(
    splitDocuments(text).map((s) => s.text),
    ['a: 1\r\n', '---\r\nb: 2\r\n...\r\n', '---\r\nc: [3]\r\n'],
  );
});

test('CRLF documents of the examples stay on the fast path', () => {
  let fast = 0;
  let all = 0;
  for (const f of FILES)
    for (const s of splitDocuments(f.text)) {
      const lf = parseChunk(s.text);
      const crlf = parseChunk(s.text.replace(/\n/g, '\r\n'));
      all++;
      if (crlf.fast !== undefined) fast++;
      assert.equal(crlf.fast !== undefined, lf.fast !== undefined, `${f.name}: the same path for CRLF`);
    }
  assert.ok(fast > all / 2, `${fast} of ${all} documents on the fast path`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitDocuments, Workspace } from '../../server/src/engine';
import { check, codes, rangeOf } from '../helpers/engine';

test('splitDocuments keeps every character and starts each chunk at a line', () => {
  const text = '# head\n---\na: 1\n---\nb: 2\n...\nc: 3\n';
  const parts = splitDocuments(text);
  assert.equal(parts.map((p) => p.text).join(''), text);
  assert.deepEqual(
    parts.map((p) => p.startLine),
    [0, 1, 3, 6],
  );
  for (const p of parts) assert.equal(text.slice(p.startOffset, p.startOffset + p.text.length), p.text);
});

test('a syntax error is reported where it is, and the other documents are still checked', () => {
  const text =
    'a: [1,\n---\napiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: x\nspec:\n  brokerRef: other\n  ports: [{port: 1}]\n';
  const f = check({ 'a.yaml': text });
  const syntax = f.find((x) => x.code === 'yaml-syntax');
  assert.ok(syntax, 'yaml-syntax reported');
  assert.equal(syntax!.range.start.line, 1);
  const br = f.find((x) => x.code === 'broker-ref');
  assert.deepEqual(br?.range, rangeOf(text, 'other'));
});

test('empty, comment-only, scalar and list documents are fine', () => {
  const f = check({
    'a.yaml': '',
    'b.yaml': '# only a comment\n',
    'c.yaml': 'just a string\n',
    'd.yaml': '- 1\n- 2\n',
    'e.yaml': '---\n---\n...\n',
  });
  assert.deepEqual(codes(f), []);
});

test('an alias bomb is bounded and reported, not expanded', () => {
  // (A file that names AIO: syntax errors are reported where they can hide what BrokerKit checks.)
  let text = '# mqttbroker.iotoperations.azure.com\na: &a ["x","x","x","x","x","x","x","x","x"]\n';
  let prev = 'a';
  for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
    text += `${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]\n`;
    prev = n;
  }
  const f = check({ 'bomb.yaml': text });
  assert.deepEqual(codes(f), ['yaml-syntax']);
  assert.match(f[0].message, /alias/i);
});

test('re-validating after an edit re-parses only the edited document', () => {
  const ws = new Workspace();
  const docs = Array.from({ length: 50 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`);
  ws.setFile('file:///a.yaml', docs.join('---\n'));
  const before = ws.getFile('file:///a.yaml')!.chunks.map((c) => c.parse);
  docs[10] = docs[10].replace('c10', 'changed');
  ws.setFile('file:///a.yaml', docs.join('---\n'));
  const after = ws.getFile('file:///a.yaml')!.chunks.map((c) => c.parse);
  const reparsed = after.filter((p, i) => p !== before[i]);
  assert.equal(reparsed.length, 1);
  assert.ok(reparsed[0].text.includes('changed'));
});

test('inline suppression on the line or the line above', () => {
  const text =
    'apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: x\nspec:\n  # brokerkit-ignore broker-ref\n  brokerRef: other\n  ports: [{port: 1}]\n';
  assert.deepEqual(codes(check({ 'a.yaml': text })).includes('broker-ref'), false);
  const same = text
    .replace('  # brokerkit-ignore broker-ref\n', '')
    .replace('brokerRef: other', 'brokerRef: other # brokerkit-ignore');
  assert.deepEqual(codes(check({ 'a.yaml': same })).includes('broker-ref'), false);
  assert.deepEqual(
    codes(check({ 'a.yaml': text.replace('broker-ref\n', 'port-conflict\n') })).includes('broker-ref'),
    true,
  );
});

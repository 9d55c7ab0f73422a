// Nothing is skipped silently: every file (or document) the engine does not check gets one information finding that
// says why and what to do, and everything else around it is still checked. Helm templates are recognised by `{{ }}`
// where YAML has no string (or by a chart's templates folder); braces inside strings are data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine';
import { hasTemplateActions, looksBinary, nestingDepth, MAX_NESTING } from '../../server/src/engine/not-checked';
import { check, codes, LISTENER_HEAD } from '../helpers/engine';

const CLASH = LISTENER_HEAD('lb', '  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n');
const at = (f: { range: { start: { line: number; character: number } } }) => [
  f.range.start.line,
  f.range.start.character,
];

test('braces inside a string value are data: the file is checked (a ConfigMap message does not hide a listener)', () => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: msg\ndata:\n  message: "{{.SiteName}} is online"\n  plain: site {{ .Name }} up\n  block: |\n    {{- if .x }}\n    {{ end }}\n# {{ a comment }}\n---\n${CLASH}`;
  const f = check({ 'a.yaml': text });
  assert.ok(codes(f).includes('port-conflict'), codes(f).join());
  assert.ok(!codes(f).includes('helm-template'));
});

test('a Helm template (actions where YAML has no string) gets one note saying how to check it, and nothing else', () => {
  for (const text of [
    `${CLASH.replace('port: 18883', 'port: {{ .Values.port }}')}`,
    `{{- if .Values.enabled }}\n${CLASH}{{- end }}\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{cell}}\n`, // Jinja-style
    `${CLASH}  - port: 1883\n    tls: [{{ include "tls" . }}]\n`,
  ]) {
    const f = check({ 'a.yaml': text });
    assert.deepEqual(codes(f), ['helm-template'], text);
    assert.deepEqual(at(f[0]), [0, 0]);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /helm template <release> <chart> \| brokerkit check -/);
  }
  // Under a chart's templates folder (the host says which files those are), every `{{` is a template action.
  const quoted = `${CLASH}  - port: 1884\n    authenticationRef: "{{ .Values.authn }}"\n`;
  assert.ok(codes(check({ 'a.yaml': quoted })).includes('port-conflict'));
  const inChart = check({ 'chart/templates/a.yaml': quoted }, undefined, {
    chartTemplate: (uri) => uri.includes('/templates/'),
  });
  assert.deepEqual(codes(inChart), ['helm-template']);
  // A file in a chart without any `{{` is plain YAML and checked.
  assert.ok(
    codes(check({ 'chart/templates/b.yaml': CLASH }, undefined, { chartTemplate: () => true })).includes(
      'port-conflict',
    ),
  );
});

test('binary files get one note: NUL bytes, mostly control characters or bytes that were not UTF-8', () => {
  const elf = '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0';
  const png = '\ufffdPNG\r\n\x1a\n\0\0\0\rIHDR';
  const latin1 = '\ufffd\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f'.repeat(20);
  for (const text of [elf, png, latin1]) {
    const f = check({ 'x.yaml': text });
    assert.deepEqual(codes(f), ['binary-file'], JSON.stringify(text));
    assert.match(f[0].message, /^Not checked: this file is binary/);
  }
  // A stray replacement character in real YAML is not binary.
  assert.equal(looksBinary(`${CLASH}# caf\ufffd\n`), false);
  assert.ok(codes(check({ 'x.yaml': `${CLASH}# caf\ufffd\n` })).includes('port-conflict'));
});

test('over the size limit: one note naming the setting; --ignore drops it like any code', () => {
  const f = check({ 'big.yaml': 'a: 1\n'.repeat(100) }, undefined, { maxFileSize: 100 });
  assert.deepEqual(codes(f), ['file-too-large']);
  assert.match(
    f[0].message,
    /this file is 500 bytes, over the limit of 100 bytes \(the setting brokerkit\.maxFileSize/,
  );
  // The limit counts UTF-8 bytes, as on disk: 60 characters of 'é' are 120 bytes.
  assert.deepEqual(codes(check({ 'u.yaml': `# ${'é'.repeat(60)}\n` }, undefined, { maxFileSize: 100 })), [
    'file-too-large',
  ]);
  assert.deepEqual(
    codes(check({ 'big.yaml': 'a: 1\n'.repeat(100) }, undefined, { maxFileSize: 100, ignore: ['file-too-large'] })),
    [],
  );
  // A file the host did not read (over the limit on disk) is noted with its size.
  const ws = new Workspace({ maxFileSize: 16 * 1024 * 1024 });
  ws.setFileTooLarge('file:///ws/dump.yaml', 25 * 1024 * 1024);
  const notes = ws.validate().get('file:///ws/dump.yaml')!;
  assert.deepEqual(codes(notes), ['file-too-large']);
  assert.match(notes[0].message, /this file is 25 MB, over the limit of 16 MB/);
  // The default limit is 16 MiB.
  assert.equal(new Workspace().getOptions().maxFileSize, 16 * 1024 * 1024);
});

test('edits near the size limit stay incremental, and the limit holds to the byte (multi-byte characters too)', () => {
  const uri = 'file:///ws/near.yaml';
  let text = `${CLASH}---\n# ${'é'.repeat(40)}\n`; // 80 bytes of é: more bytes than characters
  const limit = Buffer.byteLength(text) + 2;
  const ws = new Workspace({ maxFileSize: limit });
  ws.setFile(uri, text);
  assert.ok(!codes(ws.validate().get(uri)!).includes('file-too-large'));
  const edit = (at: number, remove: number, insert: string) => {
    text = text.slice(0, at) + insert + text.slice(at + remove);
    return ws.editFile(uri, at, at + remove, insert);
  };
  const comment = text.indexOf('é');
  // Under the limit (by a byte, then exactly at it): applied as an edit, still checked.
  assert.ok(edit(comment, 0, 'x'), 'an edit one byte under the limit is applied incrementally');
  assert.ok(codes(ws.validate().get(uri)!).includes('port-conflict'));
  assert.ok(edit(comment, 0, 'y'));
  assert.equal(Buffer.byteLength(text), limit);
  assert.ok(!codes(ws.validate().get(uri)!).includes('file-too-large'));
  // One two-byte character more (one character, two bytes): over the limit, which only the whole text can tell.
  assert.equal(edit(comment, 0, 'é'), undefined);
  ws.setFile(uri, text);
  assert.deepEqual(codes(ws.validate().get(uri)!), ['file-too-large']);
  // Back under it: checked again, and edits are incremental again, the removed bytes counted (an é is two).
  ws.setFile(uri, (text = text.replace('xé', 'x')));
  assert.ok(codes(ws.validate().get(uri)!).includes('port-conflict'));
  assert.ok(edit(comment, 1, ''), 'removing an é: two bytes under the limit');
  assert.ok(edit(comment, 0, 'é'), 'an é: at the limit again');
  assert.equal(Buffer.byteLength(text), limit);
  assert.ok(codes(ws.validate().get(uri)!).includes('port-conflict'));
  assert.equal(edit(comment, 0, 'x'), undefined, 'one byte over');
});

test('a document nested 5,000 levels deep gets its own note; the other documents of the file are checked', () => {
  const deepFlow = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const deepMap = `b: ${'{x: '.repeat(3000)}1${'}'.repeat(3000)}\n`;
  const deepSeq = `${'- '.repeat(3000)}x\n`;
  const deepBlock = Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n';
  for (const deep of [deepFlow, deepMap, deepSeq, deepBlock]) {
    const text = `${CLASH}---\n${deep}---\n${CLASH.replace('name: lb', 'name: lb2').replace('LoadBalancer', 'NodePort')}`;
    const f = check({ 'a.yaml': text });
    const note = f.filter((x) => x.code === 'nesting-too-deep');
    assert.equal(note.length, 1, codes(f).join());
    assert.equal(note[0].range.start.line, text.split('\n').indexOf('---') + 1);
    assert.equal(note[0].severity, 'info');
    // Both listeners, before and after, are still checked.
    assert.equal(f.filter((x) => x.code === 'port-conflict').length, 2, codes(f).join());
  }
});

test('just under the limit, deep documents are checked through the whole engine without exhausting the stack', () => {
  const n = MAX_NESTING - 2;
  for (const deep of [
    `a: ${'['.repeat(n)}${']'.repeat(n)}\n`,
    `${CLASH}  - port: 1883\n    x: ${'{y: '.repeat(n - 8)}1${'}'.repeat(n - 8)}\n`,
    `spec: ${'['.repeat(n)}${']'.repeat(n)}\napiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata: {name: x}\n`,
  ]) {
    assert.ok(nestingDepth(deep) <= MAX_NESTING, String(nestingDepth(deep)));
    const f = check({ 'a.yaml': deep });
    assert.ok(!codes(f).includes('nesting-too-deep'), codes(f).join());
  }
});

test('nestingDepth counts block levels, compact items and flow brackets, not brackets in strings or comments', () => {
  assert.equal(nestingDepth('a: 1\n'), 1);
  assert.equal(nestingDepth('a:\n  b:\n    c: [1, {d: 2}]\n'), 5);
  assert.equal(nestingDepth('- - - x\n'), 4);
  assert.equal(nestingDepth(`a: "${'['.repeat(1000)}"\nb: '${'{'.repeat(1000)}'\nc: 1 # ${'['.repeat(1000)}\n`), 1);
  assert.equal(hasTemplateActions('a: "{{ x }}"\n'), false);
  assert.equal(hasTemplateActions('a: {{ x }}\n'), true);
});

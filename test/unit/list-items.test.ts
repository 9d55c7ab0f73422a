// Items of a list document (`kind: List` as `kubectl get -o yaml` prints it, and typed lists such as
// `BrokerListenerList`) are checked as the objects they are: the same findings as the same objects written as
// documents of their own, at the item's lines, in every rule, with clashes between an item and a separate document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Finding, splitDocuments } from '../../server/src/engine';
import { check, only, rangeOf } from '../helpers/engine';

const AIO = 'mqttbroker.iotoperations.azure.com/v1';

/** The documents of a file (kubernetes objects only), without their `---` lines and comments-only heads. */
function objects(text: string): string[] {
  return splitDocuments(text)
    .map((s) => s.text.replace(/^---[^\n]*\n/, ''))
    .filter((t) => /^kind:/m.test(t) && /^apiVersion:/m.test(t));
}

/** The documents as the items of one list document: each indented by two under its `- `. */
function asList(docs: string[], head = 'apiVersion: v1\nkind: List\n'): { text: string; lines: number[] } {
  let text = head + 'items:\n';
  const lines: number[] = [];
  for (const d of docs) {
    lines.push(text.split('\n').length - 1);
    const body = d.replace(/\n+$/, '').split('\n');
    text += body.map((l, i) => (i === 0 ? '- ' : l === '' ? '' : '  ') + l).join('\n') + '\n';
  }
  return { text, lines };
}

/** The documents one after another, as a file of their own. */
function asDocuments(docs: string[]): { text: string; lines: number[] } {
  let text = '';
  const lines: number[] = [];
  for (const d of docs) {
    text += '---\n';
    lines.push(text.split('\n').length - 1);
    text += d.replace(/\n+$/, '') + '\n';
  }
  return { text, lines };
}

/** A finding in document `i` at its line within the document, column as written there: comparable across forms. */
function shape(f: Finding, lines: number[]): string {
  let i = lines.length - 1;
  while (i > 0 && lines[i] > f.range.start.line) i--;
  const at = (p: { line: number; character: number }) => `${p.line - lines[i]}:${p.character}`;
  const rel = f.related.map((r) => (r.uri === f.uri && r.range ? `~${r.message}` : r.message)).join('|');
  return `${f.code} doc${i} ${at(f.range.start)}-${at(f.range.end)} ${f.severity} ${f.message} [${rel}]`;
}

/** Findings of `docs` as documents and as a list, each in the shape above (columns relative to the object). */
function both(docs: string[], extra: Record<string, string> = {}, head?: string) {
  const plain = asDocuments(docs);
  const list = asList(docs, head);
  const a = check({ 'x.yaml': plain.text, ...extra }).filter((f) => f.uri.endsWith('/x.yaml'));
  const b = check({ 'x.yaml': list.text, ...extra }).filter((f) => f.uri.endsWith('/x.yaml'));
  // In the list, the first line of an item follows `- ` (2 columns) and the others are indented by 2: the same
  // shift on every line.
  const norm = (fs: Finding[], lines: number[], shift: number) =>
    fs
      .map((f) => ({
        ...f,
        range: {
          start: { line: f.range.start.line, character: f.range.start.character - shift },
          end: { line: f.range.end.line, character: f.range.end.character - shift },
        },
      }))
      .map((f) => shape(f, lines))
      .sort();
  return { plain: norm(a, plain.lines, 0), list: norm(b, list.lines, 2), listText: list.text, raw: b };
}

const SC_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: default
spec:
  template:
    metadata:
      labels:
        app: app
    spec:
      serviceAccountName: sc-account-1234
      containers:
      - name: app
        image: app:1`;

const SC_ACCOUNT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sc-account-1234
  namespace: default
  annotations:
    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000`;

test('a Deployment inside a List lacking azure.workload.identity/use is reported as the same Deployment on its own, at the item', () => {
  const { plain, list, listText, raw } = both([SC_ACCOUNT, SC_DEPLOYMENT]);
  assert.ok(
    plain.some((s) => s.startsWith('workload-identity-label')),
    `the document form reports the label: ${plain}`,
  );
  assert.deepEqual(list, plain);
  // At the item's ServiceAccount name, in the list's own lines.
  const f = only(raw, 'workload-identity-label')[0];
  assert.deepEqual(f.range, rangeOf(listText, 'sc-account-1234', 1));
});

test('a typed list (BrokerListenerList) whose items carry no kind or apiVersion: items are listeners of the list', () => {
  const text = `apiVersion: ${AIO}
kind: BrokerListenerList
items:
- metadata:
    name: a
    namespace: azure-iot-operations
  spec:
    brokerRef: default
    serviceType: LoadBalancer
    ports:
    - port: 18883
`;
  const f = check({ 'x.yaml': text });
  const clash = only(f, 'port-conflict');
  assert.equal(clash.length, 1, JSON.stringify(f));
  assert.deepEqual(clash[0].range, {
    start: rangeOf(text, '18883').start,
    end: rangeOf(text, '18883').end,
  });
});

test('port clash between a List item and a separate document: both ends, each at its own place', () => {
  const item = `apiVersion: ${AIO}
kind: BrokerListener
metadata:
  name: in-list
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: NodePort
  ports:
  - port: 1884`;
  const other = `apiVersion: ${AIO}
kind: BrokerListener
metadata:
  name: alone
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  - port: 1884
`;
  const list = asList([item]).text;
  const f = check({ 'list.yaml': list, 'other.yaml': other });
  const clash = only(f, 'port-conflict');
  assert.equal(clash.length, 2, JSON.stringify(clash));
  const inList = clash.find((x) => x.uri.endsWith('/list.yaml'))!;
  const alone = clash.find((x) => x.uri.endsWith('/other.yaml'))!;
  assert.deepEqual(inList.range, rangeOf(list, '1884'));
  assert.deepEqual(alone.range, rangeOf(other, '1884'));
  assert.deepEqual(inList.related[0].range, rangeOf(other, '1884'));
  assert.equal(inList.related[0].uri, alone.uri);
  assert.deepEqual(alone.related[0].range, rangeOf(list, '1884'));
  assert.match(alone.message, /in-list/);
});

test('every example and real-world file, its objects written as one List: the same findings as the documents', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && !/kustomization/.test(e.name)) files.push(p);
    }
  };
  walk('examples');
  walk('test/fixtures/real-world');
  let compared = 0;
  let findings = 0;
  for (const file of files) {
    const docs = objects(readFileSync(file, 'utf8'));
    // (Findings naming a line of their own file differ in that line; none of the rules do.)
    if (docs.length === 0 || docs.some((d) => /\t|\r/.test(d))) continue;
    const { plain, list } = both(docs);
    // (A syntax error's place depends on the text around it: not comparable.)
    if (plain.some((x) => x.startsWith('yaml-syntax'))) continue;
    assert.deepEqual(list, plain, file);
    compared++;
    findings += plain.length;
  }
  assert.ok(compared >= 20, `only ${compared} files compared`);
  assert.ok(findings >= 100, `only ${findings} findings compared`);
});

test('suppression comments inside an item apply to it; an empty List is no object and no finding', () => {
  const item = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: default
spec:
  template:
    metadata:
      labels:
        app: app
    spec:
      serviceAccountName: sc-account-1234 # brokerkit-ignore workload-identity-label
      containers:
      - name: app
        image: app:1`;
  const { list } = both([SC_ACCOUNT, item]);
  assert.equal(list.filter((s) => s.startsWith('workload-identity-label')).length, 0, list.join('\n'));
  assert.deepEqual(check({ 'x.yaml': 'apiVersion: v1\nkind: List\nitems: []\n' }), []);
});

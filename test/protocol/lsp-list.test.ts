// A list document (`kind: List`, as `kubectl get -o yaml` prints it) in the editor: its items get the diagnostics
// the same objects get as documents of their own, at the items' lines; hover, go to definition and quick fixes work
// on an item; a clash between an item and a document of another file is reported at both ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { parseAllDocuments } from 'yaml';
import { Editor } from '../helpers/lsp-apply';
import { TempWorkspace, listener, posOf, startServer } from '../helpers/lsp-fixtures';

const has = (code: string) => (ds: { code?: unknown }[]) => ds.some((d) => d.code === code);
const hasNot = (code: string) => (ds: { code?: unknown }[]) => !ds.some((d) => d.code === code);

/** Documents as the items of one `v1 List`. */
function list(...docs: string[]): string {
  let text = 'apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n';
  for (const d of docs)
    text += d
      .replace(/\n+$/, '')
      .split('\n')
      .map((l, i) => (i === 0 ? '- ' : '  ') + l)
      .join('\n')
      .concat('\n');
  return text;
}

const ACCOUNT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: sc-account-77
  namespace: default
  annotations:
    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000`;

const DEPLOYMENT = `apiVersion: apps/v1
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
      serviceAccountName: sc-account-77
      containers:
      - name: app
        image: app:1`;

test('List items in the editor: diagnostics at the items, hover, definition, a quick fix on an item, a clash with another file', async () => {
  const text = list(
    ACCOUNT,
    DEPLOYMENT,
    listener('lb', { type: 'LoadBalancer', ports: [8883] }),
    listener('np', { type: 'NodePort', ports: [1884] }),
  );
  const other = listener('other', { type: 'NodePort', ports: [1884] }).replace('NodePort', 'ClusterIp');
  const ws = new TempWorkspace({ 'other.yaml': other });
  const c = await startServer({ rootPath: ws.root });
  try {
    await c.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const e = new Editor(c);
    const u = ws.uri('list.yaml');
    const uo = ws.uri('other.yaml');
    await e.openDoc(u, text);
    const ds = await c.currentDiagnostics(u, (d) => has('workload-identity-label')(d) && has('port-conflict')(d));
    // The Deployment item: at its serviceAccountName, as for the Deployment on its own.
    const wi = ds.find((d) => d.code === 'workload-identity-label')!;
    assert.deepEqual(wi.range.start, posOf(text, 'sc-account-77', 1));
    // The item's port clashes with the listener of the other file: reported here and there, each pointing at the other.
    const clash = ds.find((d) => d.code === 'port-conflict')!;
    assert.deepEqual(clash.range.start, posOf(text, '1884'));
    assert.equal(clash.relatedInformation?.[0].location.uri, uo);
    assert.deepEqual(clash.relatedInformation?.[0].location.range.start, posOf(other, '1884'));
    const there = await c.diagnosticsFor(uo, (p) => has('port-conflict')(p.diagnostics));
    const back = there.diagnostics.find((d) => d.code === 'port-conflict')!;
    assert.equal(back.relatedInformation?.[0].location.uri, u);
    assert.deepEqual(back.relatedInformation?.[0].location.range.start, posOf(text, '1884'));

    // Hover on a field of an item explains the field of that kind.
    const hover = await c.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: u },
      position: posOf(text, 'serviceType', 0, 2),
    });
    assert.ok(hover, 'a hover on serviceType inside an item');
    assert.match(JSON.stringify(hover.contents), /LoadBalancer/);

    // Go to definition from the Deployment item's serviceAccountName to the ServiceAccount item.
    const defs = await c.request<Location[] | Location | null>('textDocument/definition', {
      textDocument: { uri: u },
      position: posOf(text, 'sc-account-77', 1, 3),
    });
    const def = Array.isArray(defs) ? defs[0] : defs;
    assert.ok(def, 'a definition');
    assert.equal(def.uri, u);
    assert.equal(def.range.start.line, posOf(text, 'sc-account-77', 0).line);

    // The quick fix on the item puts the label on its pod template, inside the list.
    const fix = (await e.actionsFor(u, 'workload-identity-label')).find((x) => x.title.startsWith('Add'))!;
    assert.ok(fix, 'an Add-label quick fix');
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, hasNot('workload-identity-label'));
    const after = parseAllDocuments(e.text(u))[0].toJS();
    assert.equal(after.items.length, 4);
    assert.deepEqual(after.items[1].spec.template.metadata.labels, {
      app: 'app',
      'azure.workload.identity/use': 'true',
    });
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

test('service-type-conflict between two items: moving the ports removes the second item, not the whole list', async () => {
  const keep = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep-me\n  namespace: default';
  const text = list(
    listener('lb', { type: 'LoadBalancer', ports: [8883] }),
    keep,
    listener('lb2', { type: 'LoadBalancer', ports: [9883] }),
  );
  const ws = new TempWorkspace();
  const c = await startServer({ rootPath: ws.root });
  try {
    await c.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const e = new Editor(c);
    const u = ws.uri('list.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('service-type-conflict'));
    // (The second diagnostic is lb2's.)
    const fix = (await e.actionsFor(u, 'service-type-conflict', 1)).find((x) => x.title.startsWith('Move'))!;
    assert.match(fix.title, /Move port 9883 into listener 'lb'/);
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, hasNot('service-type-conflict'));
    const after = parseAllDocuments(e.text(u))[0].toJS();
    assert.deepEqual(
      after.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['lb', 'keep-me'],
    );
    assert.deepEqual(
      after.items[0].spec.ports.map((p: { port: number }) => p.port),
      [8883, 9883],
    );
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

// Hostile input through the protocol: a 50,000-line file, a merge-conflict file, a binary file (open and on disk).
// The server must not crash or stop answering: after each, it still validates and answers requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { DocumentSymbol, Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { TempWorkspace, lineOf, listener, startServer } from '../helpers/lsp-fixtures';

/** The server is alive and current: a small clash is found and a hover is answered. */
async function stillAnswers(c: LspClient, ws: TempWorkspace): Promise<void> {
  const u = ws.uri(`probe-${Math.random().toString(36).slice(2)}.yaml`);
  const text = listener('probe', { type: 'LoadBalancer', ports: [18883] });
  await c.open(u, text);
  const ds = await c.currentDiagnostics(u, (d) => d.some((x) => x.code === 'port-conflict'));
  assert.ok(ds.length > 0);
  const h = await c.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: u },
    position: { line: 1, character: 2 },
  });
  assert.ok(h);
  await c.close(u);
}

test('a 50,000-line file: validated, edited, navigated; the server keeps answering', async () => {
  const ws = new TempWorkspace({});
  const c = await startServer({ rootPath: ws.root, timeoutMs: 120000 });
  try {
    // One listener with 10,000 ports (5 lines each) = 50,000+ lines in a single YAML document.
    const ports: string[] = [];
    for (let i = 0; i < 10000; i++)
      ports.push(
        `  - port: ${10000 + i}\n    protocol: Mqtt\n    authenticationRef: default\n    authorizationRef: authz\n    nodePort: 0\n`,
      );
    const text = `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: huge\n  namespace: azure-iot-operations\nspec:\n  serviceType: LoadBalancer\n  ports:\n${ports.join('')}`;
    assert.ok(text.split('\n').length > 50000);
    const u = ws.uri('huge.yaml');
    await c.open(u, text);
    await c.currentDiagnostics(u);
    // Several quick edits: only the last version matters (stale work is dropped, not queued).
    for (let i = 0; i < 5; i++)
      await c.change(u, [
        { range: { start: { line: 3, character: 8 }, end: { line: 3, character: 12 } }, text: `hug${i}` },
      ]);
    await c.currentDiagnostics(u);
    const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.equal(syms[0].children!.length, 10000);
    await stillAnswers(c, ws);
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

test('a merge-conflict file gets yaml-syntax diagnostics and nothing breaks', async () => {
  const ws = new TempWorkspace({});
  const c = await startServer({ rootPath: ws.root });
  try {
    const text = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: lb
  namespace: azure-iot-operations
spec:
  serviceType: LoadBalancer
  ports:
<<<<<<< HEAD
  - port: 8883
    authenticationRef: default
=======
  - port: 9883
    authenticationRef: custom
>>>>>>> feature/tls
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: np
spec:
  serviceType: NodePort
  ports:
  - port: 18883
`;
    const u = ws.uri('conflict.yaml');
    await c.open(u, text);
    const ds = await c.currentDiagnostics(u, (d) => d.length > 0);
    assert.ok(ds.some((d) => d.code === 'yaml-syntax'));
    // The clean second document is still checked.
    assert.ok(
      ds.some((d) => d.code === 'port-conflict' && d.range.start.line === lineOf(text, 'port: 18883')),
      JSON.stringify(ds.map((d) => [d.code, d.range.start.line])),
    );
    for (const method of [
      'textDocument/hover',
      'textDocument/completion',
      'textDocument/definition',
      'textDocument/references',
      'textDocument/codeAction',
      'textDocument/documentSymbol',
    ]) {
      for (const line of [0, 8, 9, 11, 14, 22]) {
        const params: Record<string, unknown> = { textDocument: { uri: u }, position: { line, character: 3 } };
        if (method === 'textDocument/references') params.context = { includeDeclaration: true };
        if (method === 'textDocument/codeAction') {
          params.range = { start: { line, character: 0 }, end: { line, character: 5 } };
          params.context = { diagnostics: ds };
        }
        await c.request(method, params);
      }
    }
    await stillAnswers(c, ws);
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

test('a binary file, open and on disk, neither crashes nor hangs the server', async () => {
  const bin = Buffer.concat([
    Buffer.from('kind: Secret\napiVersion: v1\n'),
    randomBytes(200000),
    Buffer.from([0, 0, 0xff, 0xfe]),
  ]);
  const ws = new TempWorkspace({});
  ws.write('blob.yaml', bin);
  ws.write('ok.yaml', listener('lb', { type: 'LoadBalancer', ports: [18883] }));
  const c = await startServer({ rootPath: ws.root });
  try {
    // The disk copy is indexed next to a normal file, which is still reported.
    await c.diagnosticsFor(ws.uri('ok.yaml'), (p) => p.diagnostics.some((d) => d.code === 'port-conflict'));
    const u = ws.uri('blob.yaml');
    await c.open(u, bin.toString('latin1'));
    await c.currentDiagnostics(u);
    await c.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 2, character: 5 } });
    await c.request('textDocument/completion', { textDocument: { uri: u }, position: { line: 2, character: 5 } });
    await c.request('textDocument/documentSymbol', { textDocument: { uri: u } });
    await c.change(u, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\u0000\uffff' },
    ]);
    await c.currentDiagnostics(u);
    await stillAnswers(c, ws);
    // Nothing went wrong inside: no error was logged.
    assert.deepEqual(
      c.logs.filter((l) => l.type === 1),
      [],
    );
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

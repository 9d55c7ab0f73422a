// A CRLF document over real JSON-RPC: the same diagnostics, hover, symbols and definitions as the LF text; an edit
// re-validates it; a quick fix that inserts lines keeps every line ending CRLF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { Diagnostic, DocumentSymbol, Hover, Location } from 'vscode-languageserver-protocol';
import { Editor } from '../helpers/lsp-apply';
import { LspClient, pathToFileUri } from '../helpers/lsp-client';
import { TempWorkspace, posOf, startServer } from '../helpers/lsp-fixtures';

const LF = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: devices
  namespace: azure-iot-operations
spec:
  authenticationMethods:
  - method: ServiceAccountToken
    serviceAccountTokenSettings:
      audiences: [aio-internal]
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: lb
  namespace: azure-iot-operations
spec:
  serviceType: ClusterIP
  ports:
  - port: 1883
    protocol: Mqtt
    authenticationRef: devices
  - port: 1884
    protocol: Mqtt
`;
const CRLF = LF.replace(/\n/g, '\r\n');

interface Seen {
  diagnostics: Diagnostic[];
  hover: Hover | null;
  symbols: DocumentSymbol[];
  definition: Location[] | null;
}

async function look(text: string, fn?: (e: Editor, c: LspClient, uri: string) => Promise<void>): Promise<Seen> {
  const ws = new TempWorkspace();
  const c = await startServer({ rootPath: ws.root });
  try {
    await c.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const e = new Editor(c);
    const uri = ws.uri('l.yaml');
    await e.openDoc(uri, text);
    const diagnostics = await c.currentDiagnostics(uri, (ds) => ds.some((d) => d.code === 'schema'));
    const at = posOf(LF, 'devices', 1, 2);
    const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at });
    const definition = await c.request<Location[] | null>('textDocument/definition', {
      textDocument: { uri },
      position: at,
    });
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    if (fn) await fn(e, c, uri);
    // The two runs use two folders: compare without them.
    const seen = JSON.stringify({ diagnostics, hover, symbols, definition });
    return JSON.parse(seen.split(pathToFileUri(ws.root)).join('<workspace>')) as Seen;
  } finally {
    await c.shutdown();
    ws.dispose();
  }
}

test('a CRLF document: the same diagnostics, hover, symbols and definition as LF; an edit and a quick fix keep CRLF', async () => {
  const lf = await look(LF);
  const crlf = await look(CRLF, async (e, c, uri) => {
    // An edit: the second port becomes a clash with the first.
    const p = posOf(LF, '1884');
    await c.change(uri, [{ range: { start: p, end: { line: p.line, character: p.character + 4 } }, text: '1883' }]);
    e.open.set(uri, CRLF.replace('1884', '1883'));
    await c.currentDiagnostics(uri, (ds) => ds.some((d) => d.code === 'port-conflict'));
    // A quick fix that inserts lines (automatic TLS for the insecure port).
    const fix = (await e.actionsFor(uri, 'insecure-port')).find((x) => x.title.startsWith('Add automatic TLS'))!;
    assert.ok(fix, 'the quick fix is offered');
    await e.apply(fix.edit!);
    const after = e.text(uri);
    assert.ok(after.length > CRLF.length, 'lines were inserted');
    assert.doesNotMatch(after, /[^\r]\n/, 'every line ends with CRLF');
    const docs = parseAllDocuments(after);
    assert.equal(docs[1].toJS().spec.ports[0].tls.mode, 'Automatic');
    await c.currentDiagnostics(uri, (ds) => ds.filter((d) => d.code === 'insecure-port').length === 1);
  });
  assert.ok(lf.diagnostics.length >= 2, `${lf.diagnostics.map((d) => d.code)}`);
  assert.deepEqual(crlf.diagnostics, lf.diagnostics);
  assert.ok(lf.hover, 'hover on the reference');
  assert.deepEqual(crlf.hover, lf.hover);
  assert.ok(lf.symbols.length >= 2);
  assert.deepEqual(crlf.symbols, lf.symbols);
  assert.ok(lf.definition?.length, 'definition found');
  assert.deepEqual(crlf.definition, lf.definition);
});

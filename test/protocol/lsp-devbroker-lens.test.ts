// The "Start dev broker" CodeLens over real JSON-RPC: one lens per BrokerListener (above the object's first line), naming the
// listener and the file; none for other kinds or for a listener without ports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { TempWorkspace, lineOf, startServer } from '../helpers/lsp-fixtures';

const TEXT = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: my-authn
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
  name: first
  namespace: azure-iot-operations
spec:
  ports:
  - port: 1883
---
# a comment before the second one
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: second
  namespace: azure-iot-operations
spec:
  serviceType: NodePort
  ports:
  - port: 8883
    nodePort: 31883
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: no-ports
spec:
  ports: []
`;

let ws: TempWorkspace;
let client: LspClient;
let uri: string;

before(async () => {
  ws = new TempWorkspace({ 'listeners.yaml': TEXT });
  uri = ws.uri('listeners.yaml');
  client = await startServer({ rootPath: ws.root });
  await client.open(uri, TEXT);
});
after(async () => {
  await client.shutdown();
  ws.dispose();
});

test('one "Start dev broker" lens per BrokerListener with ports, above its first line', async () => {
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(
    lenses.map((l) => [
      l.range.start.line,
      l.command?.title,
      l.command?.command,
      (l.command?.arguments?.[0] as any)?.listener,
    ]),
    [
      [lineOf(TEXT, 'apiVersion:', 1), 'Start dev broker', 'brokerkit.devBroker.start', 'first'],
      [lineOf(TEXT, 'apiVersion:', 2), 'Start dev broker', 'brokerkit.devBroker.start', 'second'],
    ],
  );
  assert.equal((lenses[0].command!.arguments![0] as any).uri, uri);
});

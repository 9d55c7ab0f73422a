// The dev broker's CodeLens over real JSON-RPC: one lens per BrokerListener (above the object's first line), naming the
// listener and the file; none for other kinds or for a listener without ports. "Stop dev broker" with the ports on
// the listener the client says runs, "Start" again once it stops; workspace/codeLens/refresh after indexing and on
// each change of the broker's state (only to clients that support it); the workspace's listeners for the
// "Start Dev Broker" pick, answered once the index is read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { FULL_CAPABILITIES, LspClient } from '../helpers/lsp-client';
import { TempWorkspace, lineOf, startServer } from '../helpers/lsp-fixtures';
import { Methods, DevBrokerListenersResult, DevBrokerStateParams } from '../../server/src/protocol';

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

test('a client without refresh support gets no workspace/codeLens/refresh', async () => {
  // The listeners request is answered after the index hooks ran, so a refresh would have come before its answer.
  await client.request<DevBrokerListenersResult>(Methods.devBrokerListeners, {});
  assert.deepEqual(
    client.serverRequests.filter((r) => r.method === 'workspace/codeLens/refresh'),
    [],
  );
});

const OTHER = `# not opened by the test: found by the index
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: ws-listener
spec:
  ports:
  - port: 18884
    protocol: WebSockets
`;

test('refresh after indexing, the workspace listeners, and the lens following the running broker', async () => {
  const ws2 = new TempWorkspace({
    'a/listeners.yaml': TEXT,
    'b/other.yaml': OTHER,
    'c/none.yaml': 'kind: ConfigMap\n',
  });
  const c = await startServer({
    rootPath: ws2.root,
    capabilities: {
      ...FULL_CAPABILITIES,
      workspace: { ...FULL_CAPABILITIES.workspace, codeLens: { refreshSupport: true } },
    },
  });
  try {
    // Asked for before the index is read: answered once it is, with the listeners of files never opened.
    const listed = c.request<DevBrokerListenersResult>(Methods.devBrokerListeners, {});
    await c.serverRequest('workspace/codeLens/refresh');
    const ready = c.notifications.findIndex(
      (n) => n.method === Methods.indexStatus && (n.params as { state: string }).state === 'ready',
    );
    assert.ok(ready >= 0, 'the refresh comes after the index is read');
    const { listeners } = await listed;
    assert.deepEqual(
      listeners.map((l) => [l.uri, l.name, l.namespace, l.ports]),
      [
        [ws2.uri('a/listeners.yaml'), 'first', 'azure-iot-operations', [{ port: 1883, tls: false, protocol: 'Mqtt' }]],
        [ws2.uri('a/listeners.yaml'), 'second', 'azure-iot-operations', [{ port: 8883, tls: false, protocol: 'Mqtt' }]],
        [
          ws2.uri('b/other.yaml'),
          'ws-listener',
          'azure-iot-operations',
          [{ port: 18884, tls: false, protocol: 'WebSockets' }],
        ],
      ],
    );
    const one = await c.request<DevBrokerListenersResult>(Methods.devBrokerListeners, { uri: ws2.uri('b/other.yaml') });
    assert.deepEqual(
      one.listeners.map((l) => l.name),
      ['ws-listener'],
    );

    // The client reports the broker for 'second' running: a refresh, then "Stop dev broker" with its ports there.
    const uri2 = ws2.uri('a/listeners.yaml');
    await c.open(uri2, TEXT);
    const lensesNow = () => c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri2 } });
    const titles = async () => (await lensesNow()).map((l) => [l.command?.title, l.command?.command]);
    const state = async (running: DevBrokerStateParams['running']) => {
      const before = c.serverRequests.length;
      await c.conn.sendNotification(Methods.devBrokerState, { running } satisfies DevBrokerStateParams);
      await c.serverRequest('workspace/codeLens/refresh', before);
    };
    await state({ uri: uri2, listener: 'second', state: 'starting', ports: [] });
    assert.deepEqual(await titles(), [
      ['Start dev broker', 'brokerkit.devBroker.start'],
      ['Stop dev broker (starting)', 'brokerkit.devBroker.stop'],
    ]);
    await state({
      uri: uri2,
      listener: 'second',
      state: 'running',
      ports: [
        { port: 8883, tls: true, websockets: false },
        { port: 8884, tls: false, websockets: true },
      ],
    });
    const lenses = await lensesNow();
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command]),
      [
        [lineOf(TEXT, 'apiVersion:', 1), 'Start dev broker', 'brokerkit.devBroker.start'],
        [lineOf(TEXT, 'apiVersion:', 2), 'Stop dev broker (ports 8883 TLS, 8884 WS)', 'brokerkit.devBroker.stop'],
      ],
    );
    // Another spelling of the same file's URI (as other editors encode it) is the same file.
    await state({
      uri: uri2.replace('file:///', 'file:///').replace(/\/a\//, '/%61/'),
      listener: 'second',
      state: 'running',
      ports: [{ port: 8883, tls: true, websockets: false }],
    });
    assert.deepEqual((await titles())[1], ['Stop dev broker (ports 8883 TLS)', 'brokerkit.devBroker.stop']);

    // Stopped (or the process died): "Start" again.
    await state(null);
    assert.deepEqual(await titles(), [
      ['Start dev broker', 'brokerkit.devBroker.start'],
      ['Start dev broker', 'brokerkit.devBroker.start'],
    ]);
  } finally {
    await c.shutdown();
    ws2.dispose();
  }
});

// Hover, completion, go to definition, find references and document symbols over real JSON-RPC, across files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionList, DocumentSymbol, Hover, Location, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { listenerDoc } from '../helpers/engine';
import { TempWorkspace, lineOf, posOf, startServer } from '../helpers/lsp-fixtures';

const LISTENERS = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: lb
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  # brokerkit-ignore insecure-port
  - port: 1883
    protocol: Mqtt
    authenticationRef: my-authn
  - port: 8883
    protocol: Mqtt
    authenticationRef: default
    authorizationRef: my-authz
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: my-issuer
          kind: Issuer
          group: cert-manager.io
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: manual
  namespace: azure-iot-operations
spec:
  serviceType: NodePort
  ports:
  - port: 8885
    nodePort: 31885
    tls:
      mode: Manual
      manual:
        secretRef: server-cert-secret
`;

const AUTH = `apiVersion: mqttbroker.iotoperations.azure.com/v1
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
kind: BrokerAuthorization
metadata:
  name: my-authz
  namespace: azure-iot-operations
spec:
  authorizationPolicies:
    rules:
    - principals:
        clientIds: [a]
      brokerResources:
      - method: Connect
`;

const ISSUER = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: my-issuer
  namespace: azure-iot-operations
spec:
  ca:
    secretName: test-ca
---
apiVersion: v1
kind: Secret
metadata:
  name: server-cert-secret
  namespace: azure-iot-operations
type: kubernetes.io/tls
data:
  tls.crt: ""
  tls.key: ""
`;

let ws: TempWorkspace;
let client: LspClient;
let uL: string;
let uA: string;
let uI: string;

before(async () => {
  ws = new TempWorkspace({ 'listeners.yaml': LISTENERS, 'auth/auth.yaml': AUTH, 'cert/issuer.yaml': ISSUER });
  uL = ws.uri('listeners.yaml');
  uA = ws.uri('auth/auth.yaml');
  uI = ws.uri('cert/issuer.yaml');
  client = await startServer({ rootPath: ws.root });
  await client.open(uL, LISTENERS);
  await client.currentDiagnostics(uL);
  // The closed files are indexed: wait until the index is ready.
  await client.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
});

after(async () => {
  await client.shutdown();
  ws.dispose();
});

const md = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';

test('hover on a key shows the schema text and the allowed values', async () => {
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uL },
    position: posOf(LISTENERS, 'serviceType', 0, 3),
  });
  const text = md(h);
  assert.match(text, /serviceType/);
  for (const v of ['LoadBalancer', 'ClusterIp', 'NodePort'])
    assert.ok(text.includes(v), `allowed value ${v} in: ${text}`);
  assert.equal(h!.range!.start.line, lineOf(LISTENERS, 'serviceType'));
});

test('hover on a code in a brokerkit-ignore comment shows the rule, its page and its sources', async () => {
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uL },
    position: posOf(LISTENERS, 'insecure-port', 0, 4),
  });
  const text = md(h);
  assert.match(text, /\*\*insecure-port\*\* \(default severity: warning\)/);
  assert.match(text, /\[Rule page\]\(file:\/\/[^)]*\/docs\/rules\/insecure-port\.md\)/);
  assert.match(text, /\]\(https:\/\/learn\.microsoft\.com\/azure\/iot-operations\//);
  assert.equal(h!.range!.start.line, lineOf(LISTENERS, '# brokerkit-ignore insecure-port'));
});

test('hover on a reference says what it points at and where it is defined', async () => {
  const h = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: uL },
    position: posOf(LISTENERS, 'my-authn', 0, 2),
  });
  const text = md(h);
  assert.match(text, /BrokerAuthentication 'my-authn'/);
  assert.ok(text.includes(`auth.yaml:${lineOf(AUTH, 'name: my-authn') + 1}`), text);
  const builtin = md(
    await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: uL },
      position: posOf(LISTENERS, 'authenticationRef: default', 0, 22),
    }),
  );
  assert.match(builtin, /built-in/);
});

test('hover on a port says which listener and service type expose it', async () => {
  const text = md(
    await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: uL },
      position: posOf(LISTENERS, '8883', 0, 1),
    }),
  );
  assert.match(text, /Port 8883/);
  assert.match(text, /listener `lb`/);
  assert.match(text, /LoadBalancer/);
  assert.match(text, /TLS Automatic/);
});

test('go to definition follows authenticationRef, authorizationRef, issuerRef and secretRef across files', async () => {
  const cases: [string, number, string, string][] = [
    ['my-authn', 0, uA, 'name: my-authn'],
    ['my-authz', 0, uA, 'name: my-authz'],
    ['my-issuer', 0, uI, 'name: my-issuer'],
    ['server-cert-secret', 0, uI, 'name: server-cert-secret'],
  ];
  for (const [needle, occ, uri, target] of cases) {
    const locs = await client.request<Location[] | null>('textDocument/definition', {
      textDocument: { uri: uL },
      position: posOf(LISTENERS, needle, occ, 1),
    });
    assert.ok(locs && locs.length === 1, `definition of ${needle}`);
    assert.equal(locs[0].uri, uri);
    const text = uri === uA ? AUTH : ISSUER;
    assert.equal(locs[0].range.start.line, lineOf(text, target), needle);
  }
  // A key is not a reference.
  assert.equal(
    await client.request('textDocument/definition', {
      textDocument: { uri: uL },
      position: posOf(LISTENERS, 'serviceType', 0, 1),
    }),
    null,
  );
});

test('find references from an issuer or an authentication lists every listener port using it', async () => {
  await client.open(uA, AUTH);
  const refs = await client.request<Location[]>('textDocument/references', {
    textDocument: { uri: uA },
    position: posOf(AUTH, 'my-authn', 0, 1),
    context: { includeDeclaration: false },
  });
  assert.deepEqual(
    refs.map((r) => [r.uri, r.range.start.line]),
    [[uL, lineOf(LISTENERS, 'authenticationRef: my-authn')]],
  );
  const withDecl = await client.request<Location[]>('textDocument/references', {
    textDocument: { uri: uA },
    position: posOf(AUTH, 'my-authn', 0, 1),
    context: { includeDeclaration: true },
  });
  assert.equal(withDecl.length, 2);
  assert.equal(withDecl[0].uri, uA);
  await client.close(uA);
  // From the closed issuer file (known from the index).
  const issuerRefs = await client.request<Location[]>('textDocument/references', {
    textDocument: { uri: uI },
    position: posOf(ISSUER, 'my-issuer', 0, 1),
    context: { includeDeclaration: false },
  });
  assert.deepEqual(
    issuerRefs.map((r) => [r.uri, r.range.start.line]),
    [[uL, lineOf(LISTENERS, 'name: my-issuer')]],
  );
});

test('the outline lists listeners with their ports, service type and TLS mode', async () => {
  const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uL } });
  assert.deepEqual(
    syms.map((s) => s.name),
    ['BrokerListener lb', 'BrokerListener manual'],
  );
  assert.match(syms[0].detail!, /LoadBalancer/);
  assert.deepEqual(
    syms[0].children!.map((c) => c.name),
    ['port 1883', 'port 8883'],
  );
  assert.match(syms[0].children![0].detail!, /no TLS/);
  assert.match(syms[0].children![1].detail!, /TLS Automatic/);
  assert.match(syms[1].children![0].detail!, /NodePort.*TLS Manual/);
  assert.equal(syms[0].children![1].selectionRange.start.line, lineOf(LISTENERS, 'port: 8883'));
});

/** Opens a scratch document, asks for completion at the `|` marker, closes it. */
async function completeAt(textWithCursor: string): Promise<string[]> {
  const line = textWithCursor.split('\n').findIndex((l) => l.includes('|'));
  const character = textWithCursor.split('\n')[line].indexOf('|');
  const text = textWithCursor.replace('|', '');
  const uri = ws.uri(`scratch-${Math.random().toString(36).slice(2)}.yaml`);
  await client.open(uri, text);
  try {
    const r = await client.request<CompletionList | null>('textDocument/completion', {
      textDocument: { uri },
      position: { line, character },
    });
    return (r?.items ?? []).map((i) => i.label);
  } finally {
    await client.close(uri);
  }
}

const HEAD = listenerDoc('new');

test('completion: keys from the schema, without those already there, with snippets for ports and tls', async () => {
  const keys = await completeAt(`${HEAD}  serviceType: LoadBalancer\n  |\n`);
  assert.ok(keys.includes('ports') && keys.includes('serviceName') && keys.includes('brokerRef'), keys.join());
  assert.ok(!keys.includes('serviceType'));
  const portKeys = await completeAt(`${HEAD}  ports:\n  - port: 1884\n    pro|\n`);
  assert.ok(
    portKeys.includes('protocol') && portKeys.includes('authenticationRef') && portKeys.includes('tls'),
    portKeys.join(),
  );
  assert.ok(portKeys.includes('tls (manual)'));
  assert.ok(!portKeys.includes('port'));
});

test('completion: enum values and names that exist', async () => {
  const types = await completeAt(`${HEAD}  serviceType: |\n`);
  assert.ok(types.includes('LoadBalancer') && types.includes('NodePort') && types.includes('ClusterIp'), types.join());
  const authn = await completeAt(`${HEAD}  ports:\n  - port: 1884\n    authenticationRef: |\n`);
  assert.ok(authn.includes('my-authn') && authn.includes('default'), authn.join());
  assert.ok(!authn.includes('my-authz'));
  const authz = await completeAt(`${HEAD}  ports:\n  - port: 1884\n    authorizationRef: |\n`);
  assert.deepEqual(authz, ['my-authz']);
  const issuer = await completeAt(
    `${HEAD}  ports:\n  - port: 1884\n    tls:\n      mode: Automatic\n      certManagerCertificateSpec:\n        issuerRef:\n          kind: Issuer\n          name: |\n`,
  );
  assert.deepEqual(issuer, ['my-issuer']);
  const cluster = await completeAt(
    `${HEAD}  ports:\n  - port: 1884\n    tls:\n      mode: Automatic\n      certManagerCertificateSpec:\n        issuerRef:\n          name: |\n          kind: ClusterIssuer\n`,
  );
  assert.deepEqual(cluster, ['azure-iot-operations-aio-certificate-issuer']);
  // An Issuer in another namespace is not offered.
  const otherNs = await completeAt(
    HEAD.replace('namespace: azure-iot-operations', 'namespace: other') +
      '  ports:\n  - port: 1884\n    tls:\n      certManagerCertificateSpec:\n        issuerRef:\n          kind: Issuer\n          name: |\n',
  );
  assert.deepEqual(otherNs, []);
  const secret = await completeAt(
    `${HEAD}  ports:\n  - port: 1884\n    tls:\n      mode: Manual\n      manual:\n        secretRef: |\n`,
  );
  assert.ok(secret.includes('server-cert-secret'), secret.join());
  const mode = await completeAt(`${HEAD}  ports:\n  - port: 1884\n    tls:\n      mode: |\n`);
  assert.deepEqual(mode.sort(), ['Automatic', 'Manual']);
});

test('completion: nothing inside a comment; values and keys inside flow mappings', async () => {
  // After `# see docs` the cursor is in a comment: offering Mqtt/WebSockets there would replace the comment's words.
  assert.deepEqual(await completeAt(`${HEAD}  ports:\n  - port: 1884\n    protocol: Mqtt   # see docs|\n`), []);
  assert.deepEqual(await completeAt(`${HEAD}  ports:\n  - port: 1884\n    # protocol: |\n`), []);
  // Before the `#` it is still the value.
  const before = await completeAt(`${HEAD}  ports:\n  - port: 1884\n    protocol: |  # see docs\n`);
  assert.deepEqual(before.sort(), ['Mqtt', 'WebSockets']);
  // A port written as a flow mapping.
  const flow = await completeAt(`${HEAD}  ports:\n  - {port: 1999, protocol: |\n`);
  assert.deepEqual(flow.sort(), ['Mqtt', 'WebSockets']);
  const partial = await completeAt(`${HEAD}  ports:\n  - {port: 1999, protocol: Web|}\n`);
  assert.ok(partial.includes('WebSockets'), partial.join());
  const authn = await completeAt(`${HEAD}  ports:\n  - {port: 1999, authenticationRef: |}\n`);
  assert.ok(authn.includes('my-authn') && authn.includes('default'), authn.join());
  // Keys of the flow mapping, without those already written; `#` inside quotes is not a comment.
  const keys = await completeAt(`${HEAD}  ports:\n  - {port: 1999, authenticationRef: "a#b", |}\n`);
  assert.ok(keys.includes('protocol') && keys.includes('tls') && !keys.includes('port'), keys.join());
  assert.ok(!keys.includes('authenticationRef'), keys.join());
  // A nested flow mapping: tls inside a flow port.
  const mode = await completeAt(`${HEAD}  ports:\n  - {port: 1999, tls: {mode: |}}\n`);
  assert.deepEqual(mode.sort(), ['Automatic', 'Manual']);
  // A flow mapping as the value of a key.
  const issuer = await completeAt(
    `${HEAD}  ports:\n  - port: 1884\n    tls:\n      mode: Automatic\n      certManagerCertificateSpec:\n        issuerRef: {kind: Issuer, name: |}\n`,
  );
  assert.ok(issuer.includes('my-issuer'), issuer.join());
});

test('hover on a comment line or a blank line shows nothing; a list item is named by its list', async () => {
  const text = `${HEAD}  serviceType: LoadBalancer\n  ports:\n  # the TLS port\n  - port: 8886\n    # protocol comes next\n\n    protocol: Mqtt  # or WebSockets\n`;
  const uri = ws.uri('hover-comments.yaml');
  await client.open(uri, text);
  try {
    const hover = (needle: string, offset: number) =>
      client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri },
        position: posOf(text, needle, 0, offset),
      });
    assert.equal(await hover('# the TLS port', 4), null);
    assert.equal(await hover('# protocol comes next', 3), null);
    assert.equal(await hover('# or WebSockets', 5), null);
    const blank = text.split('\n').findIndex((l) => l === '');
    assert.equal(
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: blank, character: 0 } }),
      null,
    );
    // The value before the comment still has its hover; the item's own space is named by its list, not `0`.
    assert.match(md(await hover('protocol: Mqtt', 11)), /\*\*protocol\*\*/);
    assert.match(md(await hover('    protocol: Mqtt', 2)), /^\*\*ports\[0\]\*\* — object/);
  } finally {
    await client.close(uri);
  }
});

test('completion: a free port', async () => {
  // 1883 and 8883 are taken by listener lb, 18883 by AIO's default listener.
  const ports = await completeAt(`${HEAD}  ports:\n  - port: |\n`);
  assert.ok(ports.length > 0);
  for (const p of ports)
    assert.ok(!['1883', '8883', '8885', '18883'].includes(p), `offered a used port: ${ports.join()}`);
  assert.equal(ports[0], '8884');
});

test('with kustomizations, definition and references stay within the deployment', async () => {
  const authn = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: devices
  namespace: azure-iot-operations
spec:
  authenticationMethods:
  - method: X509
`;
  const lst = (name: string) => `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: ${name}
  namespace: azure-iot-operations
spec:
  serviceType: LoadBalancer
  ports:
  - port: 8883
    authenticationRef: devices
`;
  const ws = new TempWorkspace({
    'dev/kustomization.yaml': 'resources: [auth.yaml, listener.yaml]\n',
    'dev/auth.yaml': authn,
    'dev/listener.yaml': lst('dev'),
    'prod/kustomization.yaml': 'resources: [auth.yaml, listener.yaml]\n',
    'prod/auth.yaml': authn,
    'prod/listener.yaml': lst('prod'),
  });
  const c = await startServer({ rootPath: ws.root });
  try {
    const uL = ws.uri('dev/listener.yaml');
    await c.open(uL, lst('dev'));
    await c.currentDiagnostics(uL);
    const defs = await c.request<Location[] | null>('textDocument/definition', {
      textDocument: { uri: uL },
      position: posOf(lst('dev'), 'devices', 0, 1),
    });
    assert.deepEqual(
      defs!.map((l) => l.uri),
      [ws.uri('dev/auth.yaml')],
    );
    const uA = ws.uri('prod/auth.yaml');
    await c.open(uA, authn);
    const refs = await c.request<Location[]>('textDocument/references', {
      textDocument: { uri: uA },
      position: posOf(authn, 'devices', 0, 1),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      refs.map((l) => l.uri),
      [ws.uri('prod/listener.yaml')],
    );
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

// The language server's cluster feature over real JSON-RPC against the Kubernetes API test server: no cluster I/O
// before a view is visible, tree data level by level, change notifications from watch events, actions, and
// cluster-aware diagnostics that the setting turns off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeTestServer } from '../kube-server';
import { job } from '../kube-server';
import { Methods, ClusterTreeResult } from '../../server/src/protocol';
import type { LspClient } from '../helpers/lsp-client';
import { TempWorkspace, startServer } from '../helpers/lsp-fixtures';
import { startDemoCluster, writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

let server: KubeTestServer;
let kubeconfig: string;
let requests = 0;
const clients: LspClient[] = [];
before(async () => {
  server = await startDemoCluster();
  kubeconfig = writeKubeconfig(server, tempDir());
  server.events.on('request', () => requests++);
});
after(async () => {
  for (const c of clients) await c.shutdown().catch(() => undefined);
  await server.stop();
});

const LISTENER = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: extra
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  - port: 8883
    authenticationRef: default
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: {name: azure-iot-operations-aio-certificate-issuer, kind: ClusterIssuer, group: cert-manager.io}
`;

async function start(settings: Record<string, unknown> = {}) {
  const ws = new TempWorkspace({ 'extra.yaml': LISTENER });
  const c = await startServer({ rootPath: ws.root, settings: { brokerkit: { kubeconfig, ...settings } } });
  clients.push(c);
  return { c, ws };
}

async function children(c: LspClient, view: 'listeners' | 'serviceConnector', parentId?: string) {
  return (await c.request<ClusterTreeResult>(Methods.clusterTree, { view, parentId })).nodes;
}

/** Follows labels from the roots down. */
async function path(c: LspClient, view: 'listeners' | 'serviceConnector', ...labels: string[]) {
  let nodes = await children(c, view);
  let node;
  for (const l of labels) {
    node = nodes.find((n) => n.label === l);
    assert.ok(node, `'${l}' not among ${nodes.map((n) => n.label).join(', ')}`);
    nodes = node.hasChildren ? await children(c, view, node.id) : [];
  }
  return { node: node!, children: nodes };
}

async function untilTree(c: LspClient, view: 'listeners' | 'serviceConnector', pred: () => Promise<boolean>) {
  for (;;) {
    const seen = c.notifications.length;
    if (await pred()) return;
    await c.notification(Methods.clusterTreeChanged, (p: any) => p.view === view && c.notifications.length > seen);
  }
}

test('no kubeconfig read and no cluster request before a view is visible', async () => {
  const before = requests;
  const { c, ws } = await start();
  await c.open(ws.uri('extra.yaml'), LISTENER);
  await c.currentDiagnostics(ws.uri('extra.yaml'));
  assert.equal(requests, before);
});

test('the listeners tree, level by level, with the port details and a mosquitto_pub command', async () => {
  const { c } = await start();
  await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'listeners', visible: true });
  // The listeners can show before the Services are listed (their address is then 'unknown'): wait for both.
  await untilTree(
    c,
    'listeners',
    async () =>
      (await children(c, 'listeners'))[0]?.label === 'brokerkit-test' &&
      (await children(c, 'listeners', (await children(c, 'listeners'))[0].id)).some(
        (n) => n.label === 'azure-iot-operations',
      ) &&
      (
        await path(
          c,
          'listeners',
          'brokerkit-test',
          'azure-iot-operations',
          'default',
          'aio-broker-loadbalancer',
        ).catch(() => undefined)
      )?.node.description?.includes('· unknown ·') === false,
  );
  const lb = await path(c, 'listeners', 'brokerkit-test', 'azure-iot-operations', 'default', 'aio-broker-loadbalancer');
  assert.equal(lb.node.description, 'LoadBalancer · pending · Running');
  assert.equal(lb.node.contextValue, 'listener');
  assert.deepEqual(lb.node.ref, {
    apiVersion: 'mqttbroker.iotoperations.azure.com/v1',
    kind: 'BrokerListener',
    namespace: 'azure-iot-operations',
    name: 'aio-broker-loadbalancer',
  });
  const port = lb.children.find((n) => n.label === '8883')!;
  assert.match(
    port.description!,
    /^Mqtt · TLS Automatic \(ClusterIssuer\/azure-iot-operations-aio-certificate-issuer\) · authn default · no authz · nodePort \d+$/,
  );
  assert.match(
    String(port.data!.mosquittoPub),
    /^mosquitto_pub -h <external-ip> -p 8883 -V mqttv5 .* --cafile ca\.crt -D CONNECT authentication-method K8S-SAT/,
  );
  // The port's details are made only when it is opened, and then are what the port says.
  assert.equal(port.hasChildren, true);
  assert.ok(!('lazy' in port) && !('children' in port), 'one level only, no server-side markers');
  const details = await children(c, 'listeners', port.id);
  assert.deepEqual(
    details.map((d) => `${d.label}=${d.description}`).filter((x) => !x.startsWith('certificate=')),
    [
      'protocol=Mqtt',
      'TLS=Automatic',
      'issuer=ClusterIssuer/azure-iot-operations-aio-certificate-issuer',
      'authentication=default',
      'authorization=disabled',
      `node port=${/nodePort (\d+)/.exec(port.description!)![1]}`,
    ],
  );
  assert.ok(details.every((d) => !d.hasChildren && d.id.startsWith(`${port.id}/`)));
  const live = await c.request<{ yaml: string }>(Methods.clusterObject, { ref: lb.node.ref });
  assert.match(
    live.yaml,
    /^# Live BrokerListener azure-iot-operations\/aio-broker-loadbalancer from context brokerkit-test \(read-only\)\napiVersion: mqttbroker\.iotoperations\.azure\.com\/v1\nkind: BrokerListener/,
  );
  const forDev = await c.request<{ yaml: string }>(Methods.clusterListenerYaml, {
    namespace: 'azure-iot-operations',
    name: 'mqtts-endpoint',
  });
  const kinds = forDev.yaml.split(/^---$/m).map((d) => /^kind: (\w+)$/m.exec(d)?.[1]);
  assert.deepEqual(kinds, ['BrokerListener', 'BrokerAuthentication', 'BrokerAuthorization']);
  assert.doesNotMatch(forDev.yaml, /^status:|resourceVersion|uid:/m);
  const bundle = await c.request<{ pem: string }>(Methods.clusterTrustBundle, { namespace: 'azure-iot-operations' });
  assert.match(bundle.pem, /^-----BEGIN CERTIFICATE-----/);
  const secret = await c.request<{ yaml: string }>(Methods.clusterObject, {
    ref: { apiVersion: 'v1', kind: 'Secret', namespace: 'azure-iot-operations', name: 'test-ca' },
  });
  assert.doesNotMatch(secret.yaml, /PRIVATE|TOP-SECRET|VE9QLVNFQ1JFVC/);
  assert.match(secret.yaml, /dataKeys:\n {2}- tls\.crt\n {2}- tls\.key/);
});

test('a job created on the server appears in the Service Connector tree without a refresh; its log can be read', async () => {
  const { c } = await start();
  await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'serviceConnector', visible: true });
  const jobsHave = async (name: string) =>
    (await children(c, 'serviceConnector', 'sc/jobs')).some((n) => n.label === name);
  await untilTree(c, 'serviceConnector', () => jobsHave('sc-job'));
  server.apply(job('sc-job-live', 'sc-system', 'running'));
  await untilTree(c, 'serviceConnector', () => jobsHave('sc-job-live'));
  const log = await c.request<{ text: string }>(Methods.clusterLog, {
    namespace: 'sc-system',
    pod: 'sc-job-x7k2p',
    container: 'main',
  });
  assert.match(log.text, /Timed out waiting/);
  server.remove('batch/v1', 'Job', 'sc-system', 'sc-job-live');
});

test('a forbidden resource shows as its own node', async () => {
  server.faults.forbidden = [{ resource: 'jobs', group: 'batch', namespace: 'sc-system' }];
  try {
    const { c } = await start();
    await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'serviceConnector', visible: true });
    const firstJobNode = async () => (await children(c, 'serviceConnector', 'sc/jobs'))[0];
    await untilTree(c, 'serviceConnector', async () => (await firstJobNode())?.contextValue === 'problem');
    assert.equal((await firstJobNode()).label, 'no permission to list jobs in sc-system');
  } finally {
    server.faults.forbidden = [];
  }
});

test('cluster-aware diagnostics: a live listener owns 8883; the setting turns it off', async () => {
  // 'extra' does not run in the cluster yet: the workspace is mapped to it by the setting.
  const targets = { '.': 'brokerkit-test' };
  const { c, ws } = await start({ clusterTargets: targets });
  const uri = ws.uri('extra.yaml');
  await c.open(uri, LISTENER);
  const offline = await c.currentDiagnostics(uri);
  assert.ok(!offline.some((d) => d.code === 'port-conflict'));
  await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'listeners', visible: true });
  const online = await c.diagnosticsFor(uri, (p) => p.diagnostics.some((d) => d.code === 'port-conflict'));
  const clash = online.diagnostics.find((d) => d.code === 'port-conflict')!;
  assert.match(String(clash.message), /BrokerListener 'aio-broker-loadbalancer' \(in the cluster\)/);
  // Diagnostics follow the cluster: the live listener moves off 8883, the clash goes away without an edit.
  const live = server.get(
    'mqttbroker.iotoperations.azure.com/v1',
    'BrokerListener',
    'azure-iot-operations',
    'aio-broker-loadbalancer',
  );
  const moved = structuredClone(live);
  moved.spec.ports[1].port = 8884;
  server.apply(moved);
  try {
    await c.diagnosticsFor(uri, (p) => !p.diagnostics.some((d) => d.code === 'port-conflict'));
  } finally {
    server.apply(live);
  }
  await c.diagnosticsFor(uri, (p) => p.diagnostics.some((d) => d.code === 'port-conflict'));
  await c.settingsChanged({ brokerkit: { kubeconfig, clusterTargets: targets, clusterValidation: false } });
  await c.diagnosticsFor(uri, (p) => !p.diagnostics.some((d) => d.code === 'port-conflict'));
});

test('without a usable kubeconfig the view shows why and how to fix it', async () => {
  const ws = new TempWorkspace({});
  const c = await startServer({
    rootPath: ws.root,
    settings: { brokerkit: { kubeconfig: `${ws.root}/no-such-kubeconfig` } },
  });
  clients.push(c);
  await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'listeners', visible: true });
  // Until the settings are read the view says it is starting; then it says what is wrong.
  await untilTree(c, 'listeners', async () => (await children(c, 'listeners'))[0]?.contextValue === 'problem');
  const roots = await children(c, 'listeners');
  assert.equal(roots.length, 1);
  assert.match(roots[0].label, /^no kubeconfig found \(looked at .*no-such-kubeconfig\)$/);
  assert.equal(roots[0].contextValue, 'problem');
  const hint = await children(c, 'listeners', roots[0].id);
  assert.match(hint[0].label, /brokerkit\.kubeconfig setting or KUBECONFIG/);
  const ctxs = await c.request<{ contexts: unknown[]; error?: string }>(Methods.clusterContexts, {});
  assert.deepEqual(ctxs.contexts, []);
  assert.match(ctxs.error ?? '', /no kubeconfig found/);
});

// Which deployment is compared with which cluster, over real JSON-RPC against the demo cluster of `npm start` (the
// Kubernetes API test server running examples/demo): the examples give exactly the demo's own findings (the how-to
// scenarios do not run there and are not compared), a how-to scenario mapped to the cluster by the setting gets the
// clashes it would really cause, with the live object it clashes with linked and openable, and a mapping to another
// context or the session's command change what is compared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Diagnostic, CodeAction } from 'vscode-languageserver-protocol';
import { KubeTestServer, demoObjectsFor, seedDemoExtras } from '../kube-server';
import { Methods, ClusterTargetsResult, ClusterTreeResult } from '../../server/src/protocol';
import type { LspClient } from '../helpers/lsp-client';
import { TempWorkspace, startServer } from '../helpers/lsp-fixtures';
import { writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

const DEMO = 'examples/demo';
let server: KubeTestServer;
let kubeconfig: string;
let ws: TempWorkspace;
let c: LspClient;

const TWO_PORT = 'examples/howto/two-port-loadbalancer/two-port-loadbalancer.yaml';
const NODEPORT = 'examples/demo/listener-nodeport.yaml';
const HOWTO = [
  TWO_PORT,
  'examples/howto/automatic-tls-8884/automatic-tls-8884.yaml',
  'examples/howto/manual-tls-mqtts-endpoint/manual-tls-mqtts-endpoint.yaml',
  'examples/howto/selfsigned-ca-issuer/selfsigned-ca-issuer.yaml',
];

before(async () => {
  const objects: unknown[] = [];
  for (const f of readdirSync(DEMO).filter((n) => n.endsWith('.yaml')))
    for (const d of parseAllDocuments(readFileSync(join(DEMO, f), 'utf8'))) objects.push(d.toJS());
  server = await new KubeTestServer({ objects: demoObjectsFor(objects), aio: true }).start();
  seedDemoExtras(server);
  kubeconfig = writeKubeconfig(server, tempDir(), { context: 'demo-cluster' });
  ws = new TempWorkspace();
  cpSync('examples', ws.path('examples'), { recursive: true });
  c = await startServer({
    rootPath: ws.root,
    settings: { brokerkit: { kubeconfig } },
    initializationOptions: { liveDocuments: 'brokerkit-live' },
  });
});
after(async () => {
  await c?.shutdown().catch(() => undefined);
  await server?.stop();
  ws?.dispose();
});

const short = (d: Diagnostic) => `${d.range.start.line + 1}:${d.code}:${d.severity}`;
const shorts = (list: Diagnostic[]) => list.map(short).sort();
const has = (code: string) => (p: { diagnostics: Diagnostic[] }) => p.diagnostics.some((d) => d.code === code);
const authnError = (p: { diagnostics: Diagnostic[] }) =>
  p.diagnostics.some((d) => d.code === 'authentication-not-found' && d.severity === 1);

test('the examples with the demo cluster: exactly the demo’s own findings, the how-to scenarios untouched', async () => {
  // Without a cluster: every file's findings (a file without any gets no publish).
  await c.diagnosticsFor(ws.uri(NODEPORT), has('port-conflict'));
  await c.diagnosticsFor(ws.uri(TWO_PORT), has('insecure-port'));
  const now = (f: string) => shorts(c.diagnostics.get(ws.uri(f))?.diagnostics ?? []);
  const offline = new Map<string, string[]>();
  for (const f of [...HOWTO, NODEPORT]) offline.set(f, now(f));
  assert.ok(offline.get(NODEPORT)!.some((x) => x.endsWith(':authentication-not-found:2')));

  await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'listeners', visible: true });
  // Compared with the whole cluster, the demo's typo is certain: the missing authentication becomes an error.
  const demo = await c.diagnosticsFor(ws.uri(NODEPORT), authnError);
  // The status bar hears what is compared with what.
  await c.notification<ClusterTargetsResult>(Methods.clusterTargetsChanged, (p) => p.context === 'demo-cluster');
  // (Answered after every publish of that validation was sent.)
  const targets = await c.request<ClusterTargetsResult>(Methods.clusterTargets, {});
  assert.deepEqual(
    targets.targets.filter((t) => t.compared).map((t) => [t.label, t.reason]),
    [['examples/demo', 'exists']],
  );
  const existing = targets.targets.find((t) => t.label === 'examples/demo')!.existing;
  assert.ok(existing.length > 0);
  for (const e of existing)
    assert.match(e, /^(BrokerListener|BrokerAuthentication|BrokerAuthorization|Issuer) azure-iot-operations\//);
  assert.deepEqual(
    targets.targets
      .filter((t) => !t.compared)
      .map((t) => [t.label, t.reason])
      .sort(),
    HOWTO.map((f) => [f.split('/').slice(1, 3).join('/'), 'none']).sort(),
  );
  // The demo's listeners run in the cluster as written: updates of themselves, no clash with their live twins.
  assert.deepEqual(demo.diagnostics.map((d) => d.code).sort(), [
    'authentication-not-found',
    'node-port-range',
    'port-conflict',
  ]);
  assert.deepEqual(
    (await c.diagnosticsFor(ws.uri('examples/demo/listener-external.yaml'))).diagnostics.map((d) => d.code),
    ['port-conflict'],
  );
  for (const f of HOWTO) assert.deepEqual(now(f), offline.get(f), f);
});

test('a how-to scenario mapped to the demo cluster gets the clashes it would cause there, naming the live object', async () => {
  const uri = ws.uri(TWO_PORT);
  await c.settingsChanged({
    brokerkit: { kubeconfig, clusterTargets: { 'examples/howto/two-port-loadbalancer': 'demo-cluster' } },
  });
  const p = await c.diagnosticsFor(uri, has('service-type-conflict'));
  const codes = p.diagnostics.map((d) => d.code);
  for (const code of ['listener-limit', 'service-type-conflict', 'port-conflict'])
    assert.ok(codes.includes(code), code);
  const clash = p.diagnostics.find((d) => d.code === 'port-conflict')!;
  assert.match(String(clash.message), /Port 8883 is already used by BrokerListener 'external' \(in the cluster\)/);
  const live = clash.relatedInformation?.find((r) => r.location.uri.startsWith('brokerkit-live:'));
  assert.ok(live, JSON.stringify(clash.relatedInformation));
  assert.match(live.location.uri, /^brokerkit-live:\/object\/BrokerListener\/azure-iot-operations\/external\.yaml\?/);
  const ref = JSON.parse(decodeURIComponent(decodeURIComponent(live.location.uri.split('?')[1])));
  assert.deepEqual(ref, {
    apiVersion: 'mqttbroker.iotoperations.azure.com/v1',
    kind: 'BrokerListener',
    namespace: 'azure-iot-operations',
    name: 'external',
  });
  const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: clash.range,
    context: { diagnostics: [clash] },
  });
  const open = actions.find(
    (a) => a.title === 'Open live object BrokerListener azure-iot-operations/external (read-only)',
  );
  assert.ok(open, actions.map((a) => a.title).join('\n'));
  assert.deepEqual(open.command, {
    title: 'Open Live Object',
    command: 'brokerkit.cluster.openLive',
    arguments: [{ ref }],
  });
  const targets = await c.request<ClusterTargetsResult>(Methods.clusterTargets, {});
  const t = targets.targets.find((x) => x.label === 'howto/two-port-loadbalancer')!;
  assert.equal(t.compared, true);
  assert.equal(t.reason, 'setting');
  assert.match(t.detail ?? '', /brokerkit\.clusterTargets maps examples\/howto\/two-port-loadbalancer to demo-cluster/);
});

test('a mapping to another context takes a deployment off this cluster; the command puts one on for the session', async () => {
  await c.settingsChanged({ brokerkit: { kubeconfig, clusterTargets: { 'examples/demo': ['prod-cluster'] } } });
  // The demo is meant for another cluster now: checked as without a cluster (the typo is a warning again).
  await c.diagnosticsFor(ws.uri(NODEPORT), (p) => has('authentication-not-found')(p) && !authnError(p));
  await c.diagnosticsFor(ws.uri(TWO_PORT), (p) => !has('service-type-conflict')(p));
  const r = await c.request<ClusterTargetsResult>(Methods.clusterCompareDeployment, {
    uri: ws.uri(TWO_PORT),
    compare: true,
  });
  assert.deepEqual(
    r.targets.filter((t) => t.compared).map((t) => [t.label, t.reason]),
    [['howto/two-port-loadbalancer', 'command']],
  );
  // Alone against the cluster now (the demo's listeners run there and are not in this deployment): the same clashes.
  await c.diagnosticsFor(ws.uri(TWO_PORT), has('service-type-conflict'));
  await c.request(Methods.clusterCompareDeployment, { uri: ws.uri(TWO_PORT), compare: null });
  await c.diagnosticsFor(ws.uri(TWO_PORT), (p) => !has('service-type-conflict')(p));
});

test('the demo cluster holds what a real one could: the out-of-range nodePort listener failed, certificates from cert-manager', async () => {
  const children = async (parentId?: string) =>
    (await c.request<ClusterTreeResult>(Methods.clusterTree, { view: 'listeners', parentId })).nodes;
  const find = async (...labels: string[]) => {
    let nodes = await children();
    let node;
    for (const l of labels) {
      node = nodes.find((n) => n.label === l);
      if (!node) return undefined;
      nodes = node.hasChildren ? await children(node.id) : [];
    }
    return { node: node!, children: nodes };
  };
  const path = ['demo-cluster', 'azure-iot-operations', 'default'];
  // The view is visible since the first test; wait for the tree to hold the certificates.
  for (;;) {
    const seen = c.notifications.length;
    const ext = await find(...path, 'external');
    if (ext?.children.some((n) => n.label === 'certificate' && n.description === 'TLS certificate ready')) break;
    await c.notification(Methods.clusterTreeChanged, () => c.notifications.length > seen);
  }
  const external = (await find(...path, 'external'))!;
  assert.match(external.node.description!, /^LoadBalancer · 172\.18\.0\.\d+ · Running$/);
  const port = external.children.find((n) => n.label === '8883')!;
  const details = await children(port.id);
  assert.match(
    details.find((d) => d.label === 'certificate')!.description!,
    /^Certificate external-8883: ready, valid until \d{4}-\d{2}-\d{2}$/,
  );
  // nodePort 3883 is outside 30000-32767: the API server refuses the Service, and the listener says so.
  const nodeport = (await find(...path, 'nodeport'))!;
  assert.doesNotMatch(nodeport.node.description!, /Running/);
  const status = nodeport.children.find((n) => n.label === 'status')!;
  assert.match(
    status.description!,
    /^Failed: .*nodePort: Invalid value: 3883: provided port is not in the valid range/,
  );
  assert.equal(status.level, 'error');
  assert.match(nodeport.children.find((n) => n.label === 'service')!.description!, /no Service 'nodeport' yet/);
});

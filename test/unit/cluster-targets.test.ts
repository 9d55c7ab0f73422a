// Which deployments the cluster facts are compared with (engine/cluster-targets.ts): those with an object that runs
// there (AIO's own objects do not count), or the ones the host's targeting names; the others are checked as without
// a cluster. The same object in the workspace and the cluster is an update, never a clash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine/workspace';
import { folderTargeting, type Facts, type Finding } from '../../server/src/engine';
import { LISTENER_HEAD } from '../helpers/engine';

const AIO = 'mqttbroker.iotoperations.azure.com/v1';
const listenerText = (name: string, type: string, port: number) =>
  LISTENER_HEAD(name, `  serviceType: ${type}\n  ports:\n  - port: ${port}\n`);
const live = (name: string, type: string, port: number) => ({
  apiVersion: AIO,
  kind: 'BrokerListener',
  metadata: { name, namespace: 'azure-iot-operations' },
  spec: { brokerRef: 'default', serviceType: type, ports: [{ port }] },
});
const defaultListener = live('default', 'ClusterIp', 18883);

function workspace(files: Record<string, string>, facts: Facts): Workspace {
  const ws = new Workspace();
  for (const [name, text] of Object.entries(files)) ws.setFile(`file:///repo/${name}`, text);
  ws.setFacts(facts);
  return ws;
}
// The test listeners have no TLS: insecure-port (a document rule) is not what these tests are about.
const relational = (f: Finding) => f.code !== 'insecure-port';
const codesAt = (r: Map<string, Finding[]>, name: string) =>
  (r.get(`file:///repo/${name}`) ?? []).filter(relational).map((f) => f.code);

const FILES = {
  'prod/kustomization.yaml': 'resources:\n- listener.yaml\n',
  'prod/listener.yaml': listenerText('external', 'LoadBalancer', 8883),
  'lab/kustomization.yaml': 'resources:\n- listener.yaml\n',
  'lab/listener.yaml': listenerText('lab-lb', 'LoadBalancer', 8883),
};
// The cluster runs prod's listener (as written) and AIO's default listener.
const FACTS: Facts = {
  objects: [defaultListener, live('external', 'LoadBalancer', 8883)],
  complete: true,
  source: 'prod',
};

test('a deployment whose objects run in the cluster is compared; another is not, and gets no clash with it', () => {
  const ws = workspace(FILES, FACTS);
  const r = ws.validate();
  // prod's listener is its own live twin: an update, no clash with itself.
  assert.deepEqual(codesAt(r, 'prod/listener.yaml'), []);
  // lab does not run there: checked as without a cluster (no clash with prod's live listener).
  assert.deepEqual(codesAt(r, 'lab/listener.yaml'), []);
  assert.deepEqual(
    ws.clusterTargets().map((t) => [t.label, t.compared, t.reason, t.existing]),
    [
      ['repo/prod', true, 'exists', ['BrokerListener azure-iot-operations/external']],
      ['repo/lab', false, 'none', []],
    ],
  );
});

test('AIO’s own objects say nothing about which deployment runs there', () => {
  const ws = workspace(
    {
      'lab/kustomization.yaml': 'resources:\n- l.yaml\n',
      'lab/l.yaml':
        LISTENER_HEAD('default', '  ports:\n  - port: 18883\n') +
        '---\n' +
        listenerText('lab-lb', 'LoadBalancer', 8883),
    },
    FACTS,
  );
  ws.validate();
  assert.deepEqual(
    ws.clusterTargets().map((t) => [t.compared, t.reason]),
    [[false, 'none']],
  );
});

test('the host’s targeting opts a deployment in (its real clashes appear, naming the live object) or out', () => {
  const ws = workspace(FILES, FACTS);
  ws.setClusterTargeting(
    folderTargeting([
      { folder: 'file:///repo/lab', compare: true, reason: 'command' },
      { folder: 'file:///repo/prod/', compare: false, reason: 'setting', detail: 'mapped to staging' },
    ]),
  );
  const r = ws.validate();
  const lab = r.get('file:///repo/lab/listener.yaml')!.filter(relational);
  assert.deepEqual(lab.map((f) => f.code).sort(), ['port-conflict', 'service-type-conflict']);
  const clash = lab.find((f) => f.code === 'port-conflict')!;
  assert.deepEqual(
    clash.related.map((x) => x.live),
    [{ apiVersion: AIO, kind: 'BrokerListener', namespace: 'azure-iot-operations', name: 'external' }],
  );
  assert.deepEqual(codesAt(r, 'prod/listener.yaml'), []);
  assert.deepEqual(
    ws.clusterTargets().map((t) => [t.label, t.compared, t.reason, t.detail]),
    [
      ['repo/prod', false, 'setting', 'mapped to staging'],
      ['repo/lab', true, 'command', undefined],
    ],
  );
  // Back to the default: lab's clashes leave without an edit.
  ws.setClusterTargeting(undefined);
  assert.deepEqual(codesAt(ws.validate(), 'lab/listener.yaml'), []);
});

test('an edit that adds an object the cluster runs brings the deployment under comparison (incrementally as in full)', () => {
  const ws = workspace(FILES, FACTS);
  ws.validate();
  const lab = listenerText('lab-lb', 'LoadBalancer', 8883) + '---\n' + listenerText('external', 'LoadBalancer', 8883);
  ws.setFile('file:///repo/lab/listener.yaml', lab);
  const r = ws.validate();
  const full = workspace({ ...FILES, 'lab/listener.yaml': lab }, FACTS);
  full.incremental = false;
  const ref = full.validate();
  const strip = (m: Map<string, Finding[]>) => JSON.stringify([...m].sort(([a], [b]) => a.localeCompare(b)));
  assert.equal(strip(r), strip(ref));
  assert.ok(codesAt(r, 'lab/listener.yaml').includes('service-type-conflict'));
  assert.deepEqual(
    ws.clusterTargets().map((t) => t.compared),
    [true, true],
  );
});

test('facts marked compare: all are compared with every deployment', () => {
  const ws = workspace(FILES, { ...FACTS, compare: 'all' });
  assert.ok(codesAt(ws.validate(), 'lab/listener.yaml').includes('port-conflict'));
  assert.deepEqual(
    ws.clusterTargets().map((t) => t.reason),
    ['all', 'all'],
  );
});

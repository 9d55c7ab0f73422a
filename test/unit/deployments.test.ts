// Deployments (engine/deployments.ts): relations between objects are checked within the files applied together —
// a top-level kustomization with everything it pulls in, or a folder's files outside any kustomization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine/workspace';
import { computeDeployments, isKustomizationUri } from '../../server/src/engine/deployments';
import type { Finding } from '../../server/src/engine';
import { LISTENER_HEAD } from '../helpers/engine';

const listener = (name: string, type: string, port: number) =>
  LISTENER_HEAD(
    name,
    `  serviceType: ${type}
  ports:
  - port: ${port}
`,
  );

function run(files: Record<string, string>): Map<string, Finding[]> {
  const ws = new Workspace();
  for (const [name, text] of Object.entries(files)) ws.setFile(`file:///repo/${name}`, text);
  return ws.validate();
}
const at = (r: Map<string, Finding[]>, name: string, code: string) =>
  (r.get(`file:///repo/${name}`) ?? []).filter((f) => f.code === code);

const BASE = {
  'base/kustomization.yaml': 'resources:\n- listener.yaml\n',
  'base/listener.yaml': listener('external', 'LoadBalancer', 8883),
  'overlays/dev/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\n- extra.yaml\n',
  'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\n- extra.yaml\n',
};

test('overlays are separate deployments: what clashes in one is reported there, with the deployment named at the base', () => {
  const r = run({
    ...BASE,
    'overlays/dev/extra.yaml': listener('dev-np', 'NodePort', 8883), // clashes with the base's 8883 in dev
    'overlays/prod/extra.yaml': listener('prod-np', 'NodePort', 9883),
  });
  assert.equal(at(r, 'overlays/dev/extra.yaml', 'port-conflict').length, 1);
  assert.deepEqual(at(r, 'overlays/prod/extra.yaml', 'port-conflict'), []);
  const base = at(r, 'base/listener.yaml', 'port-conflict');
  assert.equal(base.length, 1);
  assert.match(base[0].message, /\(in overlays\/dev\)$/);
});

test('the same finding in every deployment of a base is reported once, without naming a deployment', () => {
  const r = run({
    ...BASE,
    'overlays/dev/extra.yaml': listener('dev-np', 'NodePort', 8883),
    'overlays/prod/extra.yaml': listener('prod-np', 'NodePort', 8883),
  });
  const base = at(r, 'base/listener.yaml', 'port-conflict');
  // The two messages differ (they name the other listener), so each deployment says its own.
  assert.equal(base.length, 2);
  assert.deepEqual(base.map((f) => /\(in (overlays\/\w+)\)$/.exec(f.message)?.[1]).sort(), [
    'overlays/dev',
    'overlays/prod',
  ]);
  // A finding that reads the same in both (authentication reference missing everywhere) appears once.
  const r2 = run({
    ...BASE,
    'base/listener.yaml': listener('external', 'LoadBalancer', 8883).replace(
      '  - port: 8883\n',
      '  - port: 8883\n    authenticationRef: nowhere\n',
    ),
    'overlays/dev/extra.yaml': listener('dev-np', 'NodePort', 1883),
    'overlays/prod/extra.yaml': listener('prod-np', 'NodePort', 1883),
  });
  const missing = at(r2, 'base/listener.yaml', 'authentication-not-found');
  assert.equal(missing.length, 1);
  assert.doesNotMatch(missing[0].message, /\(in /);
});

test('alternatives side by side: no clash between overlays; the same files in one folder do clash', () => {
  const files = {
    'overlays/dev/extra.yaml': listener('np', 'NodePort', 8883),
    'overlays/prod/extra.yaml': listener('lb', 'LoadBalancer', 8883),
  };
  const oneFolder = run({
    'x/dev.yaml': files['overlays/dev/extra.yaml'],
    'x/prod.yaml': files['overlays/prod/extra.yaml'],
  });
  assert.ok(at(oneFolder, 'x/dev.yaml', 'port-conflict').length > 0);
  assert.deepEqual(
    [...run(files).values()].flat().filter((f) => f.code === 'port-conflict'),
    [],
    'two folders are two deployments',
  );
  const withK = run({
    ...files,
    'overlays/dev/kustomization.yaml': 'resources: [extra.yaml]\n',
    'overlays/prod/kustomization.yaml': 'resources: [extra.yaml]\n',
  });
  assert.deepEqual(
    [...withK.values()].flat().filter((f) => f.code === 'service-type-conflict' || f.code === 'port-conflict'),
    [],
  );
});

test('files outside any kustomization are their own deployment; the AIO default listener is in every one', () => {
  const r = run({
    'app/kustomization.yaml': 'resources:\n- listener.yaml\n',
    'app/listener.yaml': listener('a', 'LoadBalancer', 8883),
    'scratch.yaml': listener('b', 'LoadBalancer', 8883),
  });
  assert.deepEqual(at(r, 'scratch.yaml', 'port-conflict'), []);
  assert.deepEqual(at(r, 'scratch.yaml', 'service-type-conflict'), []);
  // The built-in default listener owns 18883 in each deployment.
  const r2 = run({
    'app/kustomization.yaml': 'resources: [listener.yaml]\n',
    'app/listener.yaml': listener('a', 'LoadBalancer', 18883),
    'scratch.yaml': listener('b', 'LoadBalancer', 18883),
  });
  assert.equal(at(r2, 'app/listener.yaml', 'port-conflict').length, 1);
  assert.equal(at(r2, 'scratch.yaml', 'port-conflict').length, 1);
});

test('editing a kustomization moves files between deployments at once', () => {
  const ws = new Workspace();
  const set = (name: string, text: string) => ws.setFile(`file:///repo/${name}`, text);
  set('a/kustomization.yaml', 'resources: [l.yaml]\n');
  set('a/l.yaml', listener('one', 'LoadBalancer', 8883));
  set('b/kustomization.yaml', 'resources: [l.yaml]\n');
  set('b/l.yaml', listener('two', 'LoadBalancer', 8883));
  const clashes = () => [...ws.validate().values()].flat().filter((f) => f.code === 'service-type-conflict').length;
  assert.equal(clashes(), 0);
  set('b/kustomization.yaml', 'resources: [l.yaml, ../a/l.yaml]\n');
  assert.ok(clashes() > 0, 'a/l.yaml now also deployed with b');
  ws.deleteFile('file:///repo/b/kustomization.yaml');
  ws.deleteFile('file:///repo/a/kustomization.yaml');
  assert.equal(clashes(), 0, 'no kustomization: each folder is a deployment');
});

test('membership: nested bases, components, patches, remote bases ignored, cycles, encoded names', () => {
  const k = (uri: string, value: unknown) => ({ uri, value });
  const d = computeDeployments({
    kustomizations: [
      k('file:///r/base/kustomization.yaml', { resources: ['svc.yaml', 'https://github.com/x/y', 'github.com/x/z'] }),
      k('file:///r/comp/kustomization.yaml', { kind: 'Component', resources: ['c.yaml'] }),
      k('file:///r/ov/kustomization.yaml', {
        resources: ['../base', './my file.yaml'],
        components: ['../comp'],
        patches: [{ path: 'p.yaml' }, { patch: 'a: 1\nb: 2' }],
        patchesStrategicMerge: ['psm.yaml'],
      }),
      k('file:///r/x/kustomization.yaml', { resources: ['../y'] }),
      k('file:///r/y/kustomization.yaml', { resources: ['../x', 'y.yaml'] }),
    ],
    files: [
      'file:///r/base/svc.yaml',
      'file:///r/comp/c.yaml',
      'file:///r/ov/my%20file.yaml',
      'file:///r/ov/p.yaml',
      'file:///r/ov/psm.yaml',
      'file:///r/y/y.yaml',
      'file:///r/loose.yaml',
    ].map((uri) => ({ uri, objects: [] })),
  });
  for (const f of ['base/svc.yaml', 'comp/c.yaml', 'ov/my%20file.yaml', 'ov/p.yaml', 'ov/psm.yaml'])
    assert.deepEqual(d.of(`file:///r/${f}`), ['file:///r/ov/'], f);
  // x and y only refer to each other (kustomize rejects the cycle): the first one stands for both.
  assert.deepEqual(d.of('file:///r/y/y.yaml'), ['file:///r/x/']);
  assert.deepEqual(d.of('file:///r/loose.yaml'), ['folder:file:///r/']);
  assert.equal(d.label('file:///r/ov/'), 'r/ov');
  assert.ok(
    isKustomizationUri('file:///r/ov/kustomization.yml') &&
      isKustomizationUri('file:///r/Kustomization') &&
      !isKustomizationUri('file:///r/kustomization.json'),
  );
});

test('a file added while another is removed (same number of files) still gets the relation rules of its deployment', () => {
  const ws = new Workspace();
  const set = (name: string, text: string) => ws.setFile(`file:///repo/${name}`, text);
  set('app/kustomization.yaml', 'resources: [l.yaml, old.yaml]\n');
  set('app/l.yaml', listener('a', 'LoadBalancer', 8883));
  set('app/old.yaml', listener('b', 'NodePort', 9883));
  ws.validate();
  // Renamed out of the kustomization, in one step: the file is now loose, and its two ports share a node port.
  ws.deleteFile('file:///repo/app/old.yaml');
  set(
    'loose.yaml',
    listener('b', 'NodePort', 9883).replace(
      '  - port: 9883\n',
      '  - port: 9883\n    nodePort: 30001\n  - port: 9884\n    nodePort: 30001\n',
    ),
  );
  const got = (ws.validate().get('file:///repo/loose.yaml') ?? []).filter((f) => f.code === 'node-port-conflict');
  assert.equal(got.length, 2, 'both ports of the loose listener');
});

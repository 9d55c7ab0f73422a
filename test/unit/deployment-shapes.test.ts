// Deployments as users apply them, on small repositories of each shape: sample folders side by side, a GitOps tree
// with Flux and Argo CD files, alternatives in one folder, two roots (workspace folders or command-line arguments),
// and the mode that applies the whole tree at once. Each test says exactly which findings pair which files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine/workspace';
import type { EngineOptions, Finding } from '../../server/src/engine';
import { LISTENER_HEAD } from '../helpers/engine';

const listener = (name: string, type: string, port: number) =>
  LISTENER_HEAD(name, `  serviceType: ${type}\n  ports:\n  - port: ${port}\n    authenticationRef: default\n`);

const PAIRING = ['service-type-conflict', 'port-conflict', 'listener-limit', 'node-port-conflict'];

interface Pair {
  file: string;
  code: string;
  /** The files named in related information. */
  with: string[];
  deployment?: string;
  message: string;
}

/** Every finding that pairs objects, as (file, code, other files, deployment), sorted. */
function pairs(files: Record<string, string>, roots: string[] = [], options: Partial<EngineOptions> = {}): Pair[] {
  const ws = new Workspace(options);
  ws.setRoots(roots.map((r) => `file:///${r}`));
  for (const [name, text] of Object.entries(files)) ws.setFile(`file:///${name}`, text);
  const out: Pair[] = [];
  const short = (uri: string) => uri.replace('file:///', '');
  for (const f of [...ws.validate().values()].flat() as Finding[]) {
    if (!PAIRING.includes(f.code)) continue;
    const others = [...new Set(f.related.filter((r) => r.uri && r.uri !== f.uri).map((r) => short(r.uri!)))].sort();
    if (others.length === 0) continue; // a clash with AIO's built-in listener pairs nothing of the user's
    out.push({ file: short(f.uri), code: f.code, with: others, deployment: f.deployment, message: f.message });
  }
  return out.sort((a, b) => `${a.file}${a.code}`.localeCompare(`${b.file}${b.code}`));
}

test('sample folders side by side are separate deployments; one folder is one', () => {
  const samples = {
    'repo/samples/tls/listener.yaml': listener('tls', 'LoadBalancer', 8883),
    'repo/samples/x509/listener.yaml': listener('x509', 'LoadBalancer', 8883),
  };
  assert.deepEqual(pairs(samples, ['repo/']), []);
  assert.deepEqual(pairs(samples), [], 'without roots too');
  assert.deepEqual(
    pairs({
      'repo/samples/tls/listener.yaml': listener('tls', 'LoadBalancer', 8883),
      'repo/samples/tls/second.yaml': listener('second', 'NodePort', 8883),
    }).map((p) => ({ file: p.file, code: p.code, with: p.with, deployment: p.deployment })),
    [
      {
        file: 'repo/samples/tls/listener.yaml',
        code: 'port-conflict',
        with: ['repo/samples/tls/second.yaml'],
        deployment: 'samples/tls',
      },
      {
        file: 'repo/samples/tls/second.yaml',
        code: 'port-conflict',
        with: ['repo/samples/tls/listener.yaml'],
        deployment: 'samples/tls',
      },
    ],
  );
});

test('a GitOps tree: a Flux Kustomization applies its folder and everything under it, an Argo CD Application its folder (and subfolders with recurse)', () => {
  const flux = (name: string, path: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
  const argo = (name: string, path: string, recurse: boolean) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/gitops.git\n    path: ${path}\n${recurse ? '    directory:\n      recurse: true\n' : ''}  destination:\n    server: https://kubernetes.default.svc\n`;
  const r = pairs(
    {
      'gitops/clusters/prod/flux-system/gotk-sync.yaml': flux('flux-system', './clusters/prod'),
      'gitops/clusters/prod/apps.yaml': flux('apps', './apps/prod'),
      'gitops/apps/prod/listener.yaml': listener('prod-lb', 'LoadBalancer', 8883),
      'gitops/apps/prod/site-1/listener.yaml': listener('site-1', 'NodePort', 8883),
      'gitops/apps/dev/listener.yaml': listener('dev-lb', 'LoadBalancer', 8883),
      'gitops/argo/east.yaml': argo('east', 'sites/east', true),
      'gitops/argo/west.yaml': argo('west', 'sites/west', false),
      'gitops/sites/east/lb.yaml': listener('east-a', 'LoadBalancer', 1883),
      'gitops/sites/east/more/lb.yaml': listener('east-b', 'LoadBalancer', 1884),
      'gitops/sites/west/lb.yaml': listener('west-a', 'LoadBalancer', 1883),
      'gitops/sites/west/more/lb.yaml': listener('west-b', 'LoadBalancer', 1884),
    },
    ['gitops/'],
  );
  // Flux: prod's listeners (two folders) pair, in the deployment of the tree the cluster's Flux object applies; dev is
  // applied by nothing here and pairs with nothing. Argo CD: east recurses, west does not.
  assert.deepEqual(
    r.map((p) => [p.file, p.code, p.with.join(), p.deployment]),
    [
      [
        'gitops/apps/prod/listener.yaml',
        'port-conflict',
        'gitops/apps/prod/site-1/listener.yaml',
        'Flux Kustomization flux-system',
      ],
      [
        'gitops/apps/prod/site-1/listener.yaml',
        'port-conflict',
        'gitops/apps/prod/listener.yaml',
        'Flux Kustomization flux-system',
      ],
      [
        'gitops/sites/east/lb.yaml',
        'service-type-conflict',
        'gitops/sites/east/more/lb.yaml',
        'Argo CD Application east',
      ],
      [
        'gitops/sites/east/more/lb.yaml',
        'service-type-conflict',
        'gitops/sites/east/lb.yaml',
        'Argo CD Application east',
      ],
    ],
  );
});

test('alternatives: two files defining one object differently are never paired; each is checked with the rest of the folder', () => {
  const open = listener('statestore', 'LoadBalancer', 1883);
  const x509 = LISTENER_HEAD(
    'statestore',
    '  serviceType: LoadBalancer\n  ports:\n  - port: 1883\n    authenticationRef: x509\n',
  );
  const r = pairs(
    {
      'repo/statestore/listener-open.yml': open,
      'repo/statestore/listener-x509.yml': x509,
      'repo/statestore/other.yaml': listener('other', 'NodePort', 1883),
    },
    ['repo/'],
  );
  // Each alternative clashes with other.yaml (a port both use), never with the other alternative.
  assert.deepEqual(
    r.map((p) => [p.file, p.code, p.with.join()]),
    [
      ['repo/statestore/listener-open.yml', 'port-conflict', 'repo/statestore/other.yaml'],
      ['repo/statestore/listener-x509.yml', 'port-conflict', 'repo/statestore/other.yaml'],
      // other.yaml is judged once per alternative, and shown once, naming the first and counting the others.
      ['repo/statestore/other.yaml', 'port-conflict', 'repo/statestore/listener-open.yml'],
    ],
  );
  assert.match(r[0].deployment!, /^repo\/statestore with listener-open\.yml$/);
  assert.match(r[2].message, /\(in repo\/statestore with listener-open\.yml, and 1 other alternative\)$/);
  // The same object repeated word for word is no alternative (a Namespace in every file, say): still one deployment.
  const same = pairs({
    'repo/s/a.yaml': `${listener('a', 'ClusterIp', 1883)}---\n${listener('shared', 'NodePort', 1884)}`,
    'repo/s/b.yaml': `${listener('b', 'ClusterIp', 2883)}---\n${listener('shared', 'NodePort', 1884)}`,
  });
  assert.ok(same.some((p) => p.file === 'repo/s/a.yaml' && p.with.includes('repo/s/b.yaml')));
});

test('alternatives: two files of a folder that each give the broker its LoadBalancer (or NodePort) listener are two ways to do one thing, unless a kustomization lists both', () => {
  // explore-iot-operations' statestore sample: "apply listener-open.yml", or, with authentication, "listener-x509.yml".
  const files = {
    'repo/statestore/listener-open.yml': listener('listener-open', 'LoadBalancer', 1883),
    'repo/statestore/listener-x509.yml': listener('listener-x509', 'loadBalancer', 8883),
    'repo/nodeports/a.yaml': listener('a', 'NodePort', 1885),
    'repo/nodeports/b.yaml': listener('b', 'NodePort', 1886),
  };
  assert.deepEqual(pairs(files, ['repo/']), []);
  const ws = new Workspace({});
  ws.setRoots(['file:///repo/']);
  for (const [name, text] of Object.entries(files)) ws.setFile(`file:///${name}`, text);
  assert.deepEqual(
    ws
      .deployments()
      .map((d) => d.label)
      .sort(),
    [
      'repo/nodeports with a.yaml',
      'repo/nodeports with b.yaml',
      'repo/statestore with listener-open.yml',
      'repo/statestore with listener-x509.yml',
    ],
  );
  // Listed together by a kustomization, they are applied together: the clash is real.
  const listed = pairs({
    ...files,
    'repo/statestore/kustomization.yaml': 'resources:\n- listener-open.yml\n- listener-x509.yml\n',
  });
  assert.deepEqual(
    listed.filter((p) => p.file.startsWith('repo/statestore/')).map((p) => [p.file, p.code, p.with.join()]),
    [
      ['repo/statestore/listener-open.yml', 'service-type-conflict', 'repo/statestore/listener-x509.yml'],
      ['repo/statestore/listener-x509.yml', 'service-type-conflict', 'repo/statestore/listener-open.yml'],
    ],
  );
  // And in the mode that applies the whole tree at once.
  const whole = pairs(files, ['repo/'], { deployments: 'workspace' }).filter((p) => p.code === 'service-type-conflict');
  assert.deepEqual(whole.map((p) => p.file).sort(), Object.keys(files).sort());
});

test('two roots (workspace folders, command-line arguments) never pair unless a file ties them', () => {
  const files = {
    'one/listener.yaml': listener('one', 'LoadBalancer', 8883),
    'two/listener.yaml': listener('two', 'LoadBalancer', 8883),
  };
  assert.deepEqual(pairs(files, ['one/', 'two/']), []);
  // Two files of one folder named as two arguments: two roots.
  assert.deepEqual(
    pairs({ 'x/a.yaml': files['one/listener.yaml'], 'x/b.yaml': files['two/listener.yaml'] }, ['x/a.yaml', 'x/b.yaml']),
    [],
  );
  // A kustomization in one root that lists the other's file ties them.
  const tied = pairs({ ...files, 'one/kustomization.yaml': 'resources: [listener.yaml, ../two/listener.yaml]\n' }, [
    'one/',
    'two/',
  ]);
  assert.deepEqual(
    tied.map((p) => [p.file, p.code, p.deployment]),
    [
      ['one/listener.yaml', 'port-conflict', 'one'],
      ['one/listener.yaml', 'service-type-conflict', 'one'],
      ['two/listener.yaml', 'port-conflict', 'one'],
      ['two/listener.yaml', 'service-type-conflict', 'one'],
    ],
  );
});

test("mode 'workspace': every file outside a kustomization is one deployment, alternatives included", () => {
  const files = {
    'repo/a/listener.yaml': listener('a', 'LoadBalancer', 8883),
    'repo/b/listener.yaml': listener('b', 'LoadBalancer', 9883),
  };
  assert.deepEqual(pairs(files, ['repo/']), []);
  const r = pairs(files, ['repo/'], { deployments: 'workspace' });
  assert.deepEqual(
    r.map((p) => [p.file, p.deployment]),
    [
      ['repo/a/listener.yaml', 'repo/a'],
      ['repo/b/listener.yaml', 'repo/a'],
    ].map(([f]) => [f, r[0].deployment]),
  );
  assert.equal(r.length, 2);
});

test('the deployments API lists each deployment with its kind, files and objects', () => {
  const ws = new Workspace();
  ws.setRoots(['file:///repo/']);
  ws.setFile('file:///repo/base/kustomization.yaml', 'resources: [l.yaml]\n');
  ws.setFile('file:///repo/base/l.yaml', listener('l', 'LoadBalancer', 8883));
  ws.setFile('file:///repo/loose/a.yaml', listener('a', 'NodePort', 1883));
  ws.setFile('file:///repo/loose/b.yaml', LISTENER_HEAD('b', '  ports:\n  - port: 1884\n'));
  const list = ws
    .deployments()
    .map((d) => ({ kind: d.kind, label: d.label, files: d.files, objects: d.objects.map((o) => o.name) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  assert.deepEqual(list, [
    {
      kind: 'kustomization',
      label: 'repo/base',
      files: ['file:///repo/base/kustomization.yaml', 'file:///repo/base/l.yaml'],
      objects: ['l'],
    },
    {
      kind: 'folder',
      label: 'repo/loose',
      files: ['file:///repo/loose/a.yaml', 'file:///repo/loose/b.yaml'],
      objects: ['a', 'b'],
    },
  ]);
});

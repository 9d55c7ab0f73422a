// Syntax errors are reported only where they can hide something BrokerKit checks: a file that mentions AIO or
// cert-manager, or one that mentions what the rules read (a Secret, a workload, a kustomization) in a deployment with
// AIO or cert-manager objects. A repository without AIO content with broken YAML is not BrokerKit's to judge: the CLI
// exits 0 there, and the editor (which holds only the files that mention what BrokerKit checks) says the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../server/src/engine';
import { distDir, listenerDoc } from '../helpers/engine';
import { tempDir } from '../helpers/temp';

const BROKEN_WORKFLOW = 'on: [push]\njobs:\n  build:\n    steps: [\n';
const BROKEN_SECRET =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  labels: {a: b\ntype: kubernetes.io/tls\n';
const BROKEN_DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: [1\n';
const BROKEN_ISSUER = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: x\n';
const LISTENER = listenerDoc(
  'l',
  '  brokerRef: default\n  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n',
);

function syntaxFiles(files: Record<string, string>, roots = ['file:///repo/']): string[] {
  const ws = new Workspace({});
  ws.setRoots(roots);
  for (const [name, text] of Object.entries(files)) ws.setFile(`file:///repo/${name}`, text);
  const out: string[] = [];
  for (const [uri, list] of ws.validate())
    if (list.some((f) => f.code === 'yaml-syntax')) out.push(uri.slice('file:///repo/'.length));
  return out.sort();
}

test('a repository without AIO content: no syntax error is BrokerKit’s to report', () => {
  assert.deepEqual(
    syntaxFiles({
      '.github/workflows/ci.yaml': BROKEN_WORKFLOW,
      'manifests/secret.yaml': BROKEN_SECRET,
      'manifests/deployment.yaml': BROKEN_DEPLOYMENT,
    }),
    [],
  );
});

test('what names AIO or cert-manager is reported wherever it is; a Secret or workload beside AIO objects too', () => {
  assert.deepEqual(
    syntaxFiles({
      '.github/workflows/ci.yaml': BROKEN_WORKFLOW,
      'certs/issuer.yaml': BROKEN_ISSUER,
      'broker/listener.yaml': LISTENER,
      'broker/secret.yaml': BROKEN_SECRET,
      'apps/deployment.yaml': BROKEN_DEPLOYMENT,
    }),
    // apps/ is a deployment of its own, without AIO objects; the workflow is never ours.
    ['broker/secret.yaml', 'certs/issuer.yaml'],
  );
  // A kustomization that applies the workload with the listener: it is part of an AIO deployment now.
  assert.deepEqual(
    syntaxFiles({
      'broker/listener.yaml': LISTENER,
      'apps/deployment.yaml': BROKEN_DEPLOYMENT,
      'kustomization.yaml': 'resources:\n- broker/listener.yaml\n- apps/deployment.yaml\n',
    }),
    ['apps/deployment.yaml'],
  );
  // A broken document that still names an AIO kind (its apiVersion line lost) is reported.
  assert.deepEqual(syntaxFiles({ 'x.yaml': 'kind: BrokerListener\nmetadata: {name: x\n' }), ['x.yaml']);
});

test('brokerkit check exits 0 on broken YAML without AIO content, 1 when the broken file can hide AIO content', () => {
  const dir = tempDir('bk-syntax-scope-');
  mkdirSync(join(dir, 'workflows'));
  mkdirSync(join(dir, 'manifests'));
  writeFileSync(join(dir, 'workflows', 'ci.yaml'), BROKEN_WORKFLOW);
  writeFileSync(join(dir, 'manifests', 'secret.yaml'), BROKEN_SECRET);
  const run = () =>
    spawnSync(process.execPath, [join(distDir(), 'cli.js'), 'check', '.'], { cwd: dir, encoding: 'utf8' });
  const clean = run();
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.doesNotMatch(clean.stdout, /yaml-syntax/);
  writeFileSync(join(dir, 'manifests', 'listener.yaml'), LISTENER);
  const ours = run();
  assert.equal(ours.status, 1, ours.stdout + ours.stderr);
  assert.match(ours.stdout, /^manifests\/secret\.yaml:6:1: error yaml-syntax: /m);
  // (The only error: the exit code is the syntax error's.)
  assert.deepEqual(ours.stdout.match(/^\S+: error \S+/gm), ['manifests/secret.yaml:6:1: error yaml-syntax:']);
  assert.doesNotMatch(ours.stdout, /workflows\/ci\.yaml/);
});

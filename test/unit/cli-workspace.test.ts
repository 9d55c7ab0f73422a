// brokerkit check --workspace DIR FILE...: the named files are checked with every YAML file of DIR (what they refer
// to, what clashes with them), and only their findings are reported. The pre-commit hook runs it on staged files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { distDir } from '../helpers/engine';
import { ROOT } from '../helpers/corpus';
import { tempDir } from '../helpers/temp';

const cli = join(distDir(), 'cli.js');
function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = tempDir('bk-cli-ws-');
cpSync(join(ROOT, 'examples', 'demo'), join(dir, 'demo'), { recursive: true });

test('alone, a file misses what it refers to and what it clashes with', () => {
  const r = run(['check', 'demo/listener-external.yaml'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /warning issuer-not-found: /);
  assert.doesNotMatch(r.stdout, /port-conflict/);
});

test('with --workspace, the file is checked with the rest, and only its findings are reported', () => {
  const r = run(['check', '--workspace', '.', 'demo/listener-external.yaml'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^demo\/listener-external\.yaml:\d+:\d+: error port-conflict: .*'nodeport'/m);
  assert.match(r.stdout, /^ {4}demo\/listener-nodeport\.yaml:\d+:\d+: related: /m);
  assert.doesNotMatch(r.stdout, /not-found/);
  assert.doesNotMatch(r.stdout, /^demo\/(?!listener-external)/m);
  assert.match(r.stderr, /^1 file: 1 checked, 0 not checked: 1 error, 0 warnings/m);
  // The same findings as checking the whole folder, restricted to the file.
  const all = run(['check', '--format', 'json', '.'], dir);
  const one = run(['check', '--format', 'json', '--workspace', '.', 'demo/listener-external.yaml'], dir);
  const mine = (JSON.parse(all.stdout) as { file: string }[]).filter((f) => f.file === 'demo/listener-external.yaml');
  assert.deepEqual(JSON.parse(one.stdout), mine);
});

test('--workspace names a folder that does not exist: a clear message, exit 2', () => {
  const r = run(['check', '--workspace', 'nowhere', 'demo/listener-external.yaml'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read 'nowhere'/);
});

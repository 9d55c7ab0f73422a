// The pre-commit hook (.pre-commit-hooks.yaml, id brokerkit) with the real `pre-commit` tool, from a clean copy of this
// repository, installed as pre-commit does for any user (npm install, npm pack, npm install -g), in a git repository
// holding the examples: once with `pre-commit try-repo`, then from a .pre-commit-config.yaml as a real git hook. A
// staged file is checked with what it refers to (the other files of the repository), its errors stop the commit, and
// a file with notes only is committed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/corpus';
import { cleanCopy, git } from '../helpers/clean-copy';
import { tempDir } from '../helpers/temp';

const PRE_COMMIT = '/usr/bin/pre-commit';

function available(t: { skip(msg: string): void }): boolean {
  if (spawnSync(PRE_COMMIT, ['--version']).status === 0) return true;
  const how = 'install it as root: bash scripts/install-system-deps.sh (Debian package pre-commit)';
  if (process.env.CI) throw new Error(`pre-commit is not installed: ${how}`);
  t.skip(`pre-commit is not installed: ${how}`);
  return false;
}

const hookRepo = cleanCopy();
const work = tempDir('brokerkit-pre-commit-');
const target = join(work, 'target');
cpSync(join(ROOT, 'examples'), join(target, 'examples'), { recursive: true });
git(target, 'init', '-q', '-b', 'main');
git(target, 'add', '-A');
after(() => {
  hookRepo.dispose();
  rmSync(work, { recursive: true, force: true });
});

const env = { ...process.env, PRE_COMMIT_HOME: join(work, 'pre-commit-home'), npm_config_update_notifier: 'false' };
// The first run of a hook installs it (npm install in the hook's clone): minutes on a slow machine.
const INSTALL_TIMEOUT = 15 * 60_000;

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: target, encoding: 'utf8', env, timeout: INSTALL_TIMEOUT });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('pre-commit try-repo on all the examples: the demo deployment’s deliberate errors are reported', (t) => {
  if (!available(t)) return;
  const r = run(PRE_COMMIT, ['try-repo', hookRepo.dir, 'brokerkit', '--color', 'never', '--all-files']);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /BrokerKit\.+Failed/);
  for (const code of ['port-conflict', 'node-port-range'])
    assert.match(r.out, new RegExp(`examples/demo/[a-z-]+\\.yaml:\\d+:\\d+: error ${code}: `), code);
  assert.doesNotMatch(r.out, /examples\/howto\/.*: error /);
});

test('installed as a git hook: a staged file with an error stops the commit; what it refers to is found', (t) => {
  if (!available(t)) return;
  const rev = git(hookRepo.dir, 'rev-parse', 'HEAD').trim();
  writeFileSync(
    join(target, '.pre-commit-config.yaml'),
    `repos:\n  - repo: ${hookRepo.dir}\n    rev: ${rev}\n    hooks:\n      - id: brokerkit\n`,
  );
  git(target, 'add', '.pre-commit-config.yaml');
  git(target, 'commit', '-q', '--no-verify', '-m', 'the examples');
  const install = run(PRE_COMMIT, ['install']);
  assert.equal(install.status, 0, install.out);

  // Change one demo listener and stage it alone.
  const file = join(target, 'examples', 'demo', 'listener-external.yaml');
  writeFileSync(file, readFileSync(file, 'utf8') + '# reviewed\n');
  git(target, 'add', 'examples/demo/listener-external.yaml');
  const r = run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-m', 'change']);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /BrokerKit\.+Failed/);
  // The clash with a file that is not staged is found...
  assert.match(r.out, /examples\/demo\/listener-external\.yaml:\d+:\d+: error port-conflict: Port 1884 .*'nodeport'/);
  // ...the issuer, authentication and authorization it names, defined in other files, are found there...
  assert.doesNotMatch(r.out, /issuer-not-found|authentication-not-found|authorization-not-found/);
  // ...and only the staged file is reported.
  assert.doesNotMatch(r.out, /listener-nodeport\.yaml:\d+:\d+: error/);
  git(target, 'reset', '-q', 'HEAD', '--', 'examples/demo/listener-external.yaml');
  git(target, 'checkout', '--', 'examples/demo/listener-external.yaml');
});

test('installed as a git hook: staged files with notes only are committed', (t) => {
  if (!available(t)) return;
  const file = join(target, 'examples', 'howto', 'two-port-loadbalancer', 'two-port-loadbalancer.yaml');
  writeFileSync(file, readFileSync(file, 'utf8') + '# reviewed\n');
  git(target, 'add', '-A');
  const r = run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-m', 'notes only']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /BrokerKit\.+Passed/);
  assert.equal(git(target, 'log', '-1', '--format=%s').trim(), 'notes only');
});

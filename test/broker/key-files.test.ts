// Key and certificate files are never written through something planted at their path: `brokerkit dev-ca` (the real
// bundle) refuses a symlink where its key or certificate goes, names the file, and leaves the link's target alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../helpers/broker';
import { distDir } from '../helpers/engine';
import { tempDir } from '../helpers/temp';

const cli = () => path.join(distDir(), 'cli.js');

test('dev-ca client-cert refuses a symlink planted at the key or certificate path; the target is unchanged', async () => {
  const stateDir = tempDir();
  const outDir = tempDir();
  const issue = () =>
    run(process.execPath, [cli(), 'dev-ca', 'client-cert', 'client', '--state-dir', stateDir, '--out-dir', outDir]);
  const victim = path.join(tempDir(), 'victim');
  fs.writeFileSync(victim, 'precious\n', { mode: 0o644 });
  for (const planted of ['client.key', 'client.crt']) {
    fs.rmSync(path.join(outDir, 'client.key'), { force: true });
    fs.rmSync(path.join(outDir, 'client.crt'), { force: true });
    fs.symlinkSync(victim, path.join(outDir, planted));
    const r = await issue();
    assert.notEqual(r.code, 0, `${planted}: ${r.stdout}`);
    assert.ok(r.stderr.includes(path.join(outDir, planted)), r.stderr);
    assert.match(r.stderr, /symbolic link/);
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY/);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(fs.statSync(victim).mode & 0o777, 0o644);
    assert.ok(fs.lstatSync(path.join(outDir, planted)).isSymbolicLink(), 'the planted link is left as it was');
  }
  // Without anything planted, the same command writes the key 0600 and leaves no temporary file behind.
  fs.rmSync(path.join(outDir, 'client.key'), { force: true });
  fs.rmSync(path.join(outDir, 'client.crt'), { force: true });
  const ok = await issue();
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(fs.statSync(path.join(outDir, 'client.key')).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(outDir).sort(), ['client.crt', 'client.key']);
  // Issuing again replaces our own files (still 0600).
  const again = await issue();
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.statSync(path.join(outDir, 'client.key')).mode & 0o777, 0o600);
  // The CA's own keys in the state folder are 0600 too.
  for (const f of ['ca.key', 'intermediate.key'])
    assert.equal(fs.statSync(path.join(stateDir, 'ca', 'ec', f)).mode & 0o777, 0o600, f);
});

test('dev-ca export --out refuses a symlink planted at the output path', async () => {
  const stateDir = tempDir();
  const dir = tempDir();
  const victim = path.join(dir, 'victim');
  fs.writeFileSync(victim, 'precious\n');
  const out = path.join(dir, 'ca.crt');
  fs.symlinkSync(victim, out);
  const r = await run(process.execPath, [cli(), 'dev-ca', 'export', '--state-dir', stateDir, '--out', out]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.ok(r.stderr.includes(out), r.stderr);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
});

test('a dev CA folder or key that others may read, or that another user owns, is refused with a clear message', async () => {
  const stateDir = tempDir();
  const exp = () => run(process.execPath, [cli(), 'dev-ca', 'export', '--state-dir', stateDir]);
  const first = await exp();
  assert.equal(first.code, 0, first.stderr);
  const key = path.join(stateDir, 'ca', 'ec', 'intermediate.key');
  const before = fs.readFileSync(key, 'utf8');

  fs.chmodSync(stateDir, 0o755);
  let r = await exp();
  assert.notEqual(r.code, 0, r.stdout);
  assert.ok(r.stderr.includes(`permissions 0755 on ${stateDir}`), r.stderr);
  assert.match(r.stderr, /too open/);
  fs.chmodSync(stateDir, 0o700);

  fs.chmodSync(key, 0o640);
  r = await exp();
  assert.notEqual(r.code, 0, r.stdout);
  assert.ok(r.stderr.includes(`permissions 0640 on ${key}`), r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY/);
  fs.chmodSync(key, 0o600);

  if (process.getuid?.() === 0) {
    // Only root can hand a file to someone else; as anyone else this part cannot be set up.
    fs.chownSync(key, 12345, 12345);
    r = await exp();
    assert.notEqual(r.code, 0, r.stdout);
    assert.ok(r.stderr.includes(key) && r.stderr.includes('owned by uid 12345'), r.stderr);
    fs.chownSync(key, 0, 0);
  }
  const ok = await exp();
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(fs.readFileSync(key, 'utf8'), before, 'the CA key is used as it was, never rewritten');
});

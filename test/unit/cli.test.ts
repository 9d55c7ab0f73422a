// Spawns the built CLI (dist/cli.js) and checks stdout, stderr and exit codes for every output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distDir, LISTENER_HEAD } from '../helpers/engine';

const cli = join(distDir(), 'cli.js');
function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bk-cli-'));
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'a.yaml'),
    LISTENER_HEAD('lb', '  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n'),
  );
  writeFileSync(join(dir, 'sub', 'b.yml'), '# nothing to see\n');
  writeFileSync(join(dir, 'node_modules', 'skip.yaml'), 'a: [');
  writeFileSync(join(dir, 'notes.txt'), 'a: [');
  return dir;
}

test('text format: file:line:col: severity code: message, exit 1 with errors', () => {
  const dir = workspace();
  const r = run(['check', '.'], dir);
  assert.equal(r.code, 1, r.stderr);
  const first = r.stdout.split('\n').find((l) => l.includes('port-conflict')) ?? '';
  assert.match(
    first,
    /^a\.yaml:10:11: error port-conflict: Port 18883 is already used by BrokerListener 'default' \(AIO built-in\)/,
  );
  assert.match(r.stderr, /2 file\(s\) checked: 1 error\(s\)/);
  assert.doesNotMatch(r.stdout, /node_modules|notes\.txt/);
});

test('json format: 1-based positions and severities', () => {
  const dir = workspace();
  const r = run(['check', 'a.yaml', 'sub', '--format', 'json'], dir);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  const pc = out.find((f: any) => f.code === 'port-conflict');
  assert.deepEqual(
    {
      file: pc.file,
      line: pc.line,
      column: pc.column,
      endLine: pc.endLine,
      endColumn: pc.endColumn,
      severity: pc.severity,
    },
    { file: 'a.yaml', line: 10, column: 11, endLine: 10, endColumn: 16, severity: 'error' },
  );
  assert.ok(out.every((f: any) => ['error', 'warning', 'info', 'hint'].includes(f.severity)));
});

test('sarif format: version 2.1.0, rules, real regions', () => {
  const dir = workspace();
  const r = run(['check', '.', '--format', 'sarif'], dir);
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.version, '2.1.0');
  const run0 = sarif.runs[0];
  assert.ok(run0.tool.driver.rules.some((x: any) => x.id === 'port-conflict'));
  const res = run0.results.find((x: any) => x.ruleId === 'port-conflict');
  assert.equal(res.level, 'error');
  assert.deepEqual(res.locations[0].physicalLocation.region, {
    startLine: 10,
    startColumn: 11,
    endLine: 10,
    endColumn: 16,
  });
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'a.yaml');
  const rule = run0.tool.driver.rules[res.ruleIndex];
  assert.equal(rule.id, 'port-conflict');
  // Each rule carries its page: linked on the project's home, and the page itself as help.markdown.
  assert.match(rule.helpUri, /^https:\/\/.+\/docs\/rules\/port-conflict\.md$/);
  assert.match(rule.help.markdown, /^# port-conflict\n[\s\S]*## Why it matters[\s\S]*## Sources/);
  assert.match(rule.help.text, /learn\.microsoft\.com/);
  assert.ok(rule.properties.sources.length > 0);
  assert.ok(run0.tool.driver.rules.every((x: any) => x.help.markdown.startsWith(`# ${x.id}\n`)));
});

test('explain: a code prints its page; no code lists them all; an unknown code exits 2 with a suggestion', () => {
  const dir = workspace();
  const page = run(['explain', 'port-conflict'], dir);
  assert.equal(page.code, 0, page.stderr);
  assert.match(page.stdout, /^# port-conflict\n/);
  assert.match(page.stdout, /## Quick fixes[\s\S]*Use the next free port/);
  assert.match(page.stdout, /https:\/\/learn\.microsoft\.com\/azure\/iot-operations\//);
  const list = run(['explain'], dir);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^api-version\s+error\s+An AIO broker object/m);
  assert.match(list.stdout, /^yaml-syntax\s+error/m);
  const json = JSON.parse(run(['explain', 'insecure-port', '--json'], dir).stdout);
  assert.equal(json.severity, 'warning');
  assert.ok(json.sources.every((s: any) => /^https:/.test(s.url) && s.label));
  assert.match(json.markdown, /^# insecure-port/);
  const typo = run(['explain', 'port-confict'], dir);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean 'port-conflict'/);
});

test('--ignore drops codes; a clean run exits 0', () => {
  const dir = workspace();
  const r = run(['check', '.', '--ignore', 'port-conflict', '--format', 'json'], dir);
  const out = JSON.parse(r.stdout);
  assert.ok(!out.some((f: any) => f.code === 'port-conflict'));
  assert.equal(r.code, out.some((f: any) => f.severity === 'error') ? 1 : 0);
  const clean = run(['check', 'sub'], dir);
  assert.equal(clean.code, 0);
  assert.equal(clean.stdout, '');
});

test('bad usage and unreadable input exit 2 with a message on stderr', () => {
  const dir = workspace();
  for (const args of [
    ['check'],
    ['check', '.', '--format', 'xml'],
    ['check', 'missing.yaml'],
    ['nope'],
    ['check', '.', '--bogus'],
  ]) {
    const r = run(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}`);
    assert.ok(r.stderr.trim().length > 0);
    assert.equal(r.stdout, '');
  }
});

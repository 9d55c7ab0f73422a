// Spawns the built CLI (dist/cli.js) and checks stdout, stderr and exit codes for every output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, LISTENER_HEAD } from '../helpers/engine';
import { tempDir } from '../helpers/temp';

const cli = join(distDir(), 'cli.js');
function run(args: string[], cwd: string, input?: string | Buffer) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(): string {
  const dir = tempDir('bk-cli-');
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
  assert.match(r.stderr, /^2 files: 2 checked, 0 not checked: 1 error, 0 warnings, 1 note\.$/m);
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

test('every file is checked or noted as not checked, and the summary counts both with the reasons', () => {
  const dir = tempDir('bk-cli-');
  const clash = LISTENER_HEAD(
    'lb',
    '  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n',
  );
  // A ConfigMap whose message holds braces, beside a listener: data, so the file is checked.
  writeFileSync(
    join(dir, 'braces.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: msg\ndata:\n  message: "{{.SiteName}} is online"\n---\n${clash}`,
  );
  // A chart: its template is not checked (with the way to check it), its Chart.yaml is.
  mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(
    join(dir, 'chart', 'templates', 'listener.yaml'),
    clash.replace('name: lb', 'name: "{{ .Release.Name }}"'),
  );
  // Binaries under YAML names: a small ELF header and the extension's PNG icon.
  writeFileSync(join(dir, 'tool.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  writeFileSync(
    join(dir, 'icon.yaml'),
    readFileSync(join(__dirname, '..', '..', '..', 'media', 'icon.png')).subarray(0, 1500),
  );
  // Nested 5,000 brackets deep: its own note; every other file is still checked.
  writeFileSync(join(dir, 'deep.yaml'), `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
  // Over the limit given on the command line: never read.
  writeFileSync(join(dir, 'big.yaml'), `# ${'x'.repeat(30000)}\n${clash}`);
  // A key the YAML library would warn about on the terminal.
  writeFileSync(join(dir, 'keys.yaml'), '? [a, b]\n: c\n');
  // UTF-16 with its byte order mark is YAML too.
  writeFileSync(
    join(dir, 'utf16.yaml'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(clash.replace('name: lb', 'name: lb16'), 'utf16le')]),
  );
  const r = run(['check', '.', '--max-file-size', '20000', '--format', 'text'], dir);
  assert.equal(r.code, 1, r.stderr);
  const byFile = new Map<string, string[]>();
  for (const line of r.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l))) {
    const [file, , , rest] = line.split(':');
    byFile.set(file, [...(byFile.get(file) ?? []), rest.trim().split(' ')[1]]);
  }
  assert.deepEqual(byFile.get('chart/templates/listener.yaml'), ['helm-template']);
  assert.deepEqual(byFile.get('tool.yaml'), ['binary-file']);
  assert.deepEqual(byFile.get('icon.yaml'), ['binary-file']);
  assert.deepEqual(byFile.get('deep.yaml'), ['nesting-too-deep']);
  assert.deepEqual(byFile.get('big.yaml'), ['file-too-large']);
  assert.ok(byFile.get('braces.yaml')?.includes('port-conflict'), r.stdout);
  assert.ok(byFile.get('utf16.yaml')?.includes('port-conflict'), r.stdout);
  assert.match(
    r.stdout,
    /^chart\/templates\/listener\.yaml:1:1: info helm-template: .*`helm template <release> <chart> \| brokerkit check -`/m,
  );
  assert.match(
    r.stdout,
    /^big\.yaml:1:1: info file-too-large: Not checked: this file is 30,\d{3} bytes, over the limit of 20,000 bytes/m,
  );
  assert.match(
    r.stderr,
    /^9 files: 4 checked, 5 not checked \(1 over the size limit, 2 binary, 1 Helm template, 1 too deeply nested\): \d+ errors, \d+ warnings, \d+ notes\.$/m,
  );
  // Nothing of a library reaches the terminal: stderr is the summary and BrokerKit's own notes (the two LoadBalancer
  // listeners of this folder were checked as alternatives).
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.filter((l) => !l.startsWith('note: ')).length, 1, r.stderr);
  assert.match(lines[1], /^note: \S+: braces\.yaml and utf16\.yaml each give broker 'default'/);
});

test('check - reads standard input (e.g. `helm template ... | brokerkit check -`), named <stdin> in findings', () => {
  const dir = tempDir('bk-cli-');
  const rendered = `---\n# Source: demo/templates/listener.yaml\n${LISTENER_HEAD('lb', '  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n')}`;
  const r = run(['check', '-'], dir, rendered);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^<stdin>:12:11: error port-conflict: /m);
  assert.match(r.stderr, /^1 file: 1 checked, 0 not checked: 1 error/m);
  // JSON and SARIF name it the same way; with files beside it, both are checked together.
  writeFileSync(join(dir, 'other.yaml'), LISTENER_HEAD('np', '  serviceType: NodePort\n  ports:\n  - port: 18883\n'));
  const j = run(['check', '-', 'other.yaml', '--format', 'json'], dir, rendered);
  const files = new Set(JSON.parse(j.stdout).map((f: { file: string }) => f.file));
  assert.deepEqual([...files].sort(), ['<stdin>', 'other.yaml']);
  // Empty input is an empty YAML stream: checked, nothing to say.
  const empty = run(['check', '-'], dir, '');
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stderr, /^1 file: 1 checked, 0 not checked: 0 errors/m);
  // Binary input is noted like a binary file.
  const bin = run(['check', '-'], dir, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
  assert.match(bin.stdout, /^<stdin>:1:1: info binary-file: /m);
  assert.match(bin.stderr, /1 not checked \(1 binary\)/);
});

test('deployments: two arguments never pair, one folder does, --one-deployment pairs everything; findings name it', () => {
  const dir = tempDir('bk-cli-deploy-');
  const lb = (name: string, port: number, type = 'LoadBalancer') =>
    LISTENER_HEAD(name, `  serviceType: ${type}\n  ports:\n  - port: ${port}\n    authenticationRef: default\n`);
  mkdirSync(join(dir, 'samples'));
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'samples', 'a.yaml'), lb('a', 1883));
  writeFileSync(join(dir, 'samples', 'b.yaml'), lb('b', 1883, 'NodePort'));
  writeFileSync(join(dir, 'other', 'c.yaml'), lb('c', 1885));
  const clashes = (args: string[]) =>
    (JSON.parse(run(['check', ...args, '--format', 'json'], dir).stdout) as any[])
      .filter((f) => f.code === 'service-type-conflict' || f.code === 'port-conflict')
      .map((f) => `${f.file} ${f.code} (${f.deployment})`)
      .sort();
  const top = dir.split('/').pop();
  // One folder: one deployment, named in every finding.
  assert.deepEqual(clashes(['samples']), [
    `samples/a.yaml port-conflict (${top}/samples)`,
    `samples/b.yaml port-conflict (${top}/samples)`,
  ]);
  // Its two files named as two arguments, or two folders as two arguments: nothing pairs.
  assert.deepEqual(clashes(['samples/a.yaml', 'samples/b.yaml']), []);
  assert.deepEqual(clashes(['samples/a.yaml', 'other']), []);
  // The whole tree applied as one.
  assert.equal(clashes(['samples/a.yaml', 'other', '--one-deployment']).length, 2);
  assert.deepEqual(
    clashes(['.', '--one-deployment']).map((x) => x.replace(/ \(.*/, '')),
    [
      'other/c.yaml service-type-conflict',
      'samples/a.yaml port-conflict',
      'samples/a.yaml service-type-conflict',
      'samples/b.yaml port-conflict',
    ],
  );
  // Text output names the deployment under the finding.
  const text = run(['check', 'samples'], dir).stdout;
  assert.match(text, /port-conflict: .*\n(?: {4}.*related.*\n)* {4}deployment: \S+\/samples\n/);
});

test('deployments: two files of a folder that each give the broker its LoadBalancer listener are alternatives, and the text output says so', () => {
  const dir = tempDir('bk-cli-alt-');
  const lb = (name: string, port: number) =>
    LISTENER_HEAD(name, `  serviceType: LoadBalancer\n  ports:\n  - port: ${port}\n    authenticationRef: default\n`);
  mkdirSync(join(dir, 'statestore'));
  writeFileSync(join(dir, 'statestore', 'listener-open.yml'), lb('open', 1883));
  writeFileSync(join(dir, 'statestore', 'listener-x509.yml'), lb('x509', 8883));
  const codes = (args: string[]) =>
    (JSON.parse(run(['check', ...args, '--format', 'json'], dir).stdout) as any[]).map((f) => f.code);
  assert.ok(!codes(['statestore']).includes('service-type-conflict'));
  const r = run(['check', 'statestore'], dir);
  assert.match(
    r.stderr,
    /note: \S*statestore: listener-open\.yml and listener-x509\.yml each give broker 'default' \(namespace azure-iot-operations\) its LoadBalancer listener, which a broker has one of: checked as alternatives, not with each other \(list them in a kustomization, or use --one-deployment, to check them together\)/,
  );
  // A file name with " with " in it does not cut the folder's name short.
  mkdirSync(join(dir, 'edge'));
  writeFileSync(join(dir, 'edge', 'listener with tls.yml'), lb('tls', 8883));
  writeFileSync(join(dir, 'edge', 'listener with plain.yml'), lb('plain', 1883));
  assert.match(run(['check', 'edge'], dir).stderr, /note: \S*edge: listener with (plain|tls)\.yml and listener/);
  // A demanding user who applies the whole folder says so, and gets the clash.
  assert.equal(codes(['statestore', '--one-deployment']).filter((c) => c === 'service-type-conflict').length, 2);
  // Listed together by a kustomization: applied together, the clash is reported.
  writeFileSync(
    join(dir, 'statestore', 'kustomization.yaml'),
    'resources:\n- listener-open.yml\n- listener-x509.yml\n',
  );
  assert.equal(codes(['statestore']).filter((c) => c === 'service-type-conflict').length, 2);
});

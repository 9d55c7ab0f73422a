// The command line as an npm package: `npm pack` on a clean copy of the repository builds the CLI and packs it with
// its rule pages and schemas; in a new project, `npm install <tarball>` brings nothing else (the CLI is one bundle),
// `npx brokerkit` checks files, explains a rule from the page in the package, and serves LSP with links to that page.
// `npx --package <tarball> brokerkit` runs it without installing it into the project.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../helpers/corpus';
import { cleanCopy } from '../helpers/clean-copy';
import { LspClient, pathToFileUri } from '../helpers/lsp-client';
import { tempDir } from '../helpers/temp';

const copy = cleanCopy({ nodeModules: true });
const work = tempDir('brokerkit-npx-');
after(() => {
  copy.dispose();
  rmSync(work, { recursive: true, force: true });
});

const npm = (cwd: string, ...args: string[]) =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

let tarball = '';
const project = join(work, 'project');

test('npm pack builds the CLI and packs it with the rule pages and schemas, nothing else', () => {
  const r = npm(copy.dir, 'pack', '--json', '--pack-destination', work);
  assert.equal(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  assert.ok(existsSync(tarball));
  const files = info.files.map((f) => f.path).sort();
  assert.ok(files.includes('dist/cli.js'), files.join(' '));
  assert.ok(files.includes('docs/rules/port-conflict.md'));
  assert.ok(files.includes('schemas/brokerlistener.json'));
  assert.ok(files.includes('README.md') && files.includes('LICENSE') && files.includes('package.json'));
  const unexpected = files.filter(
    (f) =>
      !/^(dist\/cli\.js|docs\/rules\/[a-z0-9-]+\.md|schemas\/[a-z]+\.json|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(
        f,
      ),
  );
  assert.deepEqual(unexpected, []);
});

test('npm install <tarball> in a new project: npx brokerkit checks, explains and knows its version', () => {
  assert.ok(tarball, 'the tarball from the test above');
  cpSync(join(ROOT, 'examples', 'demo'), join(project, 'demo'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-brokerkit', private: true }) + '\n');
  const inst = npm(project, 'install', '--no-audit', '--no-fund', tarball);
  assert.equal(inst.status, 0, inst.stderr);
  // The CLI is a single bundle: installing it brings no other package.
  assert.deepEqual(
    readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.')),
    ['brokerkit'],
  );

  const check = npm(project, 'exec', '--no', '--', 'brokerkit', 'check', 'demo');
  assert.equal(check.status, 1, check.stderr); // the demo's deliberate errors
  assert.match(check.stdout, /^demo\/listener-external\.yaml:\d+:\d+: error port-conflict: /m);
  assert.match(check.stderr, /\d+ files: \d+ checked/);

  const explain = npm(project, 'exec', '--no', '--', 'brokerkit', 'explain', 'port-conflict');
  assert.equal(explain.status, 0, explain.stderr);
  assert.equal(
    explain.stdout.trim(),
    readFileSync(join(ROOT, 'docs', 'rules', 'port-conflict.md'), 'utf8').trim(),
    'explain prints the page shipped in the package',
  );

  const version = execFileSync(join(project, 'node_modules', '.bin', 'brokerkit'), ['--version'], { encoding: 'utf8' });
  assert.equal(version.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

test('the installed package serves LSP; its rule links point at the pages inside the package', async () => {
  const client = await LspClient.start({
    command: join(project, 'node_modules', '.bin', 'brokerkit'),
    args: ['lsp', '--stdio'],
    cwd: project,
    rootPath: join(project, 'demo'),
    timeoutMs: 120_000,
  });
  try {
    const uri = pathToFileUri(join(project, 'demo', 'listener-external.yaml'));
    const p = await client.diagnosticsFor(uri, (d) => d.diagnostics.some((x) => x.code === 'port-conflict'));
    const d = p.diagnostics.find((x) => x.code === 'port-conflict')!;
    const page = fileURLToPath(d.codeDescription!.href);
    assert.equal(page, join(project, 'node_modules', 'brokerkit', 'docs', 'rules', 'port-conflict.md'));
    assert.match(readFileSync(page, 'utf8'), /^# port-conflict\n/);
  } finally {
    await client.shutdown();
  }
});

test('npx --package <tarball> brokerkit runs without installing into the project', () => {
  const empty = join(work, 'empty');
  cpSync(join(ROOT, 'examples', 'demo', 'listener-external.yaml'), join(empty, 'a.yaml'));
  const r = npm(empty, 'exec', '--yes', '--package', tarball, '--', 'brokerkit', 'check', 'a.yaml');
  assert.equal(r.status, 0, r.stderr); // one file alone: warnings about what it refers to, no error
  assert.match(r.stdout, /a\.yaml:\d+:\d+: warning issuer-not-found: /);
  assert.ok(!existsSync(join(empty, 'node_modules')));
});

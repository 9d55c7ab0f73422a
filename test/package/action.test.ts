// The GitHub Action (action.yml): a composite action whose inputs are documented and all used, which builds the CLI,
// runs `brokerkit check --format sarif` and uploads the report with github/codeql-action/upload-sarif. Its check step
// runs here as GitHub runs it (bash -e -o pipefail, inputs as environment variables, outputs in $GITHUB_OUTPUT) on a
// copy of the examples, with the CLI this build made.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { ROOT } from '../helpers/corpus';
import { tempDir } from '../helpers/temp';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const action = YAML.parse(text) as Action;
const work = tempDir('brokerkit-action-');
after(() => rmSync(work, { recursive: true, force: true }));

test('action.yml: a composite action with documented inputs and outputs that checks and uploads SARIF', () => {
  assert.equal(typeof action.name, 'string');
  assert.ok(action.description.length > 40);
  assert.equal(action.runs.using, 'composite');
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.match(name, /^[a-z][a-z0-9-]*$/);
    assert.ok(input.description?.length > 10, `input ${name} is documented`);
    assert.ok(input.required === true || input.default !== undefined, `input ${name} has a default`);
  }
  for (const [name, output] of Object.entries(action.outputs)) {
    assert.ok(output.description?.length > 5, `output ${name} is documented`);
    assert.match(output.value, /^\$\{\{ steps\.[a-z]+\.outputs\.[a-z-]+ \}\}$/);
  }
  // Every input is used, and every expression names an input that exists.
  const used = new Set([...text.matchAll(/\binputs\.([a-z0-9-]+)/g)].map((m) => m[1]));
  assert.deepEqual([...used].sort(), Object.keys(action.inputs).sort());
  // Every step either uses an action at a fixed major version or runs bash, with nothing pasted into its script.
  for (const s of action.runs.steps) {
    if (s.uses) assert.match(s.uses, /^[\w-]+\/[\w/-]+@v\d+$/, s.uses);
    else {
      assert.equal(s.shell, 'bash', s.name);
      assert.ok(s.run && !s.run.includes('${{'), `${s.name}: inputs reach the script as environment variables`);
    }
  }
  const check = action.runs.steps.find((s) => s.id === 'check')!;
  assert.match(check.run!, /check \$INPUT_PATHS \$INPUT_ARGS --format sarif/);
  const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
  assert.ok(upload, 'uploads with github/codeql-action/upload-sarif');
  assert.match(upload.with!.sarif_file, /steps\.check\.outputs\.sarif-file/);
  assert.match(upload.if!, /always\(\)/);
  // The README documents every input.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const undocumented = Object.keys(action.inputs).filter((name) => !readme.includes(`| \`${name}\` |`));
  assert.deepEqual(undocumented, [], 'inputs missing from the README table');
});

/** Runs the check step's script as GitHub does, in a copy of the examples; returns its exit code and outputs. */
function runCheckStep(inputs: Record<string, string>) {
  const step = action.runs.steps.find((s) => s.id === 'check')!;
  const dist = resolve(ROOT, process.env.BROKERKIT_DIST || 'dist');
  assert.ok(existsSync(join(dist, 'cli.js')), 'the CLI is built (npm run build)');
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])),
    ...inputs,
  };
  const expr = (v: string) =>
    v
      .replace(/\$\{\{ github\.action_path \}\}\/dist/g, dist)
      .replace(/\$\{\{ inputs\.([a-z0-9-]+) \}\}/g, (_, n: string) => values[n] ?? '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expr(v);
  const dir = tempDir('run-', work);
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  const output = join(dir, 'github-output');
  writeFileSync(output, '');
  const script = join(dir, 'step.sh');
  writeFileSync(script, step.run!);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: resolve(dir, expr(step['working-directory'] ?? '.')),
    encoding: 'utf8',
    env: { ...process.env, ...env, GITHUB_OUTPUT: output },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, dir };
}

test('the check step writes SARIF for the examples and counts the errors; errors do not fail the step itself', () => {
  const r = runCheckStep({ paths: 'examples', args: '--ignore insecure-port', 'sarif-file': 'report.sarif' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.equal(r.outputs['sarif-file'], 'report.sarif');
  const sarif = JSON.parse(readFileSync(join(r.dir, 'report.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0].results as { ruleId: string; level: string }[];
  assert.ok(results.some((x) => x.ruleId === 'port-conflict' && x.level === 'error'));
  assert.ok(!results.some((x) => x.ruleId === 'insecure-port'), 'args reach brokerkit check');
  assert.equal(Number(r.outputs.errors), results.filter((x) => x.level === 'error').length);
  assert.equal(Number(r.outputs.warnings), results.filter((x) => x.level === 'warning').length);
  assert.ok(Number(r.outputs.errors) > 0);
  assert.match(r.stdout, new RegExp(`BrokerKit: ${r.outputs.errors} errors, ${r.outputs.warnings} warnings`));
});

test('a clean folder gives zero errors; a bad option fails the step with an annotation', () => {
  const clean = runCheckStep({ paths: 'examples/howto/two-port-loadbalancer' });
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal(clean.outputs.errors, '0');
  const bad = runCheckStep({ args: '--format-typo x' });
  assert.equal(bad.status, 2, bad.stderr + bad.stdout);
  assert.match(bad.stdout, /::error::brokerkit check could not run \(exit 2\)/);
  assert.equal(bad.outputs['sarif-file'], undefined);
});

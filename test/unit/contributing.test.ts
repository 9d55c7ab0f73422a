// CONTRIBUTING.md stays true: every repository path it names exists, every npm script it runs is defined, and the
// suites it lists are the ones test/run.mjs runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/corpus';

const text = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');

test('every path CONTRIBUTING.md names exists', () => {
  const quoted = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  const tree = [...text.matchAll(/^([a-z][\w.-]*(?:\/[\w.*-]+)*\/?)\s{2,}/gm)].map((m) => m[1]);
  const paths = [...quoted, ...tree].filter(
    (p) => /^(client|server|docs|test|bench|scripts|schemas|examples|\.ci)\//.test(p) && !/[<*]/.test(p),
  );
  assert.ok(paths.length > 20, `paths found: ${paths.length}`);
  const missing = [...new Set(paths)].filter(
    (p) => !existsSync(join(ROOT, p.replace(/\.js$/, '.ts'))) && !existsSync(join(ROOT, p)),
  );
  assert.deepEqual(missing, []);
});

test('the npm scripts it runs are defined, and it lists the suites test/run.mjs runs', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const used = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
  assert.ok(used.length > 3);
  assert.deepEqual(
    used.filter((s) => !scripts[s]),
    [],
  );
  const runner = readFileSync(join(ROOT, 'test', 'run.mjs'), 'utf8');
  const suites = [.../const all = \[([^\]]*)\]/.exec(runner)![1].matchAll(/'([a-z0-9]+)'/g)].map((m) => m[1]);
  assert.ok(suites.length >= 6, suites.join(' '));
  assert.ok(text.includes(`one suite: ${suites.join(' ')}\n`), `CONTRIBUTING.md lists the suites ${suites.join(' ')}`);
});

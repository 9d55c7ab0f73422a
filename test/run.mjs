// Runs the test suites with node's own test runner on the transpiled files in out/.
// --test-force-exit: a test file whose tests all finished must not hold the run open (a leaked handle is a bug to
// fix, but it must never turn a green run into a CI time-out).
// Usage: node test/run.mjs [suite...]   (suites: unit protocol kube broker e2e package; default: all)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const all = ['unit', 'protocol', 'kube', 'broker', 'e2e', 'package'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : (process.env.BROKERKIT_SUITES?.split(',') ?? all);
const files = [];
function walk(dir) {
  if (!existsSync(dir)) return;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.js')) files.push(p);
  }
}
const OUT = process.env.BROKERKIT_OUT || 'out';
for (const s of wanted) walk(join(OUT, 'test', s));
if (files.length === 0) {
  console.error('no test files found for', wanted.join(', '));
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-force-exit', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);

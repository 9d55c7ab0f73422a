// Precision on whole public repositories (test/fixtures/real-repos, sources and licences in its SOURCES.md): the CLI
// runs on each tree as a user who opens that folder would (`brokerkit check .` from inside it), and every finding it
// prints must be one that was reviewed and recorded in expected.json with the reason it is true. A new finding fails
// (it is a false positive to fix, or a true one to review and record), and so does a recorded one that went away.
// A reviewed false positive that is not fixed yet is recorded with `falsePositive: true` and why it is false: it is a
// known bug, and fixing it makes this test fail until the entry is removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/corpus';
import { distDir } from '../helpers/engine';

const REPOS = join(ROOT, 'test', 'fixtures', 'real-repos');
const cli = join(distDir(), 'cli.js');

interface Expected {
  file: string;
  line: number;
  code: string;
  message: string;
  reason: string;
  falsePositive?: boolean;
}
const EXPECTED = JSON.parse(readFileSync(join(REPOS, 'expected.json'), 'utf8')) as Record<string, Expected[]>;

const key = (f: { file: string; line: number; code: string; message: string }) =>
  `${f.file}:${f.line} ${f.code}: ${f.message}`;

test('every vendored repository has its reviewed list, and every recorded finding its reason', () => {
  const folders = readdirSync(REPOS).filter((n) => n.includes('__') && statSync(join(REPOS, n)).isDirectory());
  assert.deepEqual(folders.sort(), Object.keys(EXPECTED).sort());
  for (const [repo, list] of Object.entries(EXPECTED))
    for (const f of list) assert.ok(f.reason && f.reason.trim().length > 10, `${repo}: ${key(f)} has no reason`);
});

for (const repo of Object.keys(EXPECTED)) {
  test(`brokerkit check . in ${repo}: exactly the reviewed findings`, () => {
    const r = spawnSync(process.execPath, [cli, 'check', '.', '--format', 'json'], {
      cwd: join(REPOS, repo),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const findings = JSON.parse(r.stdout) as (Expected & { severity: string })[];
    const got = findings.map(key).sort();
    const want = EXPECTED[repo].map(key).sort();
    const unreviewed = got.filter((g) => !want.includes(g));
    const gone = want.filter((w) => !got.includes(w));
    assert.deepEqual({ unreviewed, gone }, { unreviewed: [], gone: [] });
    assert.equal(r.status, findings.some((f) => f.severity === 'error') ? 1 : 0, 'exit code');
  });
}

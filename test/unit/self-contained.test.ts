// The repository stands on its own: no tracked file reads from or cites material that is not in it (a folder beside
// the clone, private notes), and comments, messages and documents say what the code does rather than how it came to
// be (work-item numbers, ids of planning notes). Vendored third-party files (test/fixtures, schemas/crds) are others'
// words and are left as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/corpus';

// Written in pieces so that this file does not match itself.
const md = (name: string) => `${name}\\.md`;
const FORBIDDEN: { what: string; re: RegExp }[] = [
  {
    what: 'a path beside the repository',
    re: new RegExp(['\\.\\./', 'shared|', 'shared/', '(reference|corpus)'].join('')),
  },
  {
    what: 'a private note',
    re: new RegExp(`\\b(${[md('domain'), md('crd-facts'), md('scenarios'), md('infra'), md('style')].join('|')})`),
  },
  { what: 'a work-item number', re: new RegExp('\\b[Ii]ssues? #?[0-9]+\\b') },
  { what: 'a folder of one machine', re: new RegExp(['(^|[\\s\'"`(=])/(work|root|home/[a-z]', ')/'].join('')) },
  { what: 'a source id of a note', re: new RegExp('\\(S[0-9]{1,2}[,;)]|\\bS[0-9]{1,2}:') },
  { what: 'a scenario id', re: new RegExp('[Ss]cenario [A-Z]\\.[0-9]') },
  { what: 'a section id of a note', re: new RegExp('\\([A-G]\\.?[0-9]{1,2}([,;)]| |-)') },
];
const SKIP = [/^test\/fixtures\//, /^schemas\/crds\//, /^package-lock\.json$/, /^node_modules\//];

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter(Boolean);
  } catch {
    // Not a git checkout (an unpacked archive): every file except build output and dependencies.
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        if (['node_modules', '.git', 'out', 'dist', 'test-results', '.bench'].includes(n) || n.startsWith('out-'))
          continue;
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else out.push(relative(ROOT, p).split('\\').join('/'));
      }
    };
    walk(ROOT);
    return out;
  }
}

test('no tracked file refers to material outside the repository or to how the project was developed', () => {
  const files = trackedFiles().filter((f) => !SKIP.some((re) => re.test(f)));
  assert.ok(files.length > 100, `files looked at: ${files.length}`);
  const hits: string[] = [];
  for (const f of files) {
    const buf = readFileSync(join(ROOT, f));
    if (buf.includes(0)) continue; // binary (images)
    const lines = buf.toString('utf8').split('\n');
    lines.forEach((line, i) => {
      for (const { what, re } of FORBIDDEN) if (re.test(line)) hits.push(`${f}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
});

test('the patterns catch what they are meant to catch', () => {
  // Built from pieces, like the patterns, so that the scan above does not find them here.
  const samples = [
    ['// see ../', 'sha', 'red/reference/crds'],
    ['// (', 'domain', '.md B9)'],
    ['// added for is', 'sue 12'],
    ['// sources (S', '16, S17)'],
    ['// how-to scen', 'ario A.4'],
    ['// the default listener (A', '.8)'],
    ['const dir = "/wo', 'rk/main/examples"'],
    ['see /ro', 'ot/.cache/brokerkit'],
  ].map((parts) => parts.join(''));
  for (const s of samples)
    assert.ok(
      FORBIDDEN.some(({ re }) => re.test(s)),
      s,
    );
  for (const s of [
    'press F1',
    "'A1.example.com'",
    'port 18883 (TLS)',
    'see docs/rules/schema.md',
    '~/.cache/brokerkit',
    'server/src/work/x',
  ])
    assert.ok(!FORBIDDEN.some(({ re }) => re.test(s)), s);
});

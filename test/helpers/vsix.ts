// The packaged extension for tests: `scripts/package.mjs` builds it (production bundles, vsce, allowlist).
// Built once per set of inputs: the result is kept in the temp folder under a hash of everything that goes into it,
// so the unit packaging test and every e2e test file share one build. BROKERKIT_VSIX=<file> uses a given package.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const INPUTS = [
  'client/src',
  'server/src',
  'schemas',
  'docs/rules',
  'syntaxes',
  'media',
  'package.json',
  'package-lock.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  '.vscodeignore',
  'esbuild.mjs',
  'scripts/package.mjs',
];

function hashInputs(root: string): string {
  const h = createHash('sha256');
  const add = (p: string) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const n of readdirSync(p).sort()) add(join(p, n));
      return;
    }
    h.update(p.slice(root.length)).update('\0').update(readFileSync(p)).update('\0');
  };
  for (const i of INPUTS) add(join(root, i));
  return h.digest('hex').slice(0, 16);
}

/** Absolute path of a .vsix built from the current sources (repo root = the current directory). */
export function packagedVsix(root = process.cwd()): string {
  if (process.env.BROKERKIT_VSIX) return resolve(process.env.BROKERKIT_VSIX);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const dir = join(tmpdir(), 'brokerkit-vsix', hashInputs(root));
  const file = join(dir, `${pkg.name}-${pkg.version}.vsix`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--quiet', '--out', tmp], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`packaging failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  renameSync(tmp, file); // atomic: a concurrent run sees either no file or a complete one
  prune(dirname(dir), dir);
  return file;
}

/** Removes packages of earlier sources that nobody has built for a day. */
function prune(parent: string, keep: string): void {
  for (const n of readdirSync(parent)) {
    const p = join(parent, n);
    try {
      if (p !== keep && Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { recursive: true, force: true });
    } catch {
      /* raced */
    }
  }
}

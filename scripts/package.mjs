// `npm run package`: builds the production bundles (minified, no source maps) and packs brokerkit-<version>.vsix
// with @vscode/vsce, offline. The work happens in a staging folder that holds only what .vscodeignore allows, so
// the repo's own dist/ (and everybody's dist-<name>/) stays untouched and nothing unlisted can slip into the package.
//
// Usage: node scripts/package.mjs [--out <file.vsix>] [--quiet]
//   default output: ./brokerkit-<version>.vsix (gitignored)
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const outIdx = args.indexOf('--out');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(outIdx >= 0 ? args[outIdx + 1] : join(root, `${pkg.name}-${pkg.version}.vsix`));
const MAX_BYTES = 3 * 1024 * 1024;

// What ships besides the bundles: the top-level entries that .vscodeignore allows back in (`!path` lines). The
// allowlist is the one source of truth; vsce applies it again inside the staging folder.
const allowlist = readFileSync(join(root, '.vscodeignore'), 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.startsWith('!'))
  .map(
    (l) =>
      l
        .slice(1)
        .replace(/^\.?\//, '')
        .split('/')[0],
  );
const shipped = [...new Set(['.vscodeignore', ...allowlist])].filter((f) => f !== 'dist' && !/[*?[]/.test(f));

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    process.stderr.write(
      `${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ?? ''}\n`,
    );
    process.exit(1);
  }
  return r;
}

const stage = mkdtempSync(join(tmpdir(), 'brokerkit-package-'));
try {
  for (const f of shipped) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f), { recursive: true });
  // package.json's `files` is the npm package's list (the command line); the .vsix has .vscodeignore, and vsce refuses
  // both at once.
  const manifest = { ...pkg };
  delete manifest.files;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  // Production bundles straight into the staging folder; the plain transpile (out/) goes to a throw-away folder.
  run(process.execPath, [join(root, 'esbuild.mjs'), '--production'], {
    env: { ...process.env, BROKERKIT_DIST: join(stage, 'dist'), BROKERKIT_OUT: join(stage, '.out') },
  });
  rmSync(join(stage, '.out'), { recursive: true, force: true });
  for (const b of ['extension.js', 'server.js', 'server-main.js', 'kube.js', 'cli.js']) {
    if (!existsSync(join(stage, 'dist', b))) {
      process.stderr.write(`bundle dist/${b} was not built\n`);
      process.exit(1);
    }
  }

  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const tmpOut = join(stage, 'package.vsix');
  // Relative links in the README stay relative: they resolve inside the installed extension (no repository URL).
  const argv = [
    vsce,
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--out',
    tmpOut,
  ];
  const r = run(process.execPath, argv, { cwd: stage, env: { ...process.env, VSCE_TELEMETRY: 'off' } });
  if (!quiet) process.stdout.write(r.stdout);

  const size = statSync(tmpOut).size;
  if (size > MAX_BYTES) {
    process.stderr.write(`${out}: ${size} bytes, over the 3 MB budget\n`);
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(tmpOut, out);
  if (!quiet) process.stdout.write(`${out} (${(size / 1024).toFixed(0)} KiB)\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

// Two kinds of output:
//  dist/  bundles that ship: the extension (thin client), the language server, the CLI.
//  out/   a plain transpile of every TypeScript file (sources and tests) for `node --test`.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync, mkdirSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateValidators } from './scripts/gen-validators.mjs';

const production = process.argv.includes('--production');
// BROKERKIT_DIST / BROKERKIT_OUT let parallel work trees on one machine build without clobbering each other.
const DIST = process.env.BROKERKIT_DIST || 'dist';
const OUT = process.env.BROKERKIT_OUT || 'out';
/** In the server bundle, lsp/cluster.ts's `require('../kube')` loads dist/kube.js at run time instead of inlining it. */
const kubeApart = {
  name: 'kube-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/kube$/ }, (args) =>
      /[\\/]lsp[\\/]cluster\.ts$/.test(args.importer) ? { path: './kube.js', external: true } : undefined,
    );
  },
};
/** dist/server.js (lsp/boot.ts) loads dist/server-main.js at run time, through the code cache. */
const mainApart = {
  name: 'server-main-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/server-main\.js$/ }, () => ({ path: './server-main.js', external: true }));
  },
};
// The schemas' validation code (engine/schema.ts imports it), generated from schemas/*.json before anything is built.
generateValidators();

const bundles = [
  { in: 'client/src/extension.ts', out: `${DIST}/extension.js`, external: ['vscode'] },
  // The language server loads the Kubernetes client only when a cluster view opens (lsp/cluster.ts), so it is a
  // bundle of its own: dist/server.js stays small and starts fast (bench/lsp.ts measures initialize).
  { in: 'server/src/lsp/main.ts', out: `${DIST}/server-main.js`, plugins: [kubeApart] },
  { in: 'server/src/lsp/boot.ts', out: `${DIST}/server.js`, plugins: [mainApart] },
  { in: 'server/src/kube/index.ts', out: `${DIST}/kube.js` },
  { in: 'server/src/cli/main.ts', out: `${DIST}/cli.js`, banner: '#!/usr/bin/env node' },
];

function walk(dir, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures') walk(p, acc);
    } else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) acc.push(p);
  }
  return acc;
}

const common = {
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  sourcemap: production ? false : 'linked',
};

await Promise.all(
  bundles
    .filter((b) => existsSync(b.in))
    .map((b) =>
      esbuild.build({
        ...common,
        entryPoints: [b.in],
        outfile: b.out,
        bundle: true,
        external: b.external ?? [],
        plugins: b.plugins ?? [],
        minify: production,
        banner: b.banner ? { js: b.banner } : undefined,
        mainFields: ['module', 'main'],
      }),
    ),
);

rmSync(OUT, { recursive: true, force: true });
await esbuild.build({
  ...common,
  entryPoints: [...walk('client/src'), ...walk('server/src'), ...walk('test'), ...walk('bench')].filter(
    (p) => !p.startsWith('client/'),
  ),
  outdir: OUT,
  outbase: '.',
  bundle: false,
  sourcemap: 'inline',
});
mkdirSync(OUT, { recursive: true });
cpSync('schemas', `${OUT}/schemas`, { recursive: true });

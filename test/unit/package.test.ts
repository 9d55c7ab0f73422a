// The .vsix that `npm run package` produces: only the allowlisted files, production bundles, within the size budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { packagedVsix } from '../helpers/vsix';
import { listZip, readEntry } from '../helpers/zip';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// The bundles that ship are the `!dist/<name>.js` lines of the .vscodeignore allowlist.
const bundles = readFileSync('.vscodeignore', 'utf8')
  .split(/\r?\n/)
  .map((l) => /^!\.?\/?dist\/([\w.-]+)\.js$/.exec(l.trim())?.[1])
  .filter((b): b is string => !!b);

test('the packaged extension ships the bundles and manifest, nothing else', { timeout: 180_000 }, () => {
  const vsix = packagedVsix();
  const size = statSync(vsix).size;
  assert.ok(size <= 3 * 1024 * 1024, `${vsix} is ${size} bytes, over 3 MB`);

  const names = listZip(vsix).map((e) => e.name);
  assert.ok(bundles.includes('extension') && bundles.includes('server'), `.vscodeignore lists the bundles: ${bundles}`);
  for (const required of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    ...bundles.map((b) => `extension/dist/${b}.js`),
  ]) {
    assert.ok(names.includes(required), `${required} missing from the package: ${names.join(', ')}`);
  }
  if (pkg.icon) assert.ok(names.includes(`extension/${pkg.icon}`), `icon ${pkg.icon} missing`);
  // Every rule's page ships, so the code link in the Problems panel opens it offline.
  for (const page of readdirSync('docs/rules').filter((n) => n.endsWith('.md')))
    assert.ok(names.includes(`extension/docs/rules/${page}`), `rule page ${page} missing`);
  for (const g of pkg.contributes?.grammars ?? []) {
    assert.ok(names.includes(`extension/${g.path.replace(/^\.\//, '')}`), `grammar ${g.path} missing`);
  }

  const forbidden = names.filter(
    (n) =>
      /\.map$|\.tsx?$|(^|\/)(test|tests|src|node_modules|out|bench|scripts|\.ci|examples)\//.test(n) ||
      /(^|\/)\.[^/]+$/.test(n) ||
      /\.vsix$/.test(n) ||
      /tsconfig|esbuild\.mjs/.test(n),
  );
  assert.deepEqual(forbidden, [], `files that must not ship: ${forbidden.join(', ')}`);

  // Every file outside dist/ is on the allowlist of top-level manifest files and asset folders.
  const allowed =
    /^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|schemas\/[^/]+\.json|docs\/rules\/[a-z0-9-]+\.md|syntaxes\/[^/]+\.json|media\/.+))$/;
  assert.deepEqual(
    names.filter((n) => !allowed.test(n) && !bundles.some((b) => n === `extension/dist/${b}.js`)),
    [],
  );
});

test('the bundles in the package are minified production builds without source maps', { timeout: 180_000 }, () => {
  const vsix = packagedVsix();
  for (const b of bundles) {
    const js = readEntry(vsix, `extension/dist/${b}.js`).toString('utf8');
    assert.doesNotMatch(js, /sourceMappingURL/, `${b}.js refers to a source map`);
    // A plain esbuild bundle names each module's source in a comment (`// server/src/...`); a minified one does not.
    assert.doesNotMatch(
      js,
      /^\s*\/\/ (client|server|node_modules)\//m,
      `${b}.js has module path comments; not minified`,
    );
    const lines = js.split('\n').length;
    assert.ok(js.length / lines > 500, `${b}.js: ${lines} lines for ${js.length} bytes; not minified?`);
  }
  const manifest = JSON.parse(readEntry(vsix, 'extension/package.json').toString('utf8'));
  assert.equal(manifest.name, pkg.name);
  assert.equal(manifest.version, pkg.version);
  assert.equal(manifest.main, './dist/extension.js');
});

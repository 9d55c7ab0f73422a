// The README's rule table is generated from the rule registry; this fails when they drift (run `npm run docs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withTable } from '../helpers/readme-rules';
import { allRules } from '../../server/src/engine';

test('README rule table matches the rule registry', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(readme, withTable(readme), 'README rule table is stale: run `npm run docs`');
  for (const r of allRules) assert.match(readme, new RegExp(`id="rule-${r.code}"`));
});

test('every rule has a kebab-case code, a title and at least one public source', () => {
  const seen = new Set<string>();
  for (const r of allRules) {
    assert.match(r.code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(!seen.has(r.code), `duplicate code ${r.code}`);
    seen.add(r.code);
    assert.ok(r.title.length > 10, r.code);
    assert.ok(r.sources.length > 0, `${r.code}: sources`);
    for (const u of r.sources) assert.match(u, /^https:\/\//, `${r.code}: ${u}`);
  }
});

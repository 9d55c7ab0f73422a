// One source of truth for settings: server/src/settings.ts's defaults and package.json's contributes.configuration
// must agree on names, types, defaults and allowed values. This test fails on any drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS_SECTION, normalizeSettings, settingsDefaults } from '../../server/src/settings';

interface Prop {
  type: string;
  default: unknown;
  enum?: unknown[];
  description?: string;
  items?: { type: string };
}

function flatten(
  o: Record<string, unknown>,
  prefix: string,
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length)
      flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, Prop>;
const ours = Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith(`${SETTINGS_SECTION}.`)));

test('package.json declares exactly the settings the code has, with the same defaults', () => {
  const code = flatten(settingsDefaults as unknown as Record<string, unknown>, `${SETTINGS_SECTION}.`);
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(code).sort());
  for (const [key, p] of Object.entries(ours)) {
    assert.deepEqual(p.default, code[key], `default of ${key}`);
    const t = Array.isArray(code[key]) ? 'array' : typeof code[key];
    assert.equal(p.type === 'integer' ? 'number' : p.type, t, `type of ${key}`);
    assert.ok(p.description && p.description.length > 10, `${key} is documented`);
    if (p.enum) assert.ok(p.enum.includes(p.default), `${key}: the default is an allowed value`);
  }
});

test('every allowed value of an enum setting survives normalisation, other values fall back to the default', () => {
  for (const [key, p] of Object.entries(ours)) {
    if (!p.enum) continue;
    const path = key.slice(SETTINGS_SECTION.length + 1).split('.');
    const build = (v: unknown) => path.reduceRight<unknown>((acc, k) => ({ [k]: acc }), v);
    for (const v of p.enum)
      assert.deepEqual(
        flatten(normalizeSettings(build(v)) as unknown as Record<string, unknown>, '')[path.join('.')],
        v,
      );
    assert.deepEqual(
      flatten(normalizeSettings(build('not-a-value')) as unknown as Record<string, unknown>, '')[path.join('.')],
      p.default,
    );
  }
});

test('settings of the wrong type are replaced by the defaults', () => {
  assert.deepEqual(
    normalizeSettings({ defaultNamespace: 5, assumeBuiltins: 'true', exclude: 'x', maxFileSize: -1, trace: 'verbose' }),
    settingsDefaults,
  );
  assert.deepEqual(normalizeSettings(null), settingsDefaults);
  assert.deepEqual(normalizeSettings({ exclude: ['a/**'], maxFileSize: 10 }).exclude, ['a/**']);
});

// The engine's one deep equality of plain values: what makes two findings, diagnostics or YAML values "the same".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameValue } from '../../server/src/engine/values';

test('sameValue: equal plain values, in any key order', () => {
  assert.ok(sameValue(1, 1));
  assert.ok(sameValue('a', 'a'));
  assert.ok(sameValue(null, null));
  assert.ok(sameValue(undefined, undefined));
  assert.ok(sameValue({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }));
  assert.ok(sameValue([], []));
  assert.ok(sameValue({}, {}));
});

test('sameValue: any difference in value, type, length or keys', () => {
  assert.ok(!sameValue(1, '1'));
  assert.ok(!sameValue(null, undefined));
  assert.ok(!sameValue(null, {}));
  assert.ok(!sameValue([1, 2], [1, 2, 3]));
  assert.ok(!sameValue([1, 2], { 0: 1, 1: 2 }));
  assert.ok(!sameValue({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!sameValue({ a: 1, b: undefined }, { a: 1, c: undefined }), 'same key count, other keys');
  assert.ok(!sameValue({ a: { b: [1] } }, { a: { b: [2] } }));
  assert.ok(!sameValue(new Date(0), {}), 'another prototype');
  assert.ok(!sameValue(Object.create(null), {}), 'another prototype');
});

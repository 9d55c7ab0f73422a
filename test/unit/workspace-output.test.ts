// A file's sorted findings are patched from the segments that changed (workspace-output.ts): whether a few findings
// come and go (copied whole, then spliced where a binary search puts them) or many (one pass over the list), the
// result is exactly the file's findings, each once, in compareFindings order, with equal findings of different
// segments side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/engine/types';
import { FileOutputs } from '../../server/src/engine/workspace-output';
import { compareFindings } from '../../server/src/engine/workspace-placement';
import { rng } from '../helpers/rng';

const CODES = ['port-conflict', 'insecure-port', 'issuer-not-found'];

function finding(rand: () => number): Finding {
  // Few lines and columns: many findings compare equal to others (same place, code and message).
  const line = Math.floor(rand() * 400);
  const character = Math.floor(rand() * 3);
  const code = CODES[Math.floor(rand() * CODES.length)];
  return {
    uri: 'file:///w/a.yaml',
    range: { start: { line, character }, end: { line, character: character + 4 } },
    severity: 'warning',
    code,
    message: `${code} here`,
    related: [],
  };
}

function segment(rand: () => number): Finding[] {
  const n = Math.floor(rand() * 4);
  return Array.from({ length: n }, () => finding(rand)).sort(compareFindings);
}

function check(list: readonly Finding[], segments: readonly (readonly Finding[])[], what: string) {
  const want = new Map<Finding, number>();
  for (const s of segments) for (const f of s) want.set(f, (want.get(f) ?? 0) + 1);
  const got = new Map<Finding, number>();
  for (const f of list) got.set(f, (got.get(f) ?? 0) + 1);
  assert.equal(
    list.length,
    [...want.values()].reduce((a, b) => a + b, 0),
    `${what}: length`,
  );
  for (const [f, c] of want) assert.equal(got.get(f), c, `${what}: a finding of the segments is missing or repeated`);
  for (let i = 1; i < list.length; i++)
    assert.ok(compareFindings(list[i - 1], list[i]) <= 0, `${what}: out of order at ${i}`);
}

test('patched lists equal the segments they are made of, for a few changes and for many', () => {
  const rand = rng(20261206);
  const out = new FileOutputs();
  let segments = Array.from({ length: 600 }, () => segment(rand));
  check(out.assemble('a', segments), segments, 'first');
  for (let step = 0; step < 400; step++) {
    const next = segments.slice();
    // Mostly a few segments (the spliced path), now and then a hundred (the pass over the whole list).
    const changes = step % 25 === 0 ? 100 : 1 + Math.floor(rand() * 4);
    for (let k = 0; k < changes; k++) {
      const i = Math.floor(rand() * next.length);
      const r = rand();
      if (r < 0.4) next[i] = segment(rand);
      else if (r < 0.6) next.splice(i, 1);
      else if (r < 0.8) next.splice(i, 0, segment(rand));
      else next.push(next.splice(i, 1)[0]); // a segment moved: the same findings
    }
    const list = out.assemble('a', next);
    check(list, next, `step ${step}`);
    segments = next;
  }
});

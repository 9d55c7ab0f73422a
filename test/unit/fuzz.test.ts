// Feeds the engine a few thousand mutated corpus and example files: it must never throw, and no rule may crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Workspace } from '../../server/src/engine';
import { corpusFiles, yamlFiles } from '../helpers/corpus';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALUES = [
  '',
  'null',
  '~',
  '0',
  '-1',
  '65536',
  '99999999999999999999',
  '"1883"',
  '[]',
  '{}',
  '[1, 2]',
  '{a: 1}',
  'true',
  '&x 1',
  '*x',
  '!!binary aGVsbG8=',
  "'",
  '"',
  '|',
  '>-',
  'ClusterIP',
  'Websockets',
  '90d',
  '::1',
  '*.',
  'default',
  'aio-broker',
  '18883',
];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const pick = () => Math.floor(rnd() * Math.max(1, lines.length));
  const steps = 1 + Math.floor(rnd() * 3);
  for (let s = 0; s < steps; s++) {
    const i = pick();
    switch (Math.floor(rnd() * 8)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[i] ?? '');
        break;
      case 2:
        lines[i] = '  ' + (lines[i] ?? '');
        break;
      case 3:
        lines[i] = (lines[i] ?? '').replace(/^\s{1,2}/, '');
        break;
      case 4:
        lines[i] = (lines[i] ?? '').replace(/:\s.*$/, `: ${VALUES[Math.floor(rnd() * VALUES.length)]}`);
        break;
      case 5:
        lines.splice(i, 0, '---');
        break;
      case 6:
        lines.length = Math.max(1, i);
        break;
      default: {
        const l = lines[i] ?? '';
        const at = Math.floor(rnd() * (l.length + 1));
        lines[i] = l.slice(0, at) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + l.slice(at);
      }
    }
  }
  return lines.join('\n');
}

test('a few thousand mutated files never crash the engine or a rule', () => {
  const sources = [...corpusFiles().map((f) => f.text), ...yamlFiles('examples').map((p) => readFileSync(p, 'utf8'))];
  assert.ok(sources.length > 0);
  const rnd = prng(20261123);
  const rounds = 3000;
  const ws = new Workspace();
  for (let i = 0; i < rounds; i++) {
    const src = sources[i % sources.length];
    const text = mutate(src, rnd);
    // Files accumulate in one workspace so that cross-document rules see odd neighbours too.
    ws.setFile(`file:///fuzz/f${i % 40}.yaml`, text);
    try {
      ws.validate();
    } catch (e) {
      assert.fail(`engine threw on mutation ${i}: ${(e as Error).stack}\n--- input ---\n${text}`);
    }
    if (ws.ruleErrors.length)
      assert.fail(`a rule crashed on mutation ${i}: ${ws.ruleErrors[0]}\n--- input ---\n${text}`);
  }
});

// A crowded file (listeners sharing brokers: thousands of findings, the benchmark's shape) edited at random the way
// a user types: after every edit the incremental engine's lists (placed segments patched into each file's sorted
// list) are exactly, in order, what a fresh workspace running every rule over everything gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine/workspace';
import { rng } from '../helpers/rng';
import type { Finding } from '../../server/src/engine';
import { crowdedDocuments } from '../../bench/corpus';

const A = 'file:///ws/crowd.yaml';
const B = 'file:///ws/other.yaml';

function full(files: Map<string, string>): Map<string, Finding[]> {
  const ws = new Workspace();
  ws.incremental = false;
  for (const [uri, text] of files) ws.setFile(uri, text);
  return ws.validate();
}

function edit(r: () => number, docs: string[]): string {
  const i = Math.floor(r() * docs.length);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * 9)) {
    case 0:
      docs[i] = docs[i].replace(/name: (\w)/, (_m, c: string) => `name: ${c === 'x' ? 'y' : 'x'}`);
      return `rename ${i}`;
    case 1:
      docs[i] = docs[i].replace(/port: \d+/, `port: ${pick([1883, 8883, 9883])}`);
      return `port ${i}`;
    case 2:
      docs[i] = docs[i].replace(/serviceType: \w+/, `serviceType: ${pick(['LoadBalancer', 'NodePort', 'ClusterIp'])}`);
      return `service type ${i}`;
    case 3:
      docs[i] = `# a line above moves everything below\n${docs[i]}`;
      return `line above ${i}`;
    case 4:
      docs[i] = docs[i].replace(/^# a line above moves everything below\n/, '');
      return `line removed ${i}`;
    case 5:
      docs[i] = docs[i].replace(/namespace: crowd-\d+/, `namespace: crowd-${Math.floor(r() * 4)}`);
      return `namespace ${i}`;
    case 6:
      docs.splice(i, 0, docs[Math.floor(r() * docs.length)]);
      return `duplicate before ${i}`;
    case 7:
      if (docs.length > 1) docs.splice(i, 1);
      return `delete ${i}`;
    default:
      docs[i] = docs[i].replace(/nodePort: \d+/, `nodePort: ${pick([30000, 30001, 30500])}`);
      return `node port ${i}`;
  }
}

test('a crowded file edited at random: every list equals a full run, in order, after every edit', () => {
  for (let seed = 1; seed <= 2; seed++) {
    const r = rng(seed);
    const docs = crowdedDocuments(160, 40);
    const other = crowdedDocuments(30, 10).map((d) => d.replace(/crowd-(\d+)/, 'crowd-$1'));
    const files = new Map([
      [A, docs.join('---\n')],
      [B, other.join('---\n')],
    ]);
    const ws = new Workspace();
    for (const [uri, text] of files) ws.setFile(uri, text);
    const log: string[] = [];
    let findings = 0;
    for (let step = 0; step <= 30; step++) {
      if (step > 0) {
        const onA = r() < 0.85;
        const list = onA ? docs : other;
        log.push(edit(r, list));
        files.set(onA ? A : B, list.join('---\n'));
        ws.setFile(onA ? A : B, files.get(onA ? A : B)!);
      }
      const got = ws.validate();
      const want = full(files);
      for (const uri of files.keys()) {
        const g = JSON.stringify(got.get(uri));
        const w = JSON.stringify(want.get(uri));
        if (g !== w) assert.fail(`seed ${seed}, step ${step} (${log.slice(-3).join('; ')}): ${uri} differs`);
      }
      findings += want.get(A)!.length;
    }
    assert.ok(findings > 31 * 400, `${findings} findings compared`);
  }
});

test('a keystroke in a crowded namespace keeps the finding objects of everything it did not change', () => {
  // 400 listeners in one namespace: thousands of findings, of which a renamed listener changes a handful.
  const docs = crowdedDocuments(400, 400);
  const ws = new Workspace();
  ws.setFile(A, docs.join('---\n'));
  const before = ws.validate().get(A)!;
  const i = docs.findIndex((d) => /name: lb-200\b/.test(d));
  docs[i] = docs[i].replace('name: lb-200', 'name: xb-200'); // same length: no finding moves
  ws.setFile(A, docs.join('---\n'));
  const after = ws.validate().get(A)!;
  assert.equal(JSON.stringify(after), JSON.stringify(full(new Map([[A, docs.join('---\n')]])).get(A)));
  const earlier = new Set(before);
  const kept = after.filter((f) => earlier.has(f)).length;
  const changed = after.length - kept;
  assert.ok(after.length > 1000, `${after.length} findings`);
  // The findings that name the renamed listener, or sit in it, are new; every other one is the object it was.
  const touched = after.filter(
    (f) => f.message.includes('xb-200') || f.related?.some((r) => r.message.includes('xb-200')),
  );
  assert.ok(changed > 0, 'the renamed listener changes some findings');
  assert.ok(
    changed <= touched.length + 10,
    `${changed} new finding objects for ${touched.length} findings about the edit`,
  );
});

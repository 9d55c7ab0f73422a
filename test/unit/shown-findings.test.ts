// The editor shows at most MAX_SHOWN_PER_CODE findings of one code per file and says how many more there are, in a
// note of that code; a file under the limit is shown as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/engine';
import { MAX_SHOWN_PER_CODE, shownFindings } from '../../server/src/lsp/diagnostics';

function finding(line: number, code: string): Finding {
  const at = { line, character: 2 };
  return { uri: 'file:///x.yaml', range: { start: at, end: at }, severity: 'error', code, message: 'm', related: [] };
}

test('past the limit, one information note per code says how many are not shown, from which line', () => {
  const all: Finding[] = [];
  for (let i = 0; i < 250; i++) all.push(finding(i, 'port-conflict'), finding(i, 'listener-limit'));
  all.push(finding(300, 'insecure-port'));
  const shown = shownFindings(all);
  const of = (code: string) => shown.filter((f) => f.code === code);
  assert.equal(of('port-conflict').length, MAX_SHOWN_PER_CODE + 1);
  assert.equal(of('insecure-port').length, 1);
  const note = of('listener-limit').find((f) => f.severity === 'info')!;
  assert.match(note.message, new RegExp(`^${250 - MAX_SHOWN_PER_CODE} more listener-limit findings .*not shown`));
  assert.match(note.message, /brokerkit check/);
  assert.equal(note.range.start.line, MAX_SHOWN_PER_CODE);
  // The same note object on the next publish (the transport reuses its serialised form).
  assert.equal(
    shownFindings(all).find((f) => f.code === 'listener-limit' && f.severity === 'info'),
    note,
  );
  const few = all.slice(0, 50);
  assert.equal(shownFindings(few), few);
});

test('the document being edited shows all its findings, whatever the cap hides elsewhere', () => {
  const all: Finding[] = [];
  for (let i = 0; i < 400; i++) all.push(finding(i, 'port-conflict'));
  // Lines 300-309 are the edited document: far past the first MAX_SHOWN_PER_CODE.
  const shown = shownFindings(all, { startLine: 300, endLine: 309 });
  const lines = shown.filter((f) => f.severity === 'error').map((f) => f.range.start.line);
  for (let l = 300; l <= 309; l++) assert.ok(lines.includes(l), `line ${l} shown`);
  assert.equal(lines.length, MAX_SHOWN_PER_CODE + 10);
  const note = shown.find((f) => f.severity === 'info')!;
  assert.match(note.message, new RegExp(`^${400 - MAX_SHOWN_PER_CODE - 10} more port-conflict findings`));
  assert.equal(note.range.start.line, MAX_SHOWN_PER_CODE);
  // Still in file order.
  const starts = shown.map((f) => f.range.start.line);
  assert.deepEqual(
    starts,
    [...starts].sort((a, b) => a - b),
  );
});

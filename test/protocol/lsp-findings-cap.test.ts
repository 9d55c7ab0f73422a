// The editor shows at most MAX_SHOWN_PER_CODE findings of a rule per file (plus a note for the rest), but never hides
// the document being edited: a crowded file where every listener clashes with every other, edited far below the
// first hundred findings, gets that document's findings published for the new version, exactly as the engine finds
// them there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { Workspace } from '../../server/src/engine';
import { MAX_SHOWN_PER_CODE } from '../../server/src/lsp/diagnostics';
import { TempWorkspace, lineOf, listener, startServer } from '../helpers/lsp-fixtures';

const COUNT = 3 * MAX_SHOWN_PER_CODE;
const EDITED = COUNT - 20;

function crowded(rename?: string): string {
  const docs: string[] = [];
  for (let i = 0; i < COUNT; i++) docs.push(listener(i === EDITED && rename ? rename : `l-${i}`, { ports: [8883] }));
  return docs.join('---\n');
}

/** The lines of the edited listener's document (0-based, inclusive). */
function linesOf(text: string, name: string): { start: number; end: number } {
  const start = lineOf(text, `name: ${name}`) - 2; // apiVersion, kind, metadata: above the name
  const next = text.split('\n').findIndex((l, i) => i > start && l === '---');
  return { start, end: next - 1 };
}

const key = (x: { code?: unknown; range: Diagnostic['range']; message: unknown }) =>
  `${String(x.code)} ${x.range.start.line}:${x.range.start.character}-${x.range.end.line}:${x.range.end.character} ${String(x.message)}`;

test('the findings cap never hides the document being edited (crowded file, edit far down)', async () => {
  const ws = new TempWorkspace();
  const c = await startServer({ rootPath: ws.root });
  try {
    const uri = ws.uri('crowded.yaml');
    const before = crowded();
    const opened = c.nextDiagnostics(uri, (p) => p.version === 1);
    await c.open(uri, before);
    const first = (await opened).diagnostics;
    // The file is over the cap: a note stands for the port clashes not shown, and the document far down is one.
    const note = first.find(
      (d) => d.code === 'port-conflict' && /more port-conflict findings .* not shown/.test(String(d.message)),
    );
    assert.ok(note, 'a note says how many port-conflict findings are not shown');
    const far = linesOf(before, `l-${EDITED}`);
    const inFar = (d: Diagnostic, r = far) => d.range.start.line >= r.start && d.range.start.line <= r.end;
    assert.equal(
      first.filter((d) => d.code === 'port-conflict' && inFar(d)).length,
      0,
      'before the edit, the far document is past the cap',
    );

    // Rename that listener: its document is the one being edited.
    const after = crowded('edited-listener');
    const line = lineOf(before, `name: l-${EDITED}`);
    const v = c.version(uri) + 1;
    const published = c.nextDiagnostics(uri, (p) => p.version === v);
    await c.change(uri, [
      {
        range: { start: { line, character: 8 }, end: { line, character: 8 + `l-${EDITED}`.length } },
        text: 'edited-listener',
      },
    ]);
    const shown = (await published).diagnostics;
    const edited = linesOf(after, 'edited-listener');

    // What the engine finds in that document, every one of them.
    const engine = new Workspace();
    engine.setFile(uri, after);
    const want = (engine.validate().get(uri) ?? []).filter((f) => inFar(f as unknown as Diagnostic, edited)).map(key);
    assert.ok(
      want.some((k) => k.startsWith('port-conflict ')),
      'the edited listener clashes with the others',
    );
    const got = shown.filter((d) => inFar(d, edited)).map(key);
    assert.deepEqual(got.sort(), want.sort());
    // The rest of the file is still capped.
    assert.ok(shown.filter((d) => d.code === 'port-conflict').length <= MAX_SHOWN_PER_CODE + got.length + 1);
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

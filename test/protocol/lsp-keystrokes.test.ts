// Keystrokes over real JSON-RPC: the server hands each one-change edit to the engine alone (only the documents it
// touches are read again, and the whole text is never rebuilt on the way). Whatever the edits, the diagnostics must be
// the ones a server that opens the resulting text afresh publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TempWorkspace, listener, startServer } from '../helpers/lsp-fixtures';
import { rng } from '../helpers/rng';

const key = (d: Diagnostic) =>
  `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message}`;

/** What a fresh server publishes for `text`. */
async function fresh(text: string): Promise<string[]> {
  const ws = new TempWorkspace();
  const c = await startServer({ rootPath: ws.root });
  try {
    const uri = ws.uri('f.yaml');
    await c.open(uri, text);
    return (await c.currentDiagnostics(uri)).map(key).sort();
  } finally {
    await c.shutdown();
    ws.dispose();
  }
}

test('random keystrokes (documents split, joined, broken, CRLF, several changes at once) end where a fresh open does', async () => {
  const r = rng(5);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const initial = [
    listener('a', { type: 'LoadBalancer', ports: [1883, 8883] }),
    listener('b', { type: 'NodePort', ports: [8883] }),
    listener('c', { type: 'ClusterIP', ports: [18883] }),
    listener('d', { type: 'LoadBalancer', ports: [1884] }),
  ].join('---\n');
  const inserts = ['x', '1', ' ', '\n', '---\n', '\n---\n', ':', '- ', '\r\n', '  port: 8883\n', '{', '"', ''];
  const ws = new TempWorkspace();
  const c = await startServer({ rootPath: ws.root });
  try {
    const uri = ws.uri('f.yaml');
    const mirror = TextDocument.create(uri, 'yaml', 1, initial);
    await c.open(uri, initial);
    await c.currentDiagnostics(uri);
    for (let step = 1; step <= 60; step++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      for (let k = r() < 0.15 ? 2 : 1; k > 0; k--) {
        const t = mirror.getText();
        const at = Math.floor(r() * (t.length + 1));
        const end = Math.min(t.length, at + (r() < 0.4 ? Math.floor(r() * 5) : 0));
        const change = { range: { start: mirror.positionAt(at), end: mirror.positionAt(end) }, text: pick(inserts) };
        TextDocument.update(mirror, [change], mirror.version + 1);
        changes.push(change);
      }
      await c.change(uri, changes);
      const got = (await c.currentDiagnostics(uri)).map(key).sort();
      if (step % 5 === 0) assert.deepEqual(got, await fresh(mirror.getText()), `after ${step} edits`);
    }
  } finally {
    await c.shutdown();
    ws.dispose();
  }
});

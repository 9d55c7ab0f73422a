// Clients that watch no files (Neovim on Linux declares no workspace/didChangeWatchedFiles): the server watches the
// workspace itself, so files changed, created and deleted by other programs are seen; and a document the editor
// closes is read again from disk, so its diagnostics are those of the saved text, not of the text read at start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientCapabilities } from 'vscode-languageserver-protocol';
import { FULL_CAPABILITIES, LspClient } from '../helpers/lsp-client';
import { TempWorkspace, lineOf, listener, startServer } from '../helpers/lsp-fixtures';

const codes = (ds: { code?: unknown }[]) => ds.map((d) => d.code);
const clash = (p: { diagnostics: { code?: unknown }[] }) => codes(p.diagnostics).includes('port-conflict');
const noClash = (p: { diagnostics: { code?: unknown }[] }) => !clash(p);

/** What Neovim declares: everything but file watching. */
const NO_WATCH: ClientCapabilities = {
  ...FULL_CAPABILITIES,
  workspace: { ...FULL_CAPABILITIES.workspace, didChangeWatchedFiles: undefined },
};

async function indexed(c: LspClient): Promise<void> {
  await c.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
}

test('without a client watcher the server watches the workspace: changes, new files and deletions made on disk are seen', async () => {
  const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const b = listener('np', { type: 'NodePort', ports: [8884] });
  const ws = new TempWorkspace({ 'a.yaml': a, 'sub/b.yaml': b, 'node_modules/x.yaml': '' });
  // Files in several folders, applied as one (the setting).
  const c = await startServer({
    rootPath: ws.root,
    capabilities: NO_WATCH,
    viaCli: true,
    settings: { brokerkit: { deployments: 'workspace' } },
  });
  try {
    await indexed(c);
    const ua = ws.uri('a.yaml');
    assert.ok(!c.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
    // Another program changes a closed file: the clash appears on both sides without any event from the client.
    const seen = c.diagnosticsFor(ua, clash);
    ws.write('sub/b.yaml', b.replace('port: 8884', 'port: 8883'));
    const d = (await seen).diagnostics.find((x) => x.code === 'port-conflict')!;
    assert.equal(d.relatedInformation![0].location.uri, ws.uri('sub/b.yaml'));
    // It deletes the folder: the clash goes.
    const gone = c.nextDiagnostics(ua, noClash);
    ws.remove('sub');
    await gone;
    // It creates a new file in a new folder.
    const created = c.nextDiagnostics(ua, clash);
    ws.write('new/c.yaml', listener('np2', { type: 'NodePort', ports: [8883] }));
    await created;
    // Files in node_modules stay out, whatever happens to them.
    const cleared = c.nextDiagnostics(ua, noClash);
    ws.write('node_modules/x.yaml', listener('hidden', { type: 'NodePort', ports: [8883] }));
    ws.remove('new/c.yaml');
    await cleared;
    assert.ok(!c.diagnostics.has(ws.uri('node_modules/x.yaml')));
  } finally {
    assert.equal(await c.shutdown(), 0);
    ws.dispose();
  }
});

test('a file rewritten within one clock tick of the file system (same modification time) is read again', async () => {
  const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const b = listener('np', { type: 'NodePort', ports: [8884] });
  const ws = new TempWorkspace({ 'a.yaml': a, 'b.yaml': b });
  const c = await startServer({ rootPath: ws.root, capabilities: NO_WATCH });
  try {
    await indexed(c);
    const ua = ws.uri('a.yaml');
    const seen = c.diagnosticsFor(ua, clash);
    ws.write('b.yaml', b.replace('port: 8884', 'port: 8883'));
    await seen;
    // A second write of the same size whose modification time stays that of the first, as when both fall in one
    // tick of the file system's clock: the watcher library drops it as an access-time change.
    const path = join(ws.root, 'b.yaml');
    const first = statSync(path);
    const cleared = c.nextDiagnostics(ua, noClash);
    ws.write('b.yaml', b);
    utimesSync(path, new Date(first.mtimeMs + 60_000), new Date(first.mtimeMs));
    await cleared;
  } finally {
    assert.equal(await c.shutdown(), 0);
    ws.dispose();
  }
});

for (const [name, capabilities] of [
  ['a client without a watcher', NO_WATCH],
  // A client that declares a watcher but whose event has not come (or never comes): the close alone is enough.
  ['a client whose watcher says nothing', FULL_CAPABILITIES],
] as const) {
  test(`closing a saved document brings back what is on disk, not the text read at start-up (${name})`, async () => {
    const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
    const b = listener('np', { type: 'NodePort', ports: [8884] });
    const ws = new TempWorkspace({ 'a.yaml': a, 'b.yaml': b });
    const c = await startServer({ rootPath: ws.root, capabilities });
    try {
      await indexed(c);
      const ua = ws.uri('a.yaml');
      const ub = ws.uri('b.yaml');
      await c.open(ub, b);
      await c.currentDiagnostics(ub);
      // The user renames the listener in b and makes it clash with a, saves and closes it.
      const line = lineOf(b, 'port: 8884');
      await c.change(ub, [{ range: { start: { line, character: 10 }, end: { line, character: 14 } }, text: '8883' }]);
      const nameLine = lineOf(b, 'name: np');
      await c.change(ub, [
        { range: { start: { line: nameLine, character: 8 }, end: { line: nameLine, character: 10 } }, text: 'saved' },
      ]);
      await c.currentDiagnostics(ub, (ds) => codes(ds).includes('port-conflict'));
      const saved = b.replace('port: 8884', 'port: 8883').replace('name: np', 'name: saved');
      ws.write('b.yaml', saved);
      await c.close(ub);
      // Closed, b is what was saved (the server answers requests after it has handled the close).
      const symbols = await c.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri: ub } });
      assert.deepEqual(
        symbols.map((s) => s.name),
        ['BrokerListener saved'],
      );
      assert.ok(clash(await c.diagnosticsFor(ub)));
      assert.ok(clash(await c.diagnosticsFor(ua)));
      // Now the user opens it, edits the clash away, and closes it without saving: the saved text (with the
      // clash) is what counts again.
      await c.open(ub, saved);
      await c.change(ub, [{ range: { start: { line, character: 10 }, end: { line, character: 14 } }, text: '8885' }]);
      await c.currentDiagnostics(ub, (ds) => !codes(ds).includes('port-conflict'));
      const back = c.nextDiagnostics(ub, clash);
      await c.close(ub);
      await back;
    } finally {
      await c.shutdown();
      ws.dispose();
    }
  });
}

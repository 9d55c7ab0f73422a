// The language server and `brokerkit check` agree on what was not checked: a Helm template, a binary, a document
// nested too deep and a closed file over the size limit each get the same information finding in both, and the
// files around them get the same findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, DocumentSymbol, Hover } from 'vscode-languageserver-protocol';
import { distDir } from '../helpers/engine';
import { TempWorkspace, listener, startServer } from '../helpers/lsp-fixtures';
import { MAX_NESTING } from '../../server/src/engine/not-checked';

const LIMIT = 20000;

function files(): Record<string, string | Buffer> {
  const clash = listener('lb', { type: 'LoadBalancer', ports: [18883] });
  return {
    'braces.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: msg\ndata:\n  message: "{{.SiteName}} is online"\n---\n${clash}`,
    'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
    'chart/templates/cm.yaml': 'apiVersion: v1\nkind: Role\nmetadata:\n  name: "{{ .Release.Name }}"\n',
    'tool.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0]),
    'deep.yaml': `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    'big.yaml': `# ${'x'.repeat(LIMIT)}\n${listener('big', { type: 'NodePort', ports: [1883] })}`,
    'jinja.yaml': 'name: {{cell}}\n',
  };
}

interface Seen {
  line: number;
  character: number;
  code: string;
  message: string;
}

test('the editor shows the same notes and findings as brokerkit check, for open and closed files alike', async () => {
  const ws = new TempWorkspace();
  for (const [name, text] of Object.entries(files())) ws.write(name, text);
  const cli = spawnSync(
    process.execPath,
    [join(distDir(), 'cli.js'), 'check', '.', '--format', 'json', '--max-file-size', String(LIMIT)],
    { cwd: ws.root, encoding: 'utf8' },
  );
  const expected = new Map<string, Seen[]>();
  for (const f of JSON.parse(cli.stdout) as {
    file: string;
    line: number;
    column: number;
    code: string;
    message: string;
  }[])
    expected.set(f.file, [
      ...(expected.get(f.file) ?? []),
      { line: f.line - 1, character: f.column - 1, code: f.code, message: f.message },
    ]);
  // Every kind of note is there (the CLI's side of the comparison is not empty).
  const notes = [...expected.values()].flat().map((f) => f.code);
  for (const code of ['helm-template', 'binary-file', 'nesting-too-deep', 'file-too-large'])
    assert.ok(notes.includes(code), `${code} in ${notes.join()}`);
  assert.ok(expected.get('braces.yaml')?.some((f) => f.code === 'port-conflict'));

  const c = await startServer({ rootPath: ws.root, settings: { brokerkit: { maxFileSize: LIMIT } } });
  try {
    await c.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const seen = (ds: Diagnostic[]): Seen[] =>
      ds.map((d) => ({
        line: d.range.start.line,
        character: d.range.start.character,
        code: String(d.code),
        message: String(d.message),
      }));
    const order = (a: Seen, b: Seen) => a.line - b.line || a.character - b.character || a.code.localeCompare(b.code);
    for (const [file, want] of expected) {
      const got = await c.diagnosticsFor(ws.uri(file), (p) => p.diagnostics.length === want.length);
      assert.deepEqual(seen(got.diagnostics).sort(order), [...want].sort(order), file);
    }
    // Opening a not-checked file changes nothing: the same note for the open document.
    const big = ws.uri('big.yaml');
    await c.open(big, readFileSync(ws.path('big.yaml'), 'utf8'));
    assert.deepEqual(
      seen(await c.currentDiagnostics(big)).map((d) => d.code),
      ['file-too-large'],
    );
    // A document just under the nesting limit is checked, and every feature answers on it.
    const n = MAX_NESTING - 4;
    const nested = `${listener('n', { type: 'NodePort', ports: [1884] })}    extra: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    const u = ws.uri('nested.yaml');
    await c.open(u, nested);
    const ds = await c.currentDiagnostics(u);
    assert.ok(!ds.some((d) => d.code === 'nesting-too-deep'));
    const line = nested.split('\n').findIndex((l) => l.includes('extra:'));
    const hover = await c.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: u },
      position: { line, character: 20 + Math.floor(n / 2) },
    });
    assert.ok(hover === null || typeof hover === 'object');
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.equal(symbols[0].name, 'BrokerListener n');
    await c.request('textDocument/completion', { textDocument: { uri: u }, position: { line, character: 12 } });
  } finally {
    assert.equal(await c.shutdown(), 0);
    ws.dispose();
  }
});

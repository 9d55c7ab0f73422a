// Applying a code action the way an editor does: edits to open documents become didChange notifications, edits to
// closed files are written to disk and announced with didChangeWatchedFiles, created files are created on disk.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodeAction, FileChangeType, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, applyEdits } from './lsp-client';

export class Editor {
  /** Texts of the documents open in this editor. */
  readonly open = new Map<string, string>();
  constructor(readonly client: LspClient) {}

  async openDoc(uri: string, text: string): Promise<void> {
    this.open.set(uri, text);
    await this.client.open(uri, text);
  }

  text(uri: string): string {
    return this.open.get(uri) ?? readFileSync(fileURLToPath(uri), 'utf8');
  }

  /** Code actions for the diagnostics of `code` in `uri` (the ones the client last received). */
  async actionsFor(uri: string, code: string, nth = 0): Promise<CodeAction[]> {
    const diags = (this.client.diagnostics.get(uri)?.diagnostics ?? []).filter((d) => d.code === code);
    const d = diags[nth];
    if (!d)
      throw new Error(
        `no ${code} diagnostic #${nth} in ${uri}; have ${(this.client.diagnostics.get(uri)?.diagnostics ?? []).map((x) => x.code).join(', ')}`,
      );
    return this.client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
  }

  async apply(edit: WorkspaceEdit): Promise<string[]> {
    const touched: string[] = [];
    const perUri = new Map<string, TextEdit[]>();
    const created: string[] = [];
    for (const [uri, edits] of Object.entries(edit.changes ?? {}))
      perUri.set(uri, [...(perUri.get(uri) ?? []), ...edits]);
    for (const dc of edit.documentChanges ?? []) {
      if ('kind' in dc) {
        if (dc.kind !== 'create') throw new Error(`unexpected resource operation ${dc.kind}`);
        const p = fileURLToPath(dc.uri);
        if (existsSync(p) && !dc.options?.overwrite) {
          if (dc.options?.ignoreIfExists) continue;
          throw new Error(`${p} exists`);
        }
        writeFileSync(p, '');
        created.push(dc.uri);
      } else {
        perUri.set(dc.textDocument.uri, [...(perUri.get(dc.textDocument.uri) ?? []), ...(dc.edits as TextEdit[])]);
      }
    }
    const events: { uri: string; type: FileChangeType }[] = [];
    for (const [uri, edits] of perUri) {
      const next = applyEdits(this.text(uri), edits);
      touched.push(uri);
      if (this.open.has(uri)) {
        this.open.set(uri, next);
        await this.client.change(uri, [{ text: next }]);
      } else {
        writeFileSync(fileURLToPath(uri), next);
        events.push({ uri, type: created.includes(uri) ? FileChangeType.Created : FileChangeType.Changed });
      }
    }
    for (const uri of created) if (!perUri.has(uri)) events.push({ uri, type: FileChangeType.Created });
    if (events.length) await this.client.filesChanged(events);
    return touched;
  }

  async setText(uri: string, text: string): Promise<void> {
    this.open.set(uri, text);
    await this.client.change(uri, [{ text }]);
  }
}

export function rangeText(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [
    lines[r.start.line].slice(r.start.character),
    ...lines.slice(r.start.line + 1, r.end.line),
    lines[r.end.line].slice(0, r.end.character),
  ].join('\n');
}

// What every quick fix (fix-*.ts) gets and returns.
import { CodeAction, CodeActionKind, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { ChunkRef, FileState, Finding, Index, Resource } from '../engine';
import type { ServerContext } from './context';

export interface FixContext {
  readonly ctx: ServerContext;
  readonly uri: string;
  readonly finding: Finding;
  readonly diagnostic: Diagnostic;
  readonly file: FileState;
  /** The document (of the file) the finding is in. */
  readonly chunk: ChunkRef;
  readonly resource: Resource | undefined;
  readonly index: Index;
  /** The client can create files in a workspace edit. */
  readonly canCreateFiles: boolean;
}

export interface Fix {
  fix(f: FixContext): CodeAction[] | undefined;
}

/** A quick-fix action over text edits in one or more files. */
export function quickFix(
  title: string,
  f: FixContext,
  changes: Record<string, TextEdit[]>,
  preferred = false,
): CodeAction {
  return action(title, f, { changes }, preferred);
}

export function action(title: string, f: FixContext, edit: WorkspaceEdit, preferred = false): CodeAction {
  const a: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [f.diagnostic], edit };
  if (preferred) a.isPreferred = true;
  return a;
}

export function dataOf(f: FixContext): Record<string, unknown> {
  return f.finding.data ?? {};
}

/** The line ending a text uses: that of its first line ('\n' when it has none). */
export function lineEndingOf(text: string): '\n' | '\r\n' {
  const nl = text.indexOf('\n');
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
}

/**
 * Writes every line break a fix inserts with the line ending of the file it goes to (`eolOf`; a file the fix creates
 * gets `fallback`, the ending of the file the fix was asked in), so a CRLF file stays CRLF.
 */
export function keepLineEndings(a: CodeAction, eolOf: (uri: string) => string | undefined, fallback: string): void {
  if (!a.edit) return;
  const fix = (uri: string, edits: readonly object[]) => {
    const eol = eolOf(uri) ?? fallback;
    if (eol === '\n') return;
    for (const e of edits)
      if ('newText' in e && typeof e.newText === 'string') e.newText = e.newText.replace(/\r?\n/g, eol);
  };
  for (const [uri, edits] of Object.entries(a.edit.changes ?? {})) fix(uri, edits);
  for (const c of a.edit.documentChanges ?? []) if ('edits' in c) fix(c.textDocument.uri, c.edits);
}

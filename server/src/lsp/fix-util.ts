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

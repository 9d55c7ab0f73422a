// What the commands, views, rule pages and the dev broker controller get from the extension: the extension context,
// the log, the language client (once it runs) and a place for their disposables. Ctx implements it; they never import
// Ctx, and Ctx imports none of them (extension.ts builds them and hands them in).
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export interface Host {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** Undefined until the language server started. */
  readonly client: LanguageClient | undefined;
  push(...d: vscode.Disposable[]): void;
}

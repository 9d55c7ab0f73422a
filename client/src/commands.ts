// Command registry: every command id is `brokerkit.*` and is declared in package.json contributes.commands.
import * as vscode from 'vscode';
import type { Host } from './host';

export function registerCommands(ctx: Host): void {
  const reg = (id: string, fn: (...args: any[]) => unknown) => ctx.push(vscode.commands.registerCommand(id, fn));
  reg('brokerkit.showOutput', () => ctx.log.show(true));
  reg('brokerkit.restartServer', async () => {
    if (!ctx.client) return;
    await ctx.client.restart();
    ctx.log.info('Language server restarted.');
  });
  // A quick fix that changes files not open in an editor: applied as an ordinary edit, not a refactoring, so that
  // files.refactoring.autoSave does not write them to disk; they are opened, unsaved, for the user to review and save.
  reg('brokerkit.applyEditUnsaved', async (edit: unknown) => {
    if (!ctx.client || !edit) return;
    const we = await ctx.client.protocol2CodeConverter.asWorkspaceEdit(
      edit as Parameters<typeof ctx.client.protocol2CodeConverter.asWorkspaceEdit>[0] & object,
    );
    if (!we) return;
    const active = vscode.window.activeTextEditor;
    if (!(await vscode.workspace.applyEdit(we, { isRefactoring: false }))) {
      void vscode.window.showWarningMessage('BrokerKit: the quick fix could not be applied (the files changed?).');
      return;
    }
    const open = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
    for (const [uri] of we.entries()) {
      if (open.has(uri.toString())) continue;
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
    }
    // Back to where the fix was asked for.
    if (active)
      await vscode.window.showTextDocument(active.document, { viewColumn: active.viewColumn, preview: false });
  });
}

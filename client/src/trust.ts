// Restricted Mode: what BrokerKit refuses in an untrusted workspace says so and offers VS Code's trust editor.
import * as vscode from 'vscode';

/** A warning with a "Manage Workspace Trust" button. */
export async function offerTrust(message: string): Promise<void> {
  const manage = 'Manage Workspace Trust';
  if ((await vscode.window.showWarningMessage(message, manage)) === manage)
    await vscode.commands.executeCommand('workbench.trust.manage');
}

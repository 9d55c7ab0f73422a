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
}

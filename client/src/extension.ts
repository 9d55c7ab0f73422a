// The extension host side: activate() only builds the context object; the context owns every disposable.
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { openWalkthroughOnce } from './commands';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<Ctx> {
  ctx = new Ctx(context);
  await ctx.start();
  void openWalkthroughOnce(ctx);
  return ctx;
}

export async function deactivate(): Promise<void> {
  await ctx?.dispose();
  ctx = undefined;
}

// The extension host side: activate() builds the context object and the parts (commands, rule pages, views, the dev
// broker) and hands the parts to it; the context owns every disposable.
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { registerCommands } from './commands';
import { openWalkthroughOnce, registerWalkthrough } from './walkthrough';
import { registerClusterViews } from './views/cluster';
import { registerDevBroker } from './devbroker/controller';
import { RulePages, SHOW_RULE_PAGE } from './rule-pages';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<Ctx> {
  ctx = new Ctx(context);
  const rulePages = new RulePages(ctx);
  await ctx.start({
    beforeClient: [
      registerCommands,
      registerWalkthrough,
      (host) => host.push(vscode.commands.registerCommand(SHOW_RULE_PAGE, (code?: unknown) => rulePages.show(code))),
      // Before the first diagnostics, whose code links point at these pages.
      () => rulePages.shipped(),
    ],
    middleware: rulePages.middleware(),
    afterClient: [registerClusterViews, registerDevBroker],
  });
  void openWalkthroughOnce(ctx);
  return ctx;
}

export async function deactivate(): Promise<void> {
  await ctx?.dispose();
  ctx = undefined;
}

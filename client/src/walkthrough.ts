// The "Get started with BrokerKit" walkthrough's own parts: it opens on the first start of a profile made by
// `npm start`, its "Quick Fix" button goes to a port clash and opens the quick fixes there (the editor's Quick Fix
// command alone does nothing while the walkthrough is the active editor), and the step is ticked only when the clash
// is really gone (context key brokerkit.walkthrough.clashFixed; "Connect a cluster" waits for
// brokerkit.clusterConnected, set by the cluster status bar item).
import * as vscode from 'vscode';
import type { Host } from './host';

/** The walkthrough's id as `workbench.action.openWalkthrough` takes it: `<publisher>.<name>#<walkthrough id>`. */
export function walkthroughId(ctx: Host): string {
  return `${ctx.extension.extension.id}#brokerkit.getStarted`;
}

/**
 * `npm start` (BROKERKIT_OPEN_WALKTHROUGH=1 in code-server's environment) opens the "Get started with BrokerKit"
 * walkthrough on the profile's first start, so the first screen is its first step (VS Code and code-server alike).
 */
export async function openWalkthroughOnce(ctx: Host): Promise<void> {
  if (process.env.BROKERKIT_OPEN_WALKTHROUGH !== '1') return;
  const key = 'brokerkit.walkthroughOpened';
  if (ctx.extension.globalState.get(key)) return;
  await ctx.extension.globalState.update(key, true);
  try {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId(ctx), false);
  } catch (e) {
    ctx.log.warn(`could not open the walkthrough: ${(e as Error).message}`);
  }
}

const CLASH = 'port-conflict';

function isClash(d: vscode.Diagnostic): boolean {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return d.source === 'brokerkit' && code === CLASH;
}

/** The port clashes BrokerKit reports now, the active editor's first, then by file path and line. */
function clashes(): { uri: vscode.Uri; d: vscode.Diagnostic }[] {
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  return vscode.languages
    .getDiagnostics()
    .flatMap(([uri, list]) => list.filter(isClash).map((d) => ({ uri, d })))
    .sort(
      (a, b) =>
        Number(b.uri.toString() === active) - Number(a.uri.toString() === active) ||
        a.uri.path.localeCompare(b.uri.path) ||
        a.d.range.start.line - b.d.range.start.line,
    );
}

export function registerWalkthrough(ctx: Host): void {
  ctx.push(
    vscode.commands.registerCommand('brokerkit.walkthrough.quickFix', async () => {
      const first = clashes()[0];
      if (!first) {
        void vscode.window.showInformationMessage(
          'BrokerKit: no port clash is reported now. Put the cursor on any problem and press Ctrl+. for its quick fixes.',
        );
        return;
      }
      const at = first.d.range.start;
      await vscode.window.showTextDocument(first.uri, {
        preview: false,
        selection: new vscode.Range(at, at),
      });
      await vscode.commands.executeCommand('editor.action.quickFix');
    }),
  );
  // Ticked when clashes were reported and none is left (a quick fix or a hand edit), never merely for asking.
  let seen = false;
  let done = false;
  ctx.push(
    vscode.languages.onDidChangeDiagnostics(() => {
      if (done) return;
      const now = clashes().length;
      if (now > 0) seen = true;
      else if (seen) {
        done = true;
        void vscode.commands.executeCommand('setContext', 'brokerkit.walkthrough.clashFixed', true);
      }
    }),
  );
}

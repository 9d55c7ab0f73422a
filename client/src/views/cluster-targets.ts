// What the connected cluster is compared with: a status bar item names the context and the workspace deployments
// validated against it (the tooltip says why each is or is not), and two commands change it for this session:
// "Validate This Deployment Against the Cluster" (the active file's deployment) and a picker over every deployment.
// The language server decides and reports (server/src/lsp/cluster-targets.ts); the setting brokerkit.clusterTargets
// makes a choice last.
import * as vscode from 'vscode';
import { posix } from 'node:path';
import { Methods, ClusterTargetsResult, ClusterTargetInfo } from '../../../server/src/protocol';
import type { Host } from '../host';

const WHY: Record<ClusterTargetInfo['reason'], string> = {
  exists: 'some of its objects run there',
  none: 'none of its objects runs there',
  setting: 'brokerkit.clusterTargets',
  command: 'your choice in this session',
  all: 'every deployment',
};

function why(t: ClusterTargetInfo): string {
  if (t.reason === 'exists') return `${t.existing.join(', ')} ${t.existing.length > 1 ? 'run' : 'runs'} there`;
  return t.detail ?? WHY[t.reason];
}

export function registerClusterTargets(ctx: Host): void {
  const item = vscode.window.createStatusBarItem('brokerkit.clusterTargets', vscode.StatusBarAlignment.Left, 50);
  item.name = 'BrokerKit Cluster Validation';
  item.command = 'brokerkit.cluster.chooseTargets';
  ctx.push(item);

  const show = (r: ClusterTargetsResult) => {
    // The walkthrough's "Connect a cluster" step is done once validation really uses a cluster.
    void vscode.commands.executeCommand('setContext', 'brokerkit.clusterConnected', !!r.context);
    if (!r.context) {
      item.hide();
      return;
    }
    const yes = r.targets.filter((t) => t.compared);
    const what =
      yes.length === 0
        ? 'no deployment'
        : yes.length === 1
          ? yes[0].label
          : `${yes.length} of ${r.targets.length} deployments`;
    item.text = `$(cloud) ${r.context} ↔ ${what}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Cluster validation** against context \`${r.context}\`\n\n`);
    for (const t of r.targets)
      md.appendMarkdown(`- ${t.compared ? '$(check)' : '$(circle-slash)'} **${t.label}** — ${escape(why(t))}\n`);
    md.appendMarkdown('\nClick to choose which deployments are compared.');
    item.tooltip = md;
    item.show();
  };

  if (ctx.client) ctx.push(ctx.client.onNotification(Methods.clusterTargetsChanged, show));

  const client = () => {
    if (!ctx.client) throw new Error('the language server is not running');
    return ctx.client;
  };
  const reg = (id: string, fn: () => Promise<void>) =>
    ctx.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await fn();
        } catch (e) {
          void vscode.window.showWarningMessage(`BrokerKit: ${(e as Error).message}`);
        }
      }),
    );

  const current = async (): Promise<ClusterTargetsResult> => {
    const r = await client().sendRequest<ClusterTargetsResult>(Methods.clusterTargets, {});
    show(r);
    return r;
  };

  reg('brokerkit.cluster.chooseTargets', async () => {
    const r = await current();
    if (!r.context) {
      void vscode.window.showInformationMessage(
        'BrokerKit: no cluster is connected. Open the Broker Listeners view (or choose a context) first.',
      );
      return;
    }
    const items = r.targets.map((t) => ({ label: t.label, description: why(t), picked: t.compared, target: t }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Deployments validated against ${r.context}`,
      placeHolder: 'Checked deployments are compared with what runs in the cluster (this session)',
    });
    if (!picked) return;
    const on = new Set(picked.map((p) => p.target.id));
    for (const t of r.targets)
      if (on.has(t.id) !== t.compared)
        show(
          await client().sendRequest<ClusterTargetsResult>(Methods.clusterCompareDeployment, {
            id: t.id,
            compare: on.has(t.id),
          }),
        );
  });

  reg('brokerkit.cluster.compareDeployment', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'yaml') {
      await vscode.commands.executeCommand('brokerkit.cluster.chooseTargets');
      return;
    }
    const before = await current();
    if (!before.context) {
      void vscode.window.showInformationMessage(
        'BrokerKit: no cluster is connected. Open the Broker Listeners view (or choose a context) first.',
      );
      return;
    }
    const r = await client().sendRequest<ClusterTargetsResult>(Methods.clusterCompareDeployment, {
      uri: doc.uri.toString(),
      compare: true,
    });
    show(r);
    const now = r.targets.filter((t) => t.compared && t.reason === 'command');
    const labels = now.map((t) => t.label).join(', ') || 'This deployment';
    const keep = 'Keep in Settings';
    const answer = await vscode.window.showInformationMessage(
      `BrokerKit: ${labels} is now validated against ${r.context} (this session).`,
      keep,
    );
    if (answer !== keep) return;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const config = vscode.workspace.getConfiguration('brokerkit', doc.uri);
    const map = { ...(config.get<Record<string, string | string[]>>('clusterTargets') ?? {}) };
    for (const t of now) {
      const dir = t.id.endsWith('/') ? vscode.Uri.parse(t.id) : vscode.Uri.joinPath(doc.uri, '..');
      const key = folder ? posix.relative(folder.uri.path, dir.path) || '.' : dir.fsPath;
      const had = map[key];
      const list = had === undefined ? [] : Array.isArray(had) ? had : [had];
      if (!list.includes(r.context!)) list.push(r.context!);
      map[key] = list.length === 1 ? list[0] : list;
    }
    await config.update(
      'clusterTargets',
      map,
      folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global,
    );
  });
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|]/g, '\\$&');
}

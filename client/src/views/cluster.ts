// The "Broker Listeners" and "Service Connector" views (activity-bar container "BrokerKit"). They render tree data the
// language server sends, level by level; the server watches the cluster only while a view is visible and says when a
// view changed. Actions: switch context, filter by namespace, refresh, open a live object read-only, compare it with
// the workspace file, copy a mosquitto_pub command or a fix, open a log, save the trust bundle.
import * as vscode from 'vscode';
import {
  Methods,
  ClusterContextsResult,
  ClusterTreeResult,
  ClusterView,
  ClusterObjectResult,
  ClusterLogResult,
  ClusterTrustBundleResult,
  ClusterTreeChangedParams,
  ObjectRef,
  ClusterListenerYamlResult,
} from '../../../server/src/protocol';
import { State } from 'vscode-languageclient/node';
import type { Host } from '../host';
import { registerClusterTargets } from './cluster-targets';
import { offerTrust } from '../trust';

type Node = ClusterTreeResult['nodes'][number];
const LIVE_SCHEME = 'brokerkit-live';

const LEVEL_COLOR: Record<string, string | undefined> = {
  error: 'problemsErrorIcon.foreground',
  warning: 'problemsWarningIcon.foreground',
  ok: 'testing.iconPassed',
  info: 'problemsInfoIcon.foreground',
};

class ClusterTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly ctx: Host,
    readonly view: ClusterView,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: Node): Promise<Node[]> {
    const client = this.ctx.client;
    if (!client) return [];
    try {
      const r = await client.sendRequest<ClusterTreeResult>(Methods.clusterTree, {
        view: this.view,
        parentId: element?.id,
      });
      return r.nodes;
    } catch (e) {
      this.ctx.log.warn(`cluster view ${this.view}: ${(e as Error).message}`);
      return [];
    }
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const state = !n.hasChildren
      ? vscode.TreeItemCollapsibleState.None
      : n.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = `${this.view}:${n.id}`;
    item.description = n.description;
    item.tooltip = n.tooltip ?? (n.description ? `${n.label}\n${n.description}` : n.label);
    item.contextValue = n.contextValue;
    if (n.icon) {
      const color = n.level ? LEVEL_COLOR[n.level] : undefined;
      item.iconPath = new vscode.ThemeIcon(n.icon, color ? new vscode.ThemeColor(color) : undefined);
    }
    if (n.command) item.command = { ...n.command, arguments: n.command.arguments ?? [] };
    if (n.contextValue === 'log')
      item.command = { command: 'brokerkit.cluster.openLog', title: 'Open Log', arguments: [n] };
    return item;
  }
}

/** Read-only documents for live objects and logs: brokerkit-live:/object/<kind>/<ns>/<name>.yaml?<ref json>. */
class LiveContent implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: Host) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const client = this.ctx.client;
    if (!client) return '# The BrokerKit language server is not running.\n';
    const q = JSON.parse(decodeURIComponent(uri.query));
    try {
      if (uri.path.startsWith('/log/')) return (await client.sendRequest<ClusterLogResult>(Methods.clusterLog, q)).text;
      // ?{ref, styleOf}: the live side of a comparison, printed in the workspace file's style.
      const params = q && typeof q === 'object' && 'ref' in q ? q : { ref: q };
      return (await client.sendRequest<ClusterObjectResult>(Methods.clusterObject, params)).yaml;
    } catch (e) {
      return `# Could not read it from the cluster: ${(e as Error).message}\n`;
    }
  }
}

export function liveUri(ref: ObjectRef, styleOf?: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({
    scheme: LIVE_SCHEME,
    path: `/object/${ref.kind}/${ref.namespace ?? '_'}/${ref.name}.yaml`,
    query: encodeURIComponent(JSON.stringify(styleOf ? { ref, styleOf: styleOf.toString() } : ref)),
  });
}

/** The workspace YAML file whose documents define this object (kind + name, and namespace when written). */
async function findWorkspaceFile(ref: ObjectRef): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/node_modules/**', 5000);
  const kindRe = new RegExp(`^kind:\\s*["']?${ref.kind}["']?\\s*$`, 'm');
  const nameRe = new RegExp(`^\\s+name:\\s*["']?${ref.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`, 'm');
  for (const f of files) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(f));
    for (const doc of text.split(/^---\s*$/m)) {
      if (!kindRe.test(doc) || !nameRe.test(doc)) continue;
      const ns = /^\s+namespace:\s*["']?([a-z0-9.-]+)/m.exec(doc)?.[1];
      if (!ns || !ref.namespace || ns === ref.namespace) return f;
    }
  }
  return undefined;
}

export function registerClusterViews(ctx: Host): void {
  registerClusterTargets(ctx);
  const trees = new Map<ClusterView, ClusterTree>();
  const views = new Map<ClusterView, vscode.TreeView<Node>>();
  const ids: Record<ClusterView, string> = {
    listeners: 'brokerkit.listeners',
    serviceConnector: 'brokerkit.serviceConnector',
  };
  /** The view titles show the context and the namespace filter. */
  const describe = async () => {
    try {
      const r = await ctx.client?.sendRequest<ClusterContextsResult>(Methods.clusterContexts, {});
      const text = r?.selected ? `${r.selected}${r.namespace ? ` · ${r.namespace}` : ''}` : undefined;
      for (const tv of views.values()) tv.description = text;
    } catch {
      /* the server is restarting */
    }
  };
  ctx.push(vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, new LiveContent(ctx)));
  for (const view of Object.keys(ids) as ClusterView[]) {
    const provider = new ClusterTree(ctx, view);
    trees.set(view, provider);
    const tv = vscode.window.createTreeView(ids[view], { treeDataProvider: provider, showCollapseAll: true });
    views.set(view, tv);
    const tell = (visible: boolean) => {
      void ctx.client?.sendNotification(Methods.clusterViewVisible, { view, visible });
      if (visible) void describe();
    };
    ctx.push(
      tv,
      tv.onDidChangeVisibility((e) => tell(e.visible)),
    );
    if (tv.visible) tell(true);
  }
  if (ctx.client) {
    ctx.push(
      ctx.client.onNotification(Methods.clusterTreeChanged, (p: ClusterTreeChangedParams) =>
        trees.get(p.view)?.refresh(),
      ),
    );
    // A restarted language server knows nothing of the views: tell it again which are visible.
    ctx.push(
      ctx.client.onDidChangeState((e) => {
        if (e.newState !== State.Running) return;
        for (const [view, tv] of views)
          if (tv.visible) void ctx.client?.sendNotification(Methods.clusterViewVisible, { view, visible: true });
        for (const t of trees.values()) t.refresh();
        void describe();
      }),
    );
  }

  const reg = (id: string, fn: (...args: any[]) => unknown) =>
    ctx.push(
      vscode.commands.registerCommand(id, async (...a: any[]) => {
        try {
          await fn(...a);
        } catch (e) {
          if (vscode.workspace.isTrusted) void vscode.window.showWarningMessage(`BrokerKit: ${(e as Error).message}`);
          else void offerTrust(`BrokerKit: ${(e as Error).message}`);
        }
      }),
    );
  const client = () => {
    if (!ctx.client) throw new Error('the language server is not running');
    return ctx.client;
  };

  reg('brokerkit.cluster.selectContext', async () => {
    const r = await client().sendRequest<ClusterContextsResult>(Methods.clusterContexts, {});
    if (!r.contexts.length) {
      void vscode.window.showWarningMessage(`BrokerKit: ${r.error ?? 'the kubeconfig has no contexts'}`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      r.contexts.map((c) => ({ label: c.name, description: c.name === r.selected ? 'current' : c.cluster })),
      // Also opened by the walkthrough's button, whose page can take the focus back just after the click: a picker
      // closing on focus loss would vanish before the user sees it.
      { placeHolder: 'Kube context for the BrokerKit views', ignoreFocusOut: true },
    );
    if (pick) {
      await client().sendRequest(Methods.clusterSelect, { context: pick.label });
      await describe();
      // What the choice is for: the listeners that run there (also when it was chosen from the palette).
      await vscode.commands.executeCommand('brokerkit.listeners.focus');
    }
  });
  reg('brokerkit.cluster.selectNamespace', async () => {
    const value = await vscode.window.showInputBox({
      prompt: 'Show only this namespace (empty: all namespaces)',
      placeHolder: 'azure-iot-operations',
    });
    if (value !== undefined) {
      await client().sendRequest(Methods.clusterSelect, { namespace: value.trim() || null });
      await describe();
    }
  });
  reg('brokerkit.cluster.refresh', async () => {
    await client().sendNotification(Methods.clusterRefresh, {});
    for (const t of trees.values()) t.refresh();
  });
  reg('brokerkit.cluster.openLive', async (n?: Node) => {
    if (!n?.ref) return;
    const doc = await vscode.workspace.openTextDocument(liveUri(n.ref));
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  reg('brokerkit.cluster.compare', async (n?: Node) => {
    if (!n?.ref) return;
    const file = await findWorkspaceFile(n.ref);
    if (!file) {
      void vscode.window.showInformationMessage(`BrokerKit: no workspace file defines ${n.ref.kind} ${n.ref.name}.`);
      return;
    }
    await vscode.commands.executeCommand(
      'vscode.diff',
      liveUri(n.ref, file),
      file,
      `${n.ref.name}: cluster ↔ ${vscode.workspace.asRelativePath(file)}`,
    );
  });
  reg('brokerkit.cluster.copyMosquittoPub', async (n?: Node) => {
    const cmd = n?.data?.mosquittoPub;
    if (typeof cmd !== 'string') return;
    await vscode.env.clipboard.writeText(cmd);
    void vscode.window.setStatusBarMessage('BrokerKit: mosquitto_pub command copied', 3000);
  });
  reg('brokerkit.cluster.copyFix', async (n?: Node) => {
    const fix = n?.data?.fix;
    if (typeof fix !== 'string') return;
    await vscode.env.clipboard.writeText(fix);
    void vscode.window.setStatusBarMessage('BrokerKit: copied', 3000);
  });
  reg('brokerkit.cluster.openLog', async (n?: Node) => {
    const log = n?.data?.log as { namespace: string; pod: string; container: string } | undefined;
    if (!log) return;
    const uri = vscode.Uri.from({
      scheme: LIVE_SCHEME,
      path: `/log/${log.namespace}/${log.pod}/${log.container}.log`,
      query: encodeURIComponent(JSON.stringify(log)),
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  });
  // Start the dev broker (client/src/devbroker) with this listener as it runs in the cluster.
  reg('brokerkit.cluster.startDevBroker', async (n?: Node) => {
    const ref = n?.ref;
    if (!ref || ref.kind !== 'BrokerListener' || !ref.namespace) return;
    const r = await client().sendRequest<ClusterListenerYamlResult>(Methods.clusterListenerYaml, {
      namespace: ref.namespace,
      name: ref.name,
    });
    const dir = vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'live-listeners');
    await vscode.workspace.fs.createDirectory(dir);
    const file = vscode.Uri.joinPath(dir, `${ref.namespace}.${ref.name}.yaml`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(r.yaml));
    await vscode.commands.executeCommand('brokerkit.devBroker.start', { uri: file.toString(), listener: ref.name });
  });
  reg('brokerkit.cluster.saveTrustBundle', async (n?: Node) => {
    const ns = (n?.data?.trustBundle as { namespace?: string } | undefined)?.namespace ?? 'azure-iot-operations';
    const r = await client().sendRequest<ClusterTrustBundleResult>(Methods.clusterTrustBundle, { namespace: ns });
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, 'ca.crt') : undefined,
      filters: { Certificates: ['crt', 'pem'] },
      title: `Save ${r.configMap} (ca.crt)`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(r.pem));
    void vscode.window.setStatusBarMessage(
      `BrokerKit: trust bundle saved to ${vscode.workspace.asRelativePath(target)}`,
      4000,
    );
  });
}

// Cluster views and cluster-aware validation: serves the "Broker Listeners" and "Service Connector" tree data level
// by level, pushes a change notification when watch events (debounced) change a view, answers the views' actions
// (live object, log, trust bundle), and feeds cluster facts to the engine. No kubeconfig is read and no cluster is
// contacted before the client says a view is visible. All Kubernetes access goes through server/src/kube.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import {
  Methods,
  ClusterContextsResult,
  ClusterSelectParams,
  ClusterTreeParams,
  ClusterTreeResult,
  ClusterView,
  ClusterViewVisibleParams,
  ClusterObjectParams,
  ClusterObjectResult,
  ClusterLogParams,
  ClusterLogResult,
  ClusterTrustBundleParams,
  ClusterTrustBundleResult,
  TreeNode,
  ClusterListenerYamlParams,
  ClusterListenerYamlResult,
} from '../protocol';
import type { ServerContext } from './context';
import type * as Kube from '../kube';
import type { ClusterSession, KubeconfigInfo, TreeBuilder } from '../kube';
import { registerClusterTargets } from './cluster-targets';
import { styleLike } from './live-style';

export const TRUST_BUNDLE_CONFIGMAP = 'azure-iot-operations-aio-ca-trust-bundle';
const VIEWS: ClusterView[] = ['listeners', 'serviceConnector'];
const RESTRICTED_WHY =
  'Restricted Mode: BrokerKit reads no kubeconfig in an untrusted workspace, because a kubeconfig can run commands ' +
  '(exec credential plugins). Trust the workspace to see the cluster.';

interface State {
  kube?: typeof Kube;
  info?: KubeconfigInfo;
  configError?: { message: string; hint?: string };
  session?: ClusterSession;
  context?: string;
  namespace?: string;
  visible: Set<ClusterView>;
  releases: Map<ClusterView | 'facts', () => void>;
  builder?: TreeBuilder;
  trees: Map<ClusterView, { roots: TreeNode[]; index: Map<string, TreeNode> }>;
  factSlices?: unknown[];
}

export function register(ctx: ServerContext): void {
  const st: State = { visible: new Set(), releases: new Map(), trees: new Map() };
  const c = ctx.connection;
  // Which deployments the facts are compared with (the setting, this session's choices, else those that run there).
  const targets = registerClusterTargets(ctx, () => st.session?.context);
  // The settings (brokerkit.kubeconfig) are pulled after `initialized`; views shown before that wait for them.
  let ready = false;
  ctx.onReady.push(() => {
    ready = true;
    st.trees.clear();
    if (st.visible.size) restart();
  });

  // The Kubernetes module is loaded on first use, so a language server without cluster views never pays for it.
  const kube = (): typeof Kube => (st.kube ??= require('../kube') as typeof Kube);
  // Relative kubeconfig paths are relative to the (first) workspace folder, whatever the server's working directory.
  const files = (): string[] | undefined => {
    const raw = ctx.settings.kubeconfig;
    if (!raw) return undefined;
    const folder = ctx.folders.list()[0]?.uri;
    let base: string | undefined;
    try {
      base = folder?.startsWith('file:') ? fileURLToPath(folder) : undefined;
    } catch {
      base = undefined;
    }
    return raw
      .split(path.delimiter)
      .filter(Boolean)
      .map((f) => (base && !path.isAbsolute(f) ? path.resolve(base, f) : f));
  };

  function readConfig(): KubeconfigInfo | undefined {
    // Restricted Mode: a kubeconfig's exec credential plugins are commands, so none is read at all.
    if (!ctx.trust.trusted) {
      st.info = undefined;
      st.configError = undefined;
      return undefined;
    }
    try {
      st.info = kube().loadKubeconfig(files());
      st.configError = undefined;
    } catch (e) {
      const err = e as { message: string; hint?: string };
      st.info = undefined;
      st.configError = { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
    return st.info;
  }

  function stopSession(): void {
    for (const r of st.releases.values()) r();
    st.releases.clear();
    st.session?.stop();
    st.session = undefined;
    st.builder = undefined;
    st.trees.clear();
    st.factSlices = undefined;
    if (ctx.workspace.getFacts()) {
      ctx.workspace.setFacts(undefined);
      ctx.requestValidation('cluster');
    }
  }

  function ensureSession(): ClusterSession | undefined {
    if (st.session) return st.session;
    if (!ctx.trust.trusted) return undefined;
    const info = st.info ?? readConfig();
    if (!info) return undefined;
    try {
      st.session = new (kube().ClusterSession)(info, st.context, { namespace: st.namespace });
    } catch (e) {
      const err = e as { message: string; hint?: string };
      st.configError = { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
      return undefined;
    }
    st.builder = new (kube().TreeBuilder)();
    st.session.on('change', onChange);
    syncFactsNeed();
    return st.session;
  }

  /** Cluster facts are read while a session exists and the setting allows it. */
  function syncFactsNeed(): void {
    const want = !!st.session && ctx.settings.clusterValidation;
    const has = st.releases.has('facts');
    if (want && !has) st.releases.set('facts', st.session!.need('facts'));
    if (!want && has) {
      st.releases.get('facts')!();
      st.releases.delete('facts');
      st.factSlices = undefined;
      if (ctx.workspace.getFacts()) {
        ctx.workspace.setFacts(undefined);
        ctx.requestValidation('cluster');
      }
    }
  }

  function onChange(): void {
    for (const v of st.visible) {
      st.trees.delete(v);
      void c.sendNotification(Methods.clusterTreeChanged, { view: v });
    }
    updateFacts();
  }

  function updateFacts(): void {
    if (!st.session || !st.releases.has('facts')) return;
    const snap = st.session.snapshot();
    const keys = [
      'brokerlisteners',
      'brokers',
      'issuers',
      'clusterissuers',
      'secrets',
      'brokerauthentications',
      'brokerauthorizations',
      'services',
      'serviceaccounts',
    ] as const;
    const slices = keys.map((k) => snap.resources[k]);
    if (st.factSlices && slices.every((s, i) => s === st.factSlices![i])) return;
    st.factSlices = slices;
    // Only facts from lists that completed; an unreachable cluster gives no facts (the built-ins are assumed).
    if (!slices.some((s) => s?.synced)) {
      if (ctx.workspace.getFacts()) {
        ctx.workspace.setFacts(undefined);
        ctx.requestValidation('cluster');
      }
      return;
    }
    targets.apply();
    ctx.workspace.setFacts(kube().clusterFacts(snap));
    ctx.requestValidation('cluster');
  }

  function tree(view: ClusterView): { roots: TreeNode[]; index: Map<string, TreeNode> } {
    const cached = st.trees.get(view);
    if (cached) return cached;
    let roots: TreeNode[];
    const session = st.session;
    if (!ctx.trust.trusted) roots = restrictedNodes();
    else if (!session) {
      const e = st.configError ?? { message: 'not connected' };
      roots = [
        {
          id: 'config-problem',
          label: e.message,
          icon: 'error',
          level: 'error',
          contextValue: 'problem',
          expanded: true,
          children: e.hint
            ? [
                {
                  id: 'config-problem/hint',
                  label: e.hint,
                  icon: 'lightbulb',
                  contextValue: 'hint',
                  data: { fix: e.hint },
                },
              ]
            : undefined,
        },
      ];
    } else {
      const snap = session.snapshot();
      roots = view === 'listeners' ? st.builder!.listeners(snap) : st.builder!.serviceConnector(snap);
    }
    const index = new Map<string, TreeNode>();
    // Lazy nodes (a port's details) are indexed themselves; their children are made when the client opens them.
    const walk = (ns: TreeNode[]) => {
      for (const n of ns) {
        index.set(n.id, n);
        if (!n.lazy && n.children) walk(n.children);
      }
    };
    walk(roots);
    const t = { roots, index };
    st.trees.set(view, t);
    return t;
  }

  /** What the views show in Restricted Mode: why nothing is read, and the way to trust the workspace. */
  function restrictedNodes(): TreeNode[] {
    return [
      {
        id: 'restricted',
        label: 'Restricted Mode: no cluster is read in an untrusted workspace',
        tooltip: RESTRICTED_WHY,
        icon: 'shield',
        level: 'info',
        contextValue: 'restricted',
        expanded: true,
        children: [
          {
            id: 'restricted/manage',
            label: 'Manage Workspace Trust',
            tooltip: 'Trust this workspace to let BrokerKit read your kubeconfig and show the cluster.',
            icon: 'workspace-trusted',
            contextValue: 'trust',
            command: { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' },
          },
        ],
      },
    ];
  }

  // One level for the client: the nodes without their children (a lazy node's are not made just to be counted).
  const shallow = (nodes: TreeNode[]): ClusterTreeResult => ({
    nodes: nodes.map((n) => {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(n))
        if (k !== 'children' && k !== 'lazy') out[k] = (n as unknown as Record<string, unknown>)[k];
      return { ...(out as Omit<TreeNode, 'children'>), hasChildren: n.lazy ? true : !!n.children?.length };
    }),
  });

  c.onRequest(Methods.clusterContexts, (): ClusterContextsResult => {
    const info = readConfig();
    return {
      contexts: (info?.contexts ?? []).map((x) => ({
        name: x.name,
        cluster: x.cluster,
        ...(x.namespace ? { namespace: x.namespace } : {}),
      })),
      selected: st.session?.context ?? st.context ?? info?.currentContext,
      ...(st.namespace ? { namespace: st.namespace } : {}),
      files: info?.files ?? [],
      ...(!ctx.trust.trusted ? { error: RESTRICTED_WHY } : st.configError ? { error: st.configError.message } : {}),
    };
  });

  c.onRequest(Methods.clusterSelect, (p: ClusterSelectParams) => {
    if (p.context !== undefined) st.context = p.context || undefined;
    if (p.namespace !== undefined) st.namespace = p.namespace || undefined;
    restart();
    return { ok: true };
  });

  function restart(): void {
    stopSession();
    st.info = undefined;
    if (st.visible.size) {
      const s = ensureSession();
      if (s) for (const v of st.visible) st.releases.set(v, s.need(v));
    }
    for (const v of VIEWS) void c.sendNotification(Methods.clusterTreeChanged, { view: v });
  }

  c.onNotification(Methods.clusterViewVisible, (p: ClusterViewVisibleParams) => {
    if (!VIEWS.includes(p.view)) return;
    if (p.visible) {
      st.visible.add(p.view);
      if (!ready) return;
      const s = ensureSession();
      if (s && !st.releases.has(p.view)) st.releases.set(p.view, s.need(p.view));
    } else {
      st.visible.delete(p.view);
      st.releases.get(p.view)?.();
      st.releases.delete(p.view);
    }
    st.trees.delete(p.view);
    void c.sendNotification(Methods.clusterTreeChanged, { view: p.view });
  });

  c.onRequest(Methods.clusterTree, (p: ClusterTreeParams): ClusterTreeResult => {
    if (!VIEWS.includes(p.view)) return { nodes: [] };
    if (!ready)
      return shallow([
        { id: 'starting', label: 'Starting…', icon: 'loading~spin', level: 'pending', contextValue: 'loading' },
      ]);
    const t = tree(p.view);
    if (!p.parentId) return shallow(t.roots);
    return shallow(t.index.get(p.parentId)?.children ?? []);
  });

  c.onNotification(Methods.clusterRefresh, () => {
    if (st.session && st.info) {
      st.session.refresh();
      return;
    }
    restart();
  });

  const need = (): ClusterSession => {
    if (!ctx.trust.trusted) throw new Error(RESTRICTED_WHY);
    const s = st.session ?? ensureSession();
    if (!s) throw new Error(st.configError?.message ?? 'no cluster connection');
    return s;
  };

  c.onRequest(Methods.clusterObject, async (p: ClusterObjectParams): Promise<ClusterObjectResult> => {
    const o = await need().getObject(p.ref);
    if (p.styleOf && o && typeof o === 'object') {
      // For a diff with the workspace file: the file's text with the live object in its place, in its style.
      ctx.store.sync();
      const file = ctx.workspace.getFile(p.styleOf);
      if (file) return { yaml: styleLike(file.text, o).text };
    }
    if (o?.metadata) delete o.metadata.managedFields;
    return {
      yaml: `# Live ${p.ref.kind} ${p.ref.namespace ? `${p.ref.namespace}/` : ''}${p.ref.name} from context ${need().context} (read-only)\n${stringify(o, { lineWidth: 0 })}`,
    };
  });

  c.onRequest(Methods.clusterLog, async (p: ClusterLogParams): Promise<ClusterLogResult> => ({
    text: await need().getLog(p.namespace, p.pod, p.container, p.tailLines),
  }));

  c.onRequest(Methods.clusterTrustBundle, async (p: ClusterTrustBundleParams): Promise<ClusterTrustBundleResult> => {
    const cm = await need().getConfigMap(p.namespace, TRUST_BUNDLE_CONFIGMAP);
    const pem = cm?.data?.['ca.crt'];
    if (typeof pem !== 'string' || !pem.includes('BEGIN CERTIFICATE'))
      throw new Error(`ConfigMap ${p.namespace}/${TRUST_BUNDLE_CONFIGMAP} has no ca.crt certificate`);
    return { pem, configMap: TRUST_BUNDLE_CONFIGMAP, namespace: p.namespace };
  });

  c.onRequest(Methods.clusterListenerYaml, async (p: ClusterListenerYamlParams): Promise<ClusterListenerYamlResult> => {
    const s = need();
    const AIO = 'mqttbroker.iotoperations.azure.com/v1';
    const clean = (o: any) => {
      const {
        uid: _u,
        resourceVersion: _r,
        generation: _g,
        creationTimestamp: _c,
        managedFields: _m,
        ownerReferences: _o,
        ...meta
      } = o.metadata ?? {};
      return { apiVersion: o.apiVersion, kind: o.kind, metadata: meta, spec: o.spec };
    };
    const l = await s.getObject({ apiVersion: AIO, kind: 'BrokerListener', namespace: p.namespace, name: p.name });
    const docs = [clean(l)];
    const ports: any[] = Array.isArray(l.spec?.ports) ? l.spec.ports : [];
    for (const [kind, key] of [
      ['BrokerAuthentication', 'authenticationRef'],
      ['BrokerAuthorization', 'authorizationRef'],
    ] as const) {
      for (const name of new Set(ports.map((x) => x?.[key]).filter((x): x is string => typeof x === 'string' && !!x))) {
        try {
          docs.push(clean(await s.getObject({ apiVersion: AIO, kind, namespace: p.namespace, name })));
        } catch {
          /* absent or forbidden: the dev broker says what it assumes */
        }
      }
    }
    const head = `# BrokerListener ${p.namespace}/${p.name} as it runs in context ${s.context}, with what it references.\n`;
    return { yaml: head + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n') };
  });

  ctx.trust.onGranted.push(() => {
    if (ready) restart();
  });

  ctx.onSettings.push((previous) => {
    if (previous.kubeconfig !== ctx.settings.kubeconfig) {
      restart();
      return;
    }
    if (previous.clusterValidation !== ctx.settings.clusterValidation) {
      syncFactsNeed();
      updateFacts();
    }
  });

  process.once('exit', () => st.session?.stop());
}

// Every custom message between the BrokerKit client and server, declared once and imported by both sides.
// Plain types only: no vscode and no vscode-languageserver imports here, so the CLI and tests can use them too.

/** Method names. Keep them under the `brokerkit/` prefix. */
export const Methods = {
  /** server -> client notification: the workspace index finished or changed. */
  indexStatus: 'brokerkit/indexStatus',
  /** client -> server notification: the user trusted the workspace (initializationOptions.workspaceTrusted was false). */
  workspaceTrusted: 'brokerkit/workspaceTrusted',
  // Cluster views (server/src/lsp/cluster.ts, client/src/views/). Nothing touches a cluster before a view is shown.
  /** client -> server request: the kubeconfig's contexts and the current selection. */
  clusterContexts: 'brokerkit/cluster/contexts',
  /** client -> server request: choose the context and/or namespace filter (null clears the filter). */
  clusterSelect: 'brokerkit/cluster/select',
  /** client -> server notification: a cluster view became visible or hidden (informers run only for visible views). */
  clusterViewVisible: 'brokerkit/cluster/viewVisible',
  /** client -> server request: the children of a node (the roots without parentId). */
  clusterTree: 'brokerkit/cluster/tree',
  /** server -> client notification: a view's data changed (debounced watch events). */
  clusterTreeChanged: 'brokerkit/cluster/treeChanged',
  /** client -> server notification: retry now (after a sign-in), re-read the kubeconfig. */
  clusterRefresh: 'brokerkit/cluster/refresh',
  /** client -> server request: a live object as YAML (Secrets without values). */
  clusterObject: 'brokerkit/cluster/object',
  /** client -> server request: a container log. */
  clusterLog: 'brokerkit/cluster/log',
  /** client -> server request: the broker's trust bundle (ConfigMap azure-iot-operations-aio-ca-trust-bundle, ca.crt). */
  clusterTrustBundle: 'brokerkit/cluster/trustBundle',
  /** client -> server request: a live listener and the BrokerAuthentication/Authorization it names, as one YAML file
   *  for the dev broker (status and server-set metadata removed). */
  clusterListenerYaml: 'brokerkit/cluster/listenerYaml',
  /** client -> server request: which deployments the connected cluster is compared with, and why. */
  clusterTargets: 'brokerkit/cluster/targets',
  /** client -> server request: compare (or stop comparing) the deployments of a file with the cluster, this session. */
  clusterCompareDeployment: 'brokerkit/cluster/compareDeployment',
  /** server -> client notification: the answer of clusterTargets changed. */
  clusterTargetsChanged: 'brokerkit/cluster/targetsChanged',
  // The dev broker (client/src/devbroker, server/src/lsp/devbroker-lens.ts).
  /** client -> server request: the workspace's BrokerListeners the dev broker can start (answered once indexed). */
  devBrokerListeners: 'brokerkit/devBroker/listeners',
  /** client -> server notification: the dev broker started, is running or stopped (the CodeLens follows it). */
  devBrokerState: 'brokerkit/devBroker/state',
} as const;

/** One BrokerListener of the workspace with ports: what "Start Dev Broker" offers. */
export interface DevBrokerListenerInfo {
  /** The file's URI. */
  uri: string;
  name: string;
  namespace: string;
  ports: { port: number; tls: boolean; protocol: string }[];
}

export interface DevBrokerListenersParams {
  /** Only the listeners of this file. */
  uri?: string;
}

export interface DevBrokerListenersResult {
  listeners: DevBrokerListenerInfo[];
}

export interface DevBrokerStateParams {
  /** The listener the dev broker runs for; null when none runs. */
  running: {
    uri: string;
    listener: string;
    /** 'starting' until it listens on every port. */
    state: 'starting' | 'running';
    /** The ports it listens on (empty while starting). */
    ports: { port: number; tls: boolean; websockets: boolean }[];
  } | null;
}

/** One workspace deployment and whether the connected cluster is compared with it (engine DeploymentTarget). */
export interface ClusterTargetInfo {
  id: string;
  label: string;
  compared: boolean;
  reason: 'exists' | 'none' | 'setting' | 'command' | 'all';
  existing: string[];
  detail?: string;
}

export interface ClusterTargetsResult {
  /** The connected context; absent when no cluster facts are used (no view shown, setting off, unreachable). */
  context?: string;
  targets: ClusterTargetInfo[];
}

export interface ClusterCompareDeploymentParams {
  /** A file of the deployment(s); or `id`, one deployment. */
  uri?: string;
  id?: string;
  /** true: compare with the cluster; false: do not; null: back to the default. */
  compare: boolean | null;
}

export type { TreeNode, ObjectRef, NodeLevel } from './kube/tree-node';
import type { TreeNode, ObjectRef } from './kube/tree-node';

export type ClusterView = 'listeners' | 'serviceConnector';

export interface ClusterContextsResult {
  contexts: { name: string; cluster: string; namespace?: string }[];
  /** The context in use (the kubeconfig's current one unless the user picked another). */
  selected?: string;
  namespace?: string;
  files: string[];
  /** Why there is no usable kubeconfig, if there is none. */
  error?: string;
}

export interface ClusterSelectParams {
  context?: string;
  namespace?: string | null;
}
export interface ClusterViewVisibleParams {
  view: ClusterView;
  visible: boolean;
}
export interface ClusterTreeParams {
  view: ClusterView;
  parentId?: string;
}
/** Nodes without their children: `hasChildren` says whether to ask for them. */
export interface ClusterTreeResult {
  nodes: (Omit<TreeNode, 'children'> & { hasChildren: boolean })[];
}
export interface ClusterTreeChangedParams {
  view: ClusterView;
}
export interface ClusterObjectParams {
  ref: ObjectRef;
  /** A workspace file (URI) to compare with: the object is printed in that file's style, in place of its document. */
  styleOf?: string;
}
export interface ClusterObjectResult {
  yaml: string;
}
export interface ClusterLogParams {
  namespace: string;
  pod: string;
  container: string;
  tailLines?: number;
}
export interface ClusterLogResult {
  text: string;
}
export interface ClusterTrustBundleParams {
  namespace: string;
}
export interface ClusterTrustBundleResult {
  pem: string;
  configMap: string;
  namespace: string;
}
export interface ClusterListenerYamlParams {
  namespace: string;
  name: string;
}
export interface ClusterListenerYamlResult {
  yaml: string;
}

/** What the client sends in `initializationOptions` (every field optional; other editors send none). */
export interface BrokerKitInitializationOptions {
  /** false: Restricted Mode (no kubeconfig read, no process started) until brokerkit/workspaceTrusted. Absent: trusted. */
  workspaceTrusted?: boolean;
  settings?: unknown;
  /** The scheme of the client's read-only documents of live objects: findings from the cluster link to them. */
  liveDocuments?: string;
}

export interface IndexStatusParams {
  state: 'indexing' | 'ready';
  files: number;
  documents: number;
}

/** Settings under `brokerkit.*`. Defaults live in server/src/settings.ts and package.json; a test keeps them in sync. */
export interface BrokerKitSettings {
  defaultNamespace: string;
  assumeBuiltins: boolean;
  /** Kubeconfig file(s) for the cluster views and cluster-aware validation; empty = KUBECONFIG or ~/.kube/config. */
  kubeconfig: string;
  /** Use what runs in the connected cluster as validation facts (live listeners, issuers, secrets...). */
  clusterValidation: boolean;
  /**
   * Which cluster each folder or kustomization is deployed to: path (relative to the workspace folder) -> kube
   * context name(s). A mapped deployment is compared with the connected cluster only when its context is the one
   * connected; an unmapped one when one of its objects already runs there.
   */
  clusterTargets: Record<string, string[]>;
  exclude: string[];
  maxFileSize: number;
  /** Which files are applied together: 'folder' (each folder, kustomization, Flux or Argo CD path) or 'workspace'. */
  deployments: 'folder' | 'workspace';
  /** Read by the client's LanguageClient (`brokerkit.trace.server`); listed here so the drift test covers it. */
  trace: { server: 'off' | 'messages' | 'verbose' };
}

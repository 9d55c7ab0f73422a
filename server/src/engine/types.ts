// Public types of the engine. No vscode, no LSP, no I/O: plain data in, plain data out.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Position {
  line: number;
  character: number;
} // 0-based, UTF-16 columns (as LSP)
export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedInfo {
  /** Absent when the other side has no file (an AIO built-in object, or an object only in the cluster). */
  uri?: string;
  range?: Range;
  message: string;
  /** The other side is this object in the connected cluster (the host can open it read-only). */
  live?: LiveRef;
}

/** An object in the connected cluster. */
export interface LiveRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  uri: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  related: RelatedInfo[];
  /** For a finding about relations between objects: the deployment it was judged in (its label). */
  deployment?: string;
  /** The file that makes that deployment one (its kustomization, Flux Kustomization or Argo CD Application). */
  deploymentSource?: string;
  /**
   * True when that deployment is the only one and no file makes it one (a plain folder, or one file checked alone):
   * the editor then does not add it to every finding's related locations (the command line still names it).
   */
  deploymentOnly?: boolean;
  /** Machine-readable hints for quick fixes (kept small and JSON-serialisable). */
  data?: Record<string, unknown>;
}

/** A Kubernetes object known to exist outside the workspace (a live cluster), as plain JSON. */
export interface FactObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export interface Facts {
  /** Objects read from a cluster. Secrets carry metadata, `type` and `data['tls.crt']` only, never keys. */
  objects: FactObject[];
  /** A label for messages, e.g. the kube context name. */
  source?: string;
  /**
   * True when the facts describe the whole cluster for the kinds they list (a connected cluster): then the
   * AIO built-in objects are not assumed, the live ones stand in for them.
   */
  complete?: boolean;
  /**
   * Which workspace deployments the facts are compared with. 'existing' (the default): a deployment at least one of
   * whose objects the cluster already holds (same kind, namespace and name; AIO's own objects, which every AIO cluster
   * has, do not count), unless the host's targeting (Workspace.setClusterTargeting) says otherwise. 'all': every
   * deployment, whatever the targeting says.
   */
  compare?: 'existing' | 'all';
}

/** What the host knows of a deployment when it decides whether the cluster is compared with it. */
export interface TargetQuery {
  id: string;
  label: string;
  /** The deployment's files (URIs). */
  files: readonly string[];
}

/** The host's say on one deployment: compared or not, and why (shown to the user). */
export interface TargetChoice {
  compare: boolean;
  /** 'setting': a setting maps it to this or another cluster; 'command': the user asked for it in this session. */
  reason: 'setting' | 'command';
  /** E.g. the setting's key and value. */
  detail?: string;
}

/** The host's targeting: undefined from choose() leaves the default (compared when one of its objects exists). */
export interface ClusterTargeting {
  choose(d: TargetQuery): TargetChoice | undefined;
}

/** Whether the connected cluster is compared with one deployment, and why. */
export interface DeploymentTarget {
  id: string;
  label: string;
  compared: boolean;
  /**
   * 'exists': some of its objects run in the cluster; 'none': none does; 'setting' / 'command': the user said so;
   * 'all': the facts are compared with every deployment.
   */
  reason: 'exists' | 'none' | 'setting' | 'command' | 'all';
  /** Up to five of its objects that exist in the cluster ('Kind namespace/name'). */
  existing: string[];
  detail?: string;
}

export interface EngineOptions {
  /** Namespace assumed when `metadata.namespace` is missing. */
  defaultNamespace: string;
  /** Assume AIO's built-in objects (default listener, default authentication, default ClusterIssuer). */
  assumeBuiltins: boolean;
  /** Files larger than this (bytes, UTF-16 length) get one info finding and are not parsed. */
  maxFileSize: number;
  /** Codes never reported. */
  ignore: string[];
  /** The current time, for certificate expiry (injected so tests are stable). */
  now?: () => Date;
  /**
   * True for a file under a Helm chart's `templates/` folder (beside a Chart.yaml): every `{{` in it is template
   * syntax. The host answers from the file system; without it only `{{` where YAML has no scalar marks a template.
   */
  chartTemplate?: (uri: string) => boolean;
  /**
   * Which files are applied together (deployments.ts): 'folder' (a folder, a kustomization, or what a Flux / Argo CD
   * object applies) or 'workspace' (every file outside a kustomization is one deployment).
   */
  deployments?: 'folder' | 'workspace';
}

export const defaultEngineOptions: EngineOptions = {
  defaultNamespace: 'azure-iot-operations',
  assumeBuiltins: true,
  maxFileSize: 16 * 1024 * 1024,
  ignore: [],
};

export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('validation cancelled');
  }
}

// The node shape of BrokerKit's cluster tree views: plain JSON sent from the language server to the client, which
// renders it without knowing Kubernetes. No imports: protocol.ts re-exports it for both sides.

export type NodeLevel = 'ok' | 'warning' | 'error' | 'info' | 'pending';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface TreeNode {
  /** Stable across updates (the client keeps expansion and selection by it). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon name ('server', 'plug', 'key', 'error', ...). */
  icon?: string;
  level?: NodeLevel;
  /** Drives the context menu: 'context', 'listener', 'port', 'job', 'pod', 'log', 'problem', 'diagnosis', 'release', 'connection', ... */
  contextValue?: string;
  /** Expanded when first shown. */
  expanded?: boolean;
  children?: TreeNode[];
  /**
   * The children are made when first read (a getter): details nobody may open, such as a port's attributes at 10,000
   * listeners. Code that indexes every node stops at such a node; it has children.
   */
  lazy?: boolean;
  /** The live object behind the node (open read-only, compare with the workspace). */
  ref?: ObjectRef;
  /** An editor command run when the node is clicked (e.g. workbench.trust.manage). */
  command?: { command: string; title: string; arguments?: unknown[] };
  /** Action data: `mosquittoPub` (a command line), `fix` (a command to copy), `log` ({namespace,pod,container}), `trustBundle` ({namespace}). */
  data?: Record<string, unknown>;
}

/** Gives `node` children made by `make` on first read (and kept), and marks it `lazy`. */
export function withLazyChildren(node: TreeNode, make: () => TreeNode[]): TreeNode {
  let made: TreeNode[] | undefined;
  Object.defineProperty(node, 'children', { enumerable: true, configurable: true, get: () => (made ??= make()) });
  node.lazy = true;
  return node;
}

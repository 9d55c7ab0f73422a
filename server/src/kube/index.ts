// The Kubernetes module's public face. Nothing here does I/O at import time.
import { loadKubeconfig, KubeconfigInfo } from './config';
import { ClusterSession, SessionOptions } from './session';

export { loadKubeconfig, kubeconfigFiles, selectContext } from './config';
export type { KubeconfigInfo } from './config';
export { ClusterSession } from './session';
export type { ClusterSnapshot, SessionOptions, Consumer, ResourceSlice, JobRecord } from './session';
export { KubeError, isAbort } from './errors';
export { clusterFacts } from './facts';
export { inspectModel, listenersModel, jobsModel, releasesModel, connectionsModel } from './model';
export type { InspectModel } from './model';
export { listenersTree, serviceConnectorTree, treeText, mosquittoPub, TreeBuilder } from './trees';
export type { TreeNode, ObjectRef } from './tree-node';

export interface ConnectOptions extends SessionOptions {
  /** Kubeconfig file(s); default KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string | string[];
  context?: string;
}

/** Reads the kubeconfig and makes a session for one context (no cluster I/O until something is needed). */
export function connect(o: ConnectOptions = {}): { info: KubeconfigInfo; session: ClusterSession } {
  const info = loadKubeconfig(o.kubeconfig);
  return { info, session: new ClusterSession(info, o.context, o) };
}

// What a YAML document is: kind detection and identity (AIO's and cert-manager's groups and versions).
import type { ChunkRef } from './parse';

export const AIO_GROUP = 'mqttbroker.iotoperations.azure.com';
export const LEGACY_AIO_GROUP = 'mq.iotoperations.azure.com';
export const CERT_MANAGER_GROUP = 'cert-manager.io';

export const AIO_KINDS = new Set(['BrokerListener', 'BrokerAuthentication', 'BrokerAuthorization', 'Broker']);
export const WORKLOAD_KINDS = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
]);
const CLUSTER_SCOPED = new Set([
  'ClusterIssuer',
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

export type Origin = 'workspace' | 'cluster' | 'builtin';

export interface Resource {
  readonly kind: string;
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly name: string | undefined;
  /** Effective namespace ('' for cluster-scoped kinds). */
  readonly namespace: string;
  /** True when metadata.namespace was missing and the default was assumed. */
  readonly namespaceAssumed: boolean;
  // The object as plain JSON.
  readonly value: Record<string, any>;
  readonly origin: Origin;
  /** Where it is written (workspace objects only). */
  readonly chunk?: ChunkRef;
  /** identity() of this object, computed once. */
  readonly id: string;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function toResource(
  value: unknown,
  origin: Origin,
  defaultNamespace: string,
  chunk?: ChunkRef,
): Resource | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, any>;
  if (typeof v.kind !== 'string' || typeof v.apiVersion !== 'string') return undefined;
  const { group, version } = splitApiVersion(v.apiVersion);
  const meta = v.metadata && typeof v.metadata === 'object' ? v.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  const nsGiven = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  const clusterScoped = isClusterScoped(v.kind);
  return {
    kind: v.kind,
    apiVersion: v.apiVersion,
    group,
    version,
    name,
    namespace: clusterScoped ? '' : (nsGiven ?? defaultNamespace),
    namespaceAssumed: !clusterScoped && nsGiven === undefined,
    value: v,
    origin,
    chunk,
    id: `${v.kind}/${clusterScoped ? '' : (nsGiven ?? defaultNamespace)}/${name ?? ''}`,
  };
}

/** True for the objects BrokerKit has something to say about (used to keep activation and indexing cheap). */
export function isRelevant(r: Resource): boolean {
  if (r.group === AIO_GROUP || r.group === LEGACY_AIO_GROUP || r.group === CERT_MANAGER_GROUP) return true;
  if (
    r.group === '' &&
    (r.kind === 'Secret' || r.kind === 'ServiceAccount' || r.kind === 'Service' || r.kind === 'ConfigMap')
  )
    return true;
  return WORKLOAD_KINDS.has(r.kind);
}

export function isAio(r: Resource, kind: string): boolean {
  return r.kind === kind && r.group === AIO_GROUP;
}

export function identity(r: { kind: string; namespace: string; name?: string; id?: string }): string {
  return r.id ?? `${r.kind}/${r.namespace}/${r.name ?? ''}`;
}

export function describe(r: Resource): string {
  const where = r.origin === 'builtin' ? ' (AIO built-in)' : r.origin === 'cluster' ? ' (in the cluster)' : '';
  return `${r.kind} '${r.name ?? '?'}'${where}`;
}

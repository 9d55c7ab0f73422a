// What BrokerKit reads from a cluster: one entry per informer, with the path, selectors and a transform that shrinks
// each object on arrival. Secret values never stay in memory: only key names, `type` and (TLS secrets) `tls.crt`.
import { gunzipSync } from 'node:zlib';

export const AIO_GROUP = 'mqttbroker.iotoperations.azure.com';
export const CERT_MANAGER_GROUP = 'cert-manager.io';
/** Service Connector's operator namespace. */
export const SC_NAMESPACE = 'sc-system';

export type ResourceKey =
  | 'brokerlisteners'
  | 'brokers'
  | 'brokerauthentications'
  | 'brokerauthorizations'
  | 'services'
  | 'certificates'
  | 'issuers'
  | 'clusterissuers'
  | 'secrets'
  | 'serviceaccounts'
  | 'configmaps'
  | 'helmreleases'
  | 'scjobs'
  | 'scpods'
  | 'scevents'
  | 'deployments'
  | 'statefulsets'
  | 'daemonsets';

export interface ResourceSpec {
  key: ResourceKey;
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** A fixed namespace (sc-system objects); otherwise the namespace filter, or all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  transform?: (o: any) => any;
}

const DROP_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** Metadata without managedFields and without annotations that may carry a copy of the object (and its secrets). */
export function slimMetadata(m: any): any {
  if (!m || typeof m !== 'object') return {};
  const { managedFields: _mf, annotations, ...rest } = m;
  const out: any = { ...rest };
  if (annotations && typeof annotations === 'object') {
    const kept: Record<string, string> = {};
    for (const [k, v] of Object.entries(annotations)) if (!DROP_ANNOTATIONS.includes(k)) kept[k] = String(v);
    if (Object.keys(kept).length) out.annotations = kept;
  }
  return out;
}

function slim(o: any): any {
  return { ...o, metadata: slimMetadata(o.metadata) };
}

/**
 * A Secret as BrokerKit keeps it: metadata, `type`, the key names (`dataKeys`) and, for TLS secrets, `data['tls.crt']`.
 * `tls.key` and every other value are dropped on arrival.
 */
export function stripSecret(o: any): any {
  const data = o?.data && typeof o.data === 'object' ? o.data : {};
  const keys = [...new Set([...Object.keys(data), ...Object.keys(o?.stringData ?? {})])].sort();
  const out: any = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: slimMetadata(o?.metadata),
    type: o?.type ?? 'Opaque',
    dataKeys: keys,
  };
  // Annotations on Secrets are dropped too except workload-identity ones: some tools store values in them.
  if (out.metadata.annotations) {
    const kept = Object.fromEntries(
      Object.entries(out.metadata.annotations).filter(
        ([k]) => k.startsWith('azure.workload.identity/') || k === 'kubernetes.io/service-account.name',
      ),
    );
    if (Object.keys(kept).length) out.metadata.annotations = kept;
    else delete out.metadata.annotations;
  }
  if (typeof data['tls.crt'] === 'string') out.data = { 'tls.crt': data['tls.crt'] };
  return out;
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart?: string;
  version?: string;
  appVersion?: string;
  description?: string;
  lastDeployed?: string;
  firstDeployed?: string;
  secretName: string;
  decodeError?: string;
}

/** Reads a Helm v3 release Secret: labels for the status, data.release for chart and description. */
export function decodeHelmRelease(o: any): HelmRelease {
  const labels = o?.metadata?.labels ?? {};
  const r: HelmRelease = {
    name:
      labels.name ??
      String(o?.metadata?.name ?? '')
        .replace(/^sh\.helm\.release\.v1\./, '')
        .replace(/\.v\d+$/, ''),
    namespace: o?.metadata?.namespace ?? '',
    revision: Number(labels.version ?? 0),
    status: labels.status ?? 'unknown',
    secretName: o?.metadata?.name ?? '',
  };
  const raw = o?.data?.release;
  if (typeof raw === 'string') {
    try {
      let buf = Buffer.from(Buffer.from(raw, 'base64').toString('latin1'), 'base64');
      if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
      const rel = JSON.parse(buf.toString('utf8'));
      const info = rel.info ?? {};
      const ci = (obj: any, key: string) => {
        if (!obj) return undefined;
        const k = Object.keys(obj).find((x) => x.toLowerCase() === key);
        return k ? obj[k] : undefined;
      };
      r.name = rel.name ?? r.name;
      r.revision = Number(rel.version ?? r.revision);
      r.status = ci(info, 'status') ?? r.status;
      r.description = ci(info, 'description');
      r.lastDeployed = ci(info, 'last_deployed');
      r.firstDeployed = ci(info, 'first_deployed');
      r.chart = rel.chart?.metadata?.name;
      r.version = rel.chart?.metadata?.version;
      r.appVersion = rel.chart?.metadata?.appVersion;
    } catch (e) {
      r.decodeError = `cannot decode the release data: ${(e as Error).message}`;
    }
  }
  return r;
}

function helmTransform(o: any): any {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: slimMetadata(o.metadata),
    type: o.type,
    release: decodeHelmRelease(o),
  };
}

/** Pods keep what the tree shows: phase, container states, owner, labels. */
function podTransform(o: any): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: slimMetadata(o.metadata),
    spec: {
      containers: (o.spec?.containers ?? []).map((c: any) => ({ name: c.name, image: c.image })),
      nodeName: o.spec?.nodeName,
    },
    status: {
      phase: o.status?.phase,
      reason: o.status?.reason,
      message: o.status?.message,
      startTime: o.status?.startTime,
      conditions: o.status?.conditions,
      containerStatuses: o.status?.containerStatuses,
      initContainerStatuses: o.status?.initContainerStatuses,
    },
  };
}

/** Workloads keep only what tells which Secrets and ServiceAccounts their pods use. */
function workloadTransform(o: any): any {
  const pod = o.spec?.template?.spec ?? {};
  const refs = (cs: any[]) =>
    (cs ?? []).map((c: any) => ({
      name: c.name,
      envFrom: (c.envFrom ?? [])
        .map((e: any) => (e.secretRef ? { secretRef: { name: e.secretRef.name } } : {}))
        .filter((e: any) => e.secretRef),
      env: (c.env ?? [])
        .filter((e: any) => e.valueFrom?.secretKeyRef)
        .map((e: any) => ({
          name: e.name,
          valueFrom: { secretKeyRef: { name: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key } },
        })),
    }));
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: slimMetadata(o.metadata),
    spec: {
      template: {
        metadata: { labels: o.spec?.template?.metadata?.labels ?? {} },
        spec: {
          serviceAccountName: pod.serviceAccountName,
          containers: refs(pod.containers),
          initContainers: refs(pod.initContainers),
          volumes: (pod.volumes ?? [])
            .filter((v: any) => v.secret)
            .map((v: any) => ({ name: v.name, secret: { secretName: v.secret.secretName } })),
        },
      },
    },
  };
}

export const SPECS: Record<ResourceKey, ResourceSpec> = {
  brokerlisteners: {
    key: 'brokerlisteners',
    group: AIO_GROUP,
    version: 'v1',
    resource: 'brokerlisteners',
    kind: 'BrokerListener',
    namespaced: true,
    transform: slim,
  },
  brokers: {
    key: 'brokers',
    group: AIO_GROUP,
    version: 'v1',
    resource: 'brokers',
    kind: 'Broker',
    namespaced: true,
    transform: slim,
  },
  brokerauthentications: {
    key: 'brokerauthentications',
    group: AIO_GROUP,
    version: 'v1',
    resource: 'brokerauthentications',
    kind: 'BrokerAuthentication',
    namespaced: true,
    transform: slim,
  },
  brokerauthorizations: {
    key: 'brokerauthorizations',
    group: AIO_GROUP,
    version: 'v1',
    resource: 'brokerauthorizations',
    kind: 'BrokerAuthorization',
    namespaced: true,
    transform: slim,
  },
  services: {
    key: 'services',
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    transform: slim,
  },
  certificates: {
    key: 'certificates',
    group: CERT_MANAGER_GROUP,
    version: 'v1',
    resource: 'certificates',
    kind: 'Certificate',
    namespaced: true,
    transform: slim,
  },
  issuers: {
    key: 'issuers',
    group: CERT_MANAGER_GROUP,
    version: 'v1',
    resource: 'issuers',
    kind: 'Issuer',
    namespaced: true,
    transform: slim,
  },
  clusterissuers: {
    key: 'clusterissuers',
    group: CERT_MANAGER_GROUP,
    version: 'v1',
    resource: 'clusterissuers',
    kind: 'ClusterIssuer',
    namespaced: false,
    transform: slim,
  },
  secrets: {
    key: 'secrets',
    group: '',
    version: 'v1',
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    transform: stripSecret,
  },
  serviceaccounts: {
    key: 'serviceaccounts',
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    transform: slim,
  },
  configmaps: {
    key: 'configmaps',
    group: '',
    version: 'v1',
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    transform: slim,
  },
  helmreleases: {
    key: 'helmreleases',
    group: '',
    version: 'v1',
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    namespace: SC_NAMESPACE,
    labelSelector: 'owner=helm',
    transform: helmTransform,
  },
  scjobs: {
    key: 'scjobs',
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    kind: 'Job',
    namespaced: true,
    namespace: SC_NAMESPACE,
    transform: slim,
  },
  scpods: {
    key: 'scpods',
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    namespace: SC_NAMESPACE,
    transform: podTransform,
  },
  scevents: {
    key: 'scevents',
    group: '',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    namespace: SC_NAMESPACE,
    transform: slim,
  },
  deployments: {
    key: 'deployments',
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    transform: workloadTransform,
  },
  statefulsets: {
    key: 'statefulsets',
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    transform: workloadTransform,
  },
  daemonsets: {
    key: 'daemonsets',
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
    transform: workloadTransform,
  },
};

/** What each consumer needs (only these informers run). */
export const NEEDS = {
  listeners: [
    'brokerlisteners',
    'services',
    'certificates',
    'secrets',
    'brokerauthentications',
    'brokerauthorizations',
    'issuers',
    'clusterissuers',
  ] as ResourceKey[],
  serviceConnector: [
    'helmreleases',
    'scjobs',
    'scpods',
    'scevents',
    'secrets',
    'serviceaccounts',
    'deployments',
    'statefulsets',
    'daemonsets',
  ] as ResourceKey[],
  facts: [
    'brokerlisteners',
    'brokers',
    'issuers',
    'clusterissuers',
    'secrets',
    'brokerauthentications',
    'brokerauthorizations',
    'services',
    'serviceaccounts',
  ] as ResourceKey[],
};

/** The collection path of a spec, for one namespace or all. */
export function collectionPath(spec: ResourceSpec, namespace?: string): string {
  const base = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
  const ns = spec.namespace ?? namespace;
  return spec.namespaced && ns
    ? `${base}/namespaces/${encodeURIComponent(ns)}/${spec.resource}`
    : `${base}/${spec.resource}`;
}

export function objectPath(
  spec: { group: string; version: string; resource: string; namespaced: boolean },
  namespace: string | undefined,
  name: string,
): string {
  const base = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
  return spec.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${spec.resource}/${encodeURIComponent(name)}`
    : `${base}/${spec.resource}/${encodeURIComponent(name)}`;
}

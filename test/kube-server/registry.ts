// The resource types the test server serves, as discovery lists them. Names, kinds, verbs and short names follow the
// real API server (core/v1, batch/v1, apps/v1) and the CRDs in schemas/crds (AIO mqttbroker v1, cert-manager v1).

export interface ResourceType {
  group: string; // '' for core
  version: string;
  name: string; // plural
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[]; // 'status', 'log', 'scale'
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const AIO_GROUP = 'mqttbroker.iotoperations.azure.com';
export const CERT_MANAGER_GROUP = 'cert-manager.io';

export const CORE_TYPES: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['log', 'status'],
  },
  {
    group: '',
    version: 'v1',
    name: 'services',
    singularName: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  },
  { group: '', version: 'v1', name: 'secrets', singularName: 'secret', kind: 'Secret', namespaced: true },
  {
    group: '',
    version: 'v1',
    name: 'configmaps',
    singularName: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: '',
    version: 'v1',
    name: 'serviceaccounts',
    singularName: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    version: 'v1',
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  },
  {
    group: 'batch',
    version: 'v1',
    name: 'jobs',
    singularName: 'job',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'daemonsets',
    singularName: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  },
];

export const CERT_MANAGER_TYPES: ResourceType[] = [
  {
    group: CERT_MANAGER_GROUP,
    version: 'v1',
    name: 'issuers',
    singularName: 'issuer',
    kind: 'Issuer',
    namespaced: true,
    categories: ['cert-manager'],
    subresources: ['status'],
  },
  {
    group: CERT_MANAGER_GROUP,
    version: 'v1',
    name: 'clusterissuers',
    singularName: 'clusterissuer',
    kind: 'ClusterIssuer',
    namespaced: false,
    categories: ['cert-manager'],
    subresources: ['status'],
  },
  {
    group: CERT_MANAGER_GROUP,
    version: 'v1',
    name: 'certificates',
    singularName: 'certificate',
    kind: 'Certificate',
    namespaced: true,
    shortNames: ['cert', 'certs'],
    categories: ['cert-manager'],
    subresources: ['status'],
  },
];

// Short name equals the singular; status subresource present.
export const AIO_TYPES: ResourceType[] = [
  {
    group: AIO_GROUP,
    version: 'v1',
    name: 'brokers',
    singularName: 'broker',
    kind: 'Broker',
    namespaced: true,
    shortNames: ['broker'],
    subresources: ['status'],
  },
  {
    group: AIO_GROUP,
    version: 'v1',
    name: 'brokerlisteners',
    singularName: 'brokerlistener',
    kind: 'BrokerListener',
    namespaced: true,
    shortNames: ['brokerlistener'],
    subresources: ['status'],
  },
  {
    group: AIO_GROUP,
    version: 'v1',
    name: 'brokerauthentications',
    singularName: 'brokerauthentication',
    kind: 'BrokerAuthentication',
    namespaced: true,
    shortNames: ['brokerauthentication'],
    subresources: ['status'],
  },
  {
    group: AIO_GROUP,
    version: 'v1',
    name: 'brokerauthorizations',
    singularName: 'brokerauthorization',
    kind: 'BrokerAuthorization',
    namespaced: true,
    shortNames: ['brokerauthorization'],
    subresources: ['status'],
  },
];

export function verbsOf(_t: ResourceType): string[] {
  return RW;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function typeKey(t: ResourceType): string {
  return `${t.group}/${t.name}`;
}

/** The type registry of one server: which groups exist (AIO and cert-manager can be left out: "not installed"). */
export class Registry {
  readonly types: ResourceType[];
  constructor(opts: { aio?: boolean; certManager?: boolean } = {}) {
    this.types = [
      ...CORE_TYPES,
      ...(opts.certManager === false ? [] : CERT_MANAGER_TYPES),
      ...(opts.aio === false ? [] : AIO_TYPES),
    ];
  }
  byGroupVersionName(group: string, version: string, name: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.name === name);
  }
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const i = apiVersion.lastIndexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }
  groups(): { name: string; versions: string[] }[] {
    const m = new Map<string, Set<string>>();
    for (const t of this.types) if (t.group) (m.get(t.group) ?? m.set(t.group, new Set()).get(t.group)!).add(t.version);
    return [...m].map(([name, v]) => ({ name, versions: [...v] }));
  }
  resourcesOf(group: string, version: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.version === version);
  }
}

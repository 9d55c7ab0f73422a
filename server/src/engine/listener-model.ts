// A view of the BrokerListeners in an index that the listener-set rules share, computed once per validation.
//
// Identity: every document with the same (kind, namespace, name)
// describes ONE listener — a kustomize base and its overlay patch, say. So the rules never compare a listener with
// itself, and a patch that leaves out a field (serviceType, serviceName) does not reset it to its default: the default
// applies only when no document of the listener states the field.
import type { Path } from './parse';
import { AIO_GROUP, LEGACY_AIO_GROUP, Resource, identity } from './resources';
import type { Index } from './workspace-index';

export interface PortRef {
  /** The document the port entry is written in. */
  readonly doc: Resource;
  readonly index: number;
  /** The raw port entry (an object; the rules check field types themselves). */
  readonly entry: Record<string, any>;
  readonly path: Path;
}

export interface Stated<T> {
  readonly value: T;
  readonly doc: Resource;
  readonly path: Path;
}

export interface ListenerGroup {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** `namespace/brokerRef` (a missing brokerRef means `default`). */
  readonly broker: string;
  readonly docs: Resource[];
  /** Where the listener comes from: any workspace document makes it a workspace listener. */
  readonly origin: Resource['origin'];
  /** Service types the documents state, canonical spelling (ClusterIp/LoadBalancer/NodePort or the raw text). */
  readonly serviceTypes: Stated<string>[];
  /** The effective service types: the stated ones, or `ClusterIp` (the CRD default) when none is stated. */
  readonly effectiveTypes: ReadonlySet<string>;
  /** Service names the documents state (`spec.serviceName`); the listener name is used when none is stated. */
  readonly serviceNames: Stated<string>[];
  /** The Service names the listener gets, where they are written: serviceNames, or else its name in each document. */
  readonly serviceClaims: Stated<string>[];
  readonly ports: PortRef[];
}

export interface ListenerModel {
  readonly groups: ListenerGroup[];
  readonly byBroker: Map<string, ListenerGroup[]>;
  readonly byNamespace: Map<string, ListenerGroup[]>;
}

const SERVICE_TYPES: Record<string, string> = {
  clusterip: 'ClusterIp',
  loadbalancer: 'LoadBalancer',
  nodeport: 'NodePort',
};

/**
 * The canonical service type. The CRD accepts `ClusterIp`/`clusterIp` etc.; other casings such as
 * Kubernetes' `ClusterIP` are rejected by the schema rule, but the user's intent is clear, so the set rules treat them
 * as that type too (the clash is real once the spelling is fixed).
 */
export function canonicalServiceType(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return SERVICE_TYPES[v.toLowerCase()] ?? v;
}

const cache = new WeakMap<Index, ListenerModel>();
const NAME_PATH: Path = ['metadata', 'name'];
const TYPE_PATH: Path = ['spec', 'serviceType'];
const SERVICE_NAME_PATH: Path = ['spec', 'serviceName'];
const portPaths: Path[] = [];
const portPath = (i: number): Path => portPaths[i] ?? (portPaths[i] = ['spec', 'ports', i]);
/** Shared one-element sets for the usual single service type (read-only by convention). */
const singleTypes = new Map<string, ReadonlySet<string>>();
const typeSet = (t: string): ReadonlySet<string> => {
  let s = singleTypes.get(t);
  if (!s) {
    s = new Set([t]);
    if (singleTypes.size < 50) singleTypes.set(t, s);
  }
  return s;
};

/** What one document says about its listener; depends only on the document's value, so it is kept with it. */
interface DocInfo {
  brokerRef?: string;
  type?: string;
  serviceName?: string;
  ports: { index: number; entry: Record<string, any> }[];
}
const docInfos = new WeakMap<object, DocInfo>();

function docInfo(value: Record<string, any>): DocInfo {
  let info = docInfos.get(value);
  if (info) return info;
  info = { ports: [] };
  const spec = value.spec;
  if (spec && typeof spec === 'object') {
    if (typeof spec.brokerRef === 'string' && spec.brokerRef !== '') info.brokerRef = spec.brokerRef;
    info.type = canonicalServiceType(spec.serviceType);
    if (typeof spec.serviceName === 'string' && spec.serviceName !== '') info.serviceName = spec.serviceName;
    if (Array.isArray(spec.ports)) {
      spec.ports.forEach((p: unknown, i: number) => {
        if (p && typeof p === 'object' && !Array.isArray(p))
          info!.ports.push({ index: i, entry: p as Record<string, any> });
      });
    }
  }
  docInfos.set(value, info);
  return info;
}

const brokerKeys = new Map<string, string>();
function brokerKey(ns: string, broker: string): string {
  const k = broker === 'default' ? ns : `${ns}\u0000${broker}`;
  let v = brokerKeys.get(k);
  if (v === undefined) {
    v = `${ns}/${broker}`;
    if (brokerKeys.size < 10000) brokerKeys.set(k, v);
  }
  return v;
}

export function listenerModel(index: Index): ListenerModel {
  let m = cache.get(index);
  if (!m) {
    m = build(index);
    cache.set(index, m);
  }
  return m;
}

function build(index: Index): ListenerModel {
  const group = AIO_GROUP; // a local: hot loops, and transpiled imports are getters
  const byId = new Map<string, Resource[]>();
  for (const r of index.ofKind('BrokerListener')) {
    if (r.group !== group || r.name === undefined) continue;
    const id = identity(r);
    const l = byId.get(id);
    if (l) l.push(r);
    else byId.set(id, [r]);
  }
  const groups: ListenerGroup[] = [];
  for (const [id, docs] of byId) {
    // A listener written in one document (the usual case) is the same group as long as that document lives.
    let g = docs.length === 1 ? single.get(docs[0]) : undefined;
    if (!g) {
      g = group1(id, docs);
      if (docs.length === 1) single.set(docs[0], g);
    }
    groups.push(g);
  }
  // The groupings are made when a rule asks (node-port-conflict, over every listener of the cluster, needs neither).
  let byBroker: Map<string, ListenerGroup[]> | undefined;
  let byNamespace: Map<string, ListenerGroup[]> | undefined;
  return {
    groups,
    get byBroker() {
      if (!byBroker) {
        byBroker = new Map();
        for (const g of groups) push(byBroker, g.broker, g);
      }
      return byBroker;
    },
    get byNamespace() {
      if (!byNamespace) {
        byNamespace = new Map();
        for (const g of groups) push(byNamespace, g.namespace, g);
      }
      return byNamespace;
    },
  };
}

/** Groups of one document, per document (its value never changes). */
const single = new WeakMap<Resource, ListenerGroup>();

/** One listener from its documents (a base and its overlays, or one document). */
function group1(id: string, docs: Resource[]): ListenerGroup {
  const first = docs[0];
  let brokerRef: string | undefined;
  let origin = first.origin;
  const serviceTypes: Stated<string>[] = [];
  const serviceNames: Stated<string>[] = [];
  const ports: PortRef[] = [];
  for (const d of docs) {
    if (d.origin === 'workspace') origin = 'workspace';
    const info = docInfo(d.value);
    if (brokerRef === undefined) brokerRef = info.brokerRef;
    if (info.type) serviceTypes.push({ value: info.type, doc: d, path: TYPE_PATH });
    if (info.serviceName) serviceNames.push({ value: info.serviceName, doc: d, path: SERVICE_NAME_PATH });
    for (let k = 0; k < info.ports.length; k++) {
      const pe = info.ports[k];
      ports.push({ doc: d, index: pe.index, entry: pe.entry, path: portPath(pe.index) });
    }
  }
  let effectiveTypes: ReadonlySet<string>;
  if (serviceTypes.length === 0) effectiveTypes = typeSet('ClusterIp');
  else if (serviceTypes.length === 1) effectiveTypes = typeSet(serviceTypes[0].value);
  else effectiveTypes = new Set(serviceTypes.map((t) => t.value));
  return {
    id,
    name: first.name!,
    namespace: first.namespace,
    broker: brokerKey(first.namespace, brokerRef ?? 'default'),
    docs,
    origin,
    serviceTypes,
    effectiveTypes,
    serviceNames,
    ports,
    serviceClaims: serviceNames.length
      ? serviceNames
      : docs.map((d) => ({ value: first.name!, doc: d, path: NAME_PATH })),
  };
}

/** The Service names a listener gets: the stated `serviceName`s, or its own name. */
export function serviceNamesOf(g: ListenerGroup): Stated<string>[] {
  return g.serviceClaims;
}

/** Where a listener's service type is written, or its name when the type is the implied default. */
export function typeLocations(g: ListenerGroup, type: string): Stated<string>[] {
  const stated = g.serviceTypes.filter((s) => s.value === type);
  if (stated.length || g.serviceTypes.length) return stated;
  return g.docs.map((d) => ({ value: type, doc: d, path: ['metadata', 'name'] }));
}

/** True when an object of that kind and name exists in the namespace (workspace, cluster facts or AIO built-in). */
export function aioObjectExists(index: Index, kind: string, namespace: string, name: string): boolean {
  return index.get(kind, namespace, name).some((r) => r.group === AIO_GROUP || r.group === LEGACY_AIO_GROUP);
}

/** A short, human description of where an object is: its file, the cluster, or AIO itself. */
export function whereIs(r: Resource): string {
  if (r.origin === 'builtin') return 'an AIO built-in object';
  if (r.origin === 'cluster') return 'in the cluster';
  const uri = r.chunk?.uri ?? '';
  return `in ${uri.slice(uri.lastIndexOf('/') + 1) || 'the workspace'}`;
}

/** `listener 'x' (in a.yaml)` / `(in the cluster)` / `(AIO built-in)`. */
export function label(kind: string, r: Resource): string {
  const where = r.origin === 'builtin' ? 'AIO built-in' : whereIs(r);
  return `${kind} '${r.name ?? '?'}' (${where})`;
}

/** A Service the AIO operator made for a listener (it mirrors the listener and is no second claim). */
export function ownedByListener(s: Resource): boolean {
  const refs = s.value.metadata?.ownerReferences;
  return Array.isArray(refs) && refs.some((r: any) => r && typeof r === 'object' && r.kind === 'BrokerListener');
}

/** At most this many related locations per finding: a clash among hundreds of objects must stay linear. */
export const MAX_RELATED = 5;

/** `a, b, c and 12 more`: names for a message, bounded. */
export function nameList(names: string[], max = 3): string {
  const uniq = [...new Set(names)];
  return uniq.length <= max ? uniq.join(', ') : `${uniq.slice(0, max).join(', ')} and ${uniq.length - max} more`;
}

/** The first `max` items of `list` that pass `keep`, without scanning further than needed. */
export function firstOf<T>(list: readonly T[], keep: (x: T) => boolean, max = MAX_RELATED): T[] {
  const out: T[] = [];
  for (const x of list) {
    if (keep(x)) {
      out.push(x);
      if (out.length >= max) break;
    }
  }
  return out;
}

export function isTlsOff(tls: unknown): boolean {
  // `tls:` written with no value is pruned, so the port has no TLS.
  return tls === undefined || tls === null;
}

export function refName(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

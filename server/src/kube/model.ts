// The pure model of what runs in a cluster, computed from a session snapshot: broker listeners with their Services,
// status and certificates; Service Connector's Helm releases, jobs (with a diagnosis of failures) and connections; and
// the problems (unreachable, 401, 403 per resource, AIO missing...). `brokerkit inspect --json` prints it; the tree
// views render it (trees.ts). No I/O.
import type { ClusterSnapshot, ResourceSlice, JobRecord } from './session';
import type { ResourceKey } from './resources';
import type { HelmRelease } from './resources';
import { AIO_GROUP, NEEDS, SPECS } from './resources';
import { diagnose, Diagnosis } from './diagnosis';

export interface Problem {
  /** The resource it concerns ('brokerlisteners', 'scjobs'...) or 'cluster'. */
  resource: string;
  kind: string;
  message: string;
  hint?: string;
}

export interface PortModel {
  port: number | null;
  protocol: string;
  tls: string; // 'Automatic' | 'Manual' | 'none' | what the object says
  issuer: string | null; // 'ClusterIssuer/name'
  secret: string | null;
  authenticationRef: string | null;
  authorizationRef: string | null;
  nodePort: number | null;
  certificate?: { ready: boolean | null; detail: string; name?: string };
  /** The referenced BrokerAuthentication has a ServiceAccountToken method (clients send K8S-SAT). */
  satAuthentication?: boolean;
}

export type Level = 'ok' | 'warning' | 'error' | 'unknown';

export interface ListenerModel {
  namespace: string;
  name: string;
  broker: string;
  serviceType: string;
  serviceName: string;
  address: string;
  host: string;
  status: string;
  statusLevel: Level;
  ports: PortModel[];
  uid?: string;
}

export interface ContainerModel {
  name: string;
  state: string;
  reason?: string;
  exitCode?: number;
  message?: string;
  restarts: number;
  log?: string;
}
export interface PodModel {
  name: string;
  phase: string;
  containers: ContainerModel[];
}
export interface EventModel {
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  last?: string;
}
export interface ConditionModel {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface JobModel {
  namespace: string;
  name: string;
  uid: string;
  status: 'active' | 'succeeded' | 'failed' | 'pending';
  removedAt: string | null;
  conditions: ConditionModel[];
  startTime: string | null;
  completionTime: string | null;
  counts: { active: number; succeeded: number; failed: number };
  pods: PodModel[];
  events: EventModel[];
  diagnosis: Diagnosis[];
}

export interface ReleaseModel {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string | null;
  version: string | null;
  appVersion: string | null;
  lastDeployed: string | null;
  description: string | null;
  history: { revision: number; status: string }[];
}

export interface WorkloadRef {
  kind: string;
  name: string;
  via: string;
}
export interface ConnectionModel {
  namespace: string;
  kind: 'Secret' | 'ServiceAccount';
  name: string;
  /** Secret key names (the environment variable names): never the values. */
  keys: string[];
  clientId?: string;
  usedBy: WorkloadRef[];
}

export interface InspectModel {
  context: string;
  server: string;
  namespace?: string;
  listeners: ListenerModel[];
  serviceConnector: { releases: ReleaseModel[]; jobs: JobModel[]; connections: ConnectionModel[] };
  problems: Problem[];
}

/** Plain code-unit order: stable and much faster than localeCompare on large lists. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const items = (s: ClusterSnapshot, k: ResourceKey): any[] => s.resources[k]?.items ?? [];
function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const indexCache = new WeakMap<object, Map<string, unknown>>();
/** A lookup map over an item array, computed once per array (session snapshots reuse arrays that did not change). */
function indexed<V = any>(list: any[], tag: string, build: (m: Map<string, any>) => void): Map<string, V> {
  let perList = indexCache.get(list);
  if (!perList) {
    perList = new Map();
    indexCache.set(list, perList);
  }
  let m = perList.get(tag) as Map<string, V> | undefined;
  if (!m) {
    m = new Map();
    build(m);
    perList.set(tag, m);
  }
  return m;
}

/**
 * Reuses a computed value while its inputs are the same objects. Informers replace an object only when it changes,
 * so after a watch event only the affected listeners and jobs are recomputed (and keep their identity otherwise).
 */
export class Memo {
  private m = new Map<string, { deps: unknown[]; v: unknown }>();
  private seen = new Set<string>();
  get<T>(key: string, deps: unknown[], make: () => T): T {
    this.seen.add(key);
    const e = this.m.get(key);
    if (e && e.deps.length === deps.length && e.deps.every((d, i) => d === deps[i])) return e.v as T;
    const v = make();
    this.m.set(key, { deps, v });
    return v;
  }
  /** Forgets entries not asked for since the last sweep. */
  sweep(): void {
    for (const k of this.m.keys()) if (!this.seen.has(k)) this.m.delete(k);
    this.seen.clear();
  }
}

/** A problem for a failing resource, worded for people. AIO's group missing means AIO is not installed. */
export function problemOf(key: ResourceKey, slice: ResourceSlice | undefined): Problem | undefined {
  if (!slice?.error) return undefined;
  const spec = SPECS[key];
  if (slice.error.kind === 'missing' && spec.group === AIO_GROUP) {
    return {
      resource: key,
      kind: 'aio-missing',
      message:
        'Azure IoT Operations is not installed in this cluster (the API group mqttbroker.iotoperations.azure.com is missing)',
      hint: 'Deploy Azure IoT Operations (az iot ops create), or switch to the context of the cluster that runs it.',
    };
  }
  if (slice.error.kind === 'missing' && spec.group === 'cert-manager.io') {
    return {
      resource: key,
      kind: 'cert-manager-missing',
      message: 'cert-manager is not installed in this cluster (the API group cert-manager.io is missing)',
      hint: 'Azure IoT Operations installs cert-manager; check the cluster you are connected to.',
    };
  }
  return {
    resource: key,
    kind: slice.error.kind,
    message: slice.error.message,
    ...(slice.error.hint ? { hint: slice.error.hint } : {}),
  };
}

/** Problems of the given resources, one per distinct message (a cluster-wide failure is reported once). */
export function problems(s: ClusterSnapshot, keys: readonly ResourceKey[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const p = problemOf(k, s.resources[k]);
    if (!p) continue;
    const clusterWide = ['unreachable', 'timeout', 'signin', 'unauthorized', 'config'].includes(p.kind);
    const id = clusterWide ? `${p.kind}:${p.message}` : `${p.kind}:${p.message}:${k}`;
    if (p.kind === 'aio-missing' && seen.has('aio-missing')) continue;
    if (seen.has(id)) continue;
    seen.add(id);
    if (p.kind === 'aio-missing') seen.add('aio-missing');
    out.push(clusterWide ? { ...p, resource: 'cluster' } : p);
  }
  return out;
}

// The status strings `az iot ops check` maps.
export function statusLevel(status: string | undefined): Level {
  const s = (status ?? '').toLowerCase();
  if (['running', 'succeeded', 'ok'].includes(s)) return 'ok';
  if (['starting', 'recovering', 'warn', 'warning', 'n/a'].includes(s)) return 'warning';
  if (['failed', 'error'].includes(s)) return 'error';
  return 'unknown';
}

function listenerStatus(o: any): { text: string; level: Level } {
  const rt = o.status?.runtimeStatus;
  const pv = o.status?.provisioningStatus;
  if (rt?.status)
    return { text: `${rt.status}${rt.description ? `: ${rt.description}` : ''}`, level: statusLevel(rt.status) };
  if (pv?.status) {
    const msg = pv.output?.message ?? pv.error?.message;
    return { text: `${pv.status}${msg ? `: ${msg}` : ''}`, level: statusLevel(pv.status) };
  }
  return { text: 'no status reported', level: 'unknown' };
}

function brokerOf(o: any): string {
  if (typeof o.spec?.brokerRef === 'string' && o.spec.brokerRef) return o.spec.brokerRef;
  const owner = (o.metadata?.ownerReferences ?? []).find((r: any) => r.kind === 'Broker');
  return owner?.name ?? 'default';
}

/**
 * A cert-manager Certificate's state: its Ready condition, and its notAfter (an expired certificate is not ready,
 * whatever the condition says until cert-manager looks again).
 */
export function certificateStatus(cert: any, now: number): { ready: boolean | null; detail: string; name?: string } {
  const name = cert.metadata?.name;
  const c = cond(cert, 'Ready');
  const notAfter = typeof cert.status?.notAfter === 'string' ? Date.parse(cert.status.notAfter) : NaN;
  const until = Number.isNaN(notAfter) ? '' : `, valid until ${new Date(notAfter).toISOString().slice(0, 10)}`;
  if (!Number.isNaN(notAfter) && notAfter <= now)
    return {
      ready: false,
      name,
      detail: `Certificate ${name}: expired on ${new Date(notAfter).toISOString().slice(0, 10)}`,
    };
  if (!c) return { ready: null, name, detail: `Certificate ${name}: no Ready condition yet` };
  return {
    ready: c.status === 'True',
    name,
    detail:
      c.status === 'True'
        ? `Certificate ${name}: ready${until}`
        : `Certificate ${name}: not ready${c.reason ? ` (${c.reason})` : ''}${c.message ? ` — ${c.message}` : ''}`,
  };
}

function cond(o: any, type: string): any {
  return (o?.status?.conditions ?? []).find((c: any) => c.type === type);
}

export function listenersModel(s: ClusterSnapshot, memo = new Memo()): ListenerModel[] {
  const byName = (m: Map<string, any>, list: any[]) => {
    for (const x of list) m.set(`${x.metadata.namespace}/${x.metadata.name}`, x);
  };
  const services = indexed(items(s, 'services'), 'byName', (m) => byName(m, items(s, 'services')));
  const secrets = indexed(items(s, 'secrets'), 'byName', (m) => byName(m, items(s, 'secrets')));
  const certsByNs = indexed<any[]>(items(s, 'certificates'), 'byNs', (m) => {
    for (const c of items(s, 'certificates')) push(m, c.metadata.namespace, c);
  });
  const auths = indexed(items(s, 'brokerauthentications'), 'byName', (m) =>
    byName(m, items(s, 'brokerauthentications')),
  );
  const secretsKnown = !!s.resources.secrets?.synced;
  const certsKnown = !!s.resources.certificates?.synced;
  const servicesKnown = !!s.resources.services?.synced;
  const out: ListenerModel[] = [];
  for (const o of items(s, 'brokerlisteners')) {
    const ns = o.metadata.namespace;
    const serviceName = o.spec?.serviceName || o.metadata.name;
    const svc = services.get(`${ns}/${serviceName}`);
    const ports: any[] = Array.isArray(o.spec?.ports) ? o.spec.ports : [];
    const deps: unknown[] = [
      o,
      svc,
      secretsKnown,
      certsKnown,
      servicesKnown,
      certsByNs.get(ns)?.length ?? 0,
      ...(certsByNs.get(ns) ?? []),
    ];
    for (const p of ports) {
      if (p?.tls?.manual?.secretRef) deps.push(secrets.get(`${ns}/${p.tls.manual.secretRef}`));
      if (p?.authenticationRef) deps.push(auths.get(`${ns}/${p.authenticationRef}`));
    }
    out.push(memo.get(`${ns}/${o.metadata.name}`, deps, () => oneListener(o, svc)));
  }
  memo.sweep();
  out.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.broker, b.broker) || cmp(a.name, b.name));
  return out;

  function oneListener(o: any, svc: any): ListenerModel {
    const ns = o.metadata.namespace;
    const serviceType = o.spec?.serviceType ?? 'ClusterIp';
    const serviceName = o.spec?.serviceName || o.metadata.name;
    const host = `${serviceName}.${ns}`;
    let address: string;
    if (!svc) address = servicesKnown ? `no Service '${serviceName}' yet` : 'unknown';
    else if (/^loadbalancer$/i.test(serviceType) || svc.spec?.type === 'LoadBalancer') {
      const ing = (svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).filter(Boolean);
      address = ing.length ? ing.join(', ') : 'pending';
    } else if (/^nodeport$/i.test(serviceType) || svc.spec?.type === 'NodePort') {
      const nps = (svc.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean);
      address =
        `${svc.spec?.clusterIP ?? ''}${nps.length ? ` (node port${nps.length > 1 ? 's' : ''} ${nps.join(', ')})` : ''}`.trim();
    } else address = svc.spec?.clusterIP ?? 'unknown';
    const st = listenerStatus(o);
    const ports: PortModel[] = (Array.isArray(o.spec?.ports) ? o.spec.ports : []).map((p: any) => {
      const tls = p?.tls;
      const cm = tls?.certManagerCertificateSpec;
      const manual = tls?.manual;
      const issuer = cm?.issuerRef?.name ? `${cm.issuerRef.kind ?? 'Issuer'}/${cm.issuerRef.name}` : null;
      const secret = manual?.secretRef ?? cm?.secretName ?? null;
      const svcPort = (svc?.spec?.ports ?? []).find((x: any) => x.port === p?.port);
      const model: PortModel = {
        port: typeof p?.port === 'number' ? p.port : null,
        protocol: p?.protocol ?? 'Mqtt',
        tls: tls ? String(tls.mode ?? (cm ? 'Automatic' : manual ? 'Manual' : 'unset')) : 'none',
        issuer,
        secret,
        authenticationRef: p?.authenticationRef ?? null,
        authorizationRef: p?.authorizationRef ?? null,
        nodePort: p?.nodePort ?? svcPort?.nodePort ?? null,
      };
      const authn = p?.authenticationRef ? auths.get(`${ns}/${p.authenticationRef}`) : undefined;
      if ((authn?.spec?.authenticationMethods ?? []).some((m: any) => m?.method === 'ServiceAccountToken'))
        model.satAuthentication = true;
      if (manual) {
        const sec = manual.secretRef ? secrets.get(`${ns}/${manual.secretRef}`) : undefined;
        model.certificate = !secretsKnown
          ? { ready: null, detail: 'secrets cannot be read' }
          : sec
            ? {
                ready: (sec.dataKeys ?? []).includes('tls.crt'),
                detail: (sec.dataKeys ?? []).includes('tls.crt')
                  ? `secret ${manual.secretRef} exists`
                  : `secret ${manual.secretRef} has no tls.crt`,
              }
            : { ready: false, detail: `secret ${manual.secretRef ?? '(none)'} not found: the broker waits for it` };
      } else if (cm) {
        const owned = (certsByNs.get(ns) ?? []).filter(
          (c) =>
            (cm.secretName && c.spec?.secretName === cm.secretName) ||
            (c.metadata.ownerReferences ?? []).some(
              (r: any) => r.kind === 'BrokerListener' && r.name === o.metadata.name,
            ),
        );
        const cert =
          owned.find((c) => cm.secretName && c.spec?.secretName === cm.secretName) ??
          owned.find(
            (c) => c.metadata.name.endsWith(`-${p.port}`) || String(c.spec?.secretName ?? '').endsWith(`-${p.port}`),
          ) ??
          (owned.length === 1 ? owned[0] : undefined);
        if (!certsKnown) model.certificate = { ready: null, detail: 'certificates cannot be read' };
        else if (!cert)
          model.certificate = { ready: null, detail: 'no cert-manager Certificate found for this port yet' };
        else {
          model.certificate = certificateStatus(cert, s.now ?? Date.now());
        }
      }
      return model;
    });
    return {
      namespace: ns,
      name: o.metadata.name,
      broker: brokerOf(o),
      serviceType,
      serviceName,
      address,
      host,
      status: st.text,
      statusLevel: st.level,
      ports,
      uid: o.metadata.uid,
    };
  }
}

export function releasesModel(s: ClusterSnapshot): ReleaseModel[] {
  const byName = new Map<string, HelmRelease[]>();
  for (const o of items(s, 'helmreleases')) {
    const r: HelmRelease | undefined = o.release;
    if (!r) continue;
    const k = `${r.namespace}/${r.name}`;
    (byName.get(k) ?? byName.set(k, []).get(k)!).push(r);
  }
  const out: ReleaseModel[] = [];
  for (const revs of byName.values()) {
    revs.sort((a, b) => b.revision - a.revision);
    const cur = revs.find((r) => r.status === 'deployed') ?? revs[0];
    out.push({
      name: cur.name,
      namespace: cur.namespace,
      revision: cur.revision,
      status: cur.status,
      chart: cur.chart ?? null,
      version: cur.version ?? null,
      appVersion: cur.appVersion ?? null,
      lastDeployed: cur.lastDeployed ?? null,
      description: cur.description ?? cur.decodeError ?? null,
      history: revs.map((r) => ({ revision: r.revision, status: r.status })),
    });
  }
  return out.sort((a, b) => cmp(a.name, b.name));
}

function containerModel(cs: any, log?: string): ContainerModel {
  const st = cs.state ?? {};
  const base = { name: cs.name, restarts: cs.restartCount ?? 0, ...(log !== undefined ? { log } : {}) };
  if (st.running) return { ...base, state: 'running' };
  if (st.waiting) return { ...base, state: 'waiting', reason: st.waiting.reason, message: st.waiting.message };
  if (st.terminated)
    return {
      ...base,
      state: 'terminated',
      reason: st.terminated.reason,
      exitCode: st.terminated.exitCode,
      message: st.terminated.message,
    };
  return { ...base, state: 'unknown' };
}

function jobStatus(j: any): JobModel['status'] {
  if (cond(j, 'Complete')?.status === 'True') return 'succeeded';
  if (cond(j, 'Failed')?.status === 'True') return 'failed';
  if ((j.status?.active ?? 0) > 0) return 'active';
  if ((j.status?.succeeded ?? 0) > 0 && !j.status?.active) return 'succeeded';
  return 'pending';
}

export function jobsModel(s: ClusterSnapshot, memo = new Memo()): JobModel[] {
  const pods = items(s, 'scpods');
  const events = items(s, 'scevents');
  // Indexes, so thousands of jobs, pods and events stay linear.
  const podsByOwner = indexed<any[]>(pods, 'byOwner', (m) => {
    for (const p of pods)
      for (const r of p.metadata.ownerReferences ?? [])
        if (r.kind === 'Job') push(m, r.uid || `${p.metadata.namespace}/${r.name}`, p);
  });
  const podsByJobLabel = indexed<any[]>(pods, 'byJobLabel', (m) => {
    for (const p of pods) {
      const jn = p.metadata.labels?.['job-name'] ?? p.metadata.labels?.['batch.kubernetes.io/job-name'];
      if (jn) push(m, `${p.metadata.namespace}/${jn}`, p);
    }
  });
  const eventsByObject = indexed<any[]>(events, 'byObject', (m) => {
    for (const e of events)
      push(
        m,
        `${e.involvedObject?.kind}/${e.involvedObject?.namespace ?? e.metadata?.namespace}/${e.involvedObject?.name}`,
        e,
      );
  });
  const records: JobRecord[] = s.jobHistory.length
    ? s.jobHistory
    : items(s, 'scjobs').map((j) => ({
        uid: j.metadata.uid,
        namespace: j.metadata.namespace,
        name: j.metadata.name,
        job: j,
        firstSeen: s.now,
      }));
  const out: JobModel[] = [];
  for (const rec of records) {
    const j = rec.job;
    const ns = j.metadata.namespace;
    const selector: Record<string, string> = j.spec?.selector?.matchLabels ?? { 'job-name': j.metadata.name };
    const candidates = new Set([
      ...(podsByOwner.get(j.metadata.uid) ?? []),
      ...(podsByOwner.get(`${ns}/${j.metadata.name}`) ?? []),
      ...(podsByJobLabel.get(`${ns}/${j.metadata.name}`) ?? []),
    ]);
    const own = [...candidates].filter(
      (p) =>
        (p.metadata.ownerReferences ?? []).some(
          (r: any) => r.kind === 'Job' && (r.uid ? r.uid === j.metadata.uid : r.name === j.metadata.name),
        ) || Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
    const jobEvents = [
      ...(eventsByObject.get(`Job/${ns}/${j.metadata.name}`) ?? []),
      ...own.flatMap((p) => eventsByObject.get(`Pod/${ns}/${p.metadata.name}`) ?? []),
    ];
    const logs = own.flatMap((p) =>
      (p.status?.containerStatuses ?? []).map(
        (cs: any) => s.logs[`${p.metadata.namespace}/${p.metadata.name}/${cs.name}`],
      ),
    );
    out.push(
      memo.get(rec.uid, [j, rec.removedAt, own.length, ...own, jobEvents.length, ...jobEvents, ...logs], () =>
        oneJob(rec, own, jobEvents),
      ),
    );
  }
  memo.sweep();
  return out.sort(
    (a, b) =>
      (a.removedAt ? 1 : 0) - (b.removedAt ? 1 : 0) ||
      cmp(a.name, b.name) ||
      cmp(String(b.startTime), String(a.startTime)),
  );

  function oneJob(rec: JobRecord, own: any[], jobEvents: any[]): JobModel {
    const j = rec.job;
    const podModels: PodModel[] = own
      .map((p) => ({
        name: p.metadata.name,
        phase: p.status?.phase ?? 'Unknown',
        containers: (p.status?.containerStatuses ?? []).map((cs: any) =>
          containerModel(cs, s.logs[`${p.metadata.namespace}/${p.metadata.name}/${cs.name}`]),
        ),
      }))
      .sort((a, b) => cmp(a.name, b.name));
    const evs: EventModel[] = jobEvents
      .map((e) => ({
        type: e.type ?? 'Normal',
        reason: e.reason ?? '',
        message: e.message ?? '',
        object: `${e.involvedObject.kind}/${e.involvedObject.name}`,
        count: e.count ?? 1,
        last: e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp,
      }))
      .sort((a, b) => cmp(String(a.last ?? ''), String(b.last ?? '')));
    const status = jobStatus(j);
    const conditions: ConditionModel[] = (j.status?.conditions ?? []).map((c: any) => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
    }));
    const model: JobModel = {
      namespace: j.metadata.namespace,
      name: j.metadata.name,
      uid: rec.uid,
      status,
      removedAt: rec.removedAt ? new Date(rec.removedAt).toISOString() : null,
      conditions,
      startTime: j.status?.startTime ?? null,
      completionTime: j.status?.completionTime ?? null,
      counts: { active: j.status?.active ?? 0, succeeded: j.status?.succeeded ?? 0, failed: j.status?.failed ?? 0 },
      pods: podModels,
      events: evs,
      diagnosis: [],
    };
    if (
      status === 'failed' ||
      podModels.some((p) => p.containers.some((c) => c.state === 'terminated' && c.exitCode !== 0))
    )
      model.diagnosis = diagnose(model);
    return model;
  }
}

/** Service Connector's objects in user namespaces: `sc-` Secrets and ServiceAccounts and who uses them. */
export function connectionsModel(s: ClusterSnapshot): ConnectionModel[] {
  const workloads = [...items(s, 'deployments'), ...items(s, 'statefulsets'), ...items(s, 'daemonsets')];
  const users = (ns: string, pick: (podSpec: any) => string | undefined): WorkloadRef[] => {
    const out: WorkloadRef[] = [];
    for (const w of workloads) {
      if (w.metadata.namespace !== ns) continue;
      const via = pick(w.spec?.template?.spec ?? {});
      if (via) out.push({ kind: w.kind, name: w.metadata.name, via });
    }
    return out.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.name, b.name));
  };
  const out: ConnectionModel[] = [];
  for (const sec of items(s, 'secrets')) {
    const ns = sec.metadata.namespace;
    if (!sec.metadata.name.startsWith('sc-') || ns === 'sc-system' || sec.type === 'helm.sh/release.v1') continue;
    const name = sec.metadata.name;
    out.push({
      namespace: ns,
      kind: 'Secret',
      name,
      keys: [...(sec.dataKeys ?? [])],
      usedBy: users(ns, (ps) => {
        const cs = [...(ps.containers ?? []), ...(ps.initContainers ?? [])];
        if (cs.some((c: any) => (c.envFrom ?? []).some((e: any) => e.secretRef?.name === name))) return 'envFrom';
        if (cs.some((c: any) => (c.env ?? []).some((e: any) => e.valueFrom?.secretKeyRef?.name === name))) return 'env';
        if ((ps.volumes ?? []).some((v: any) => v.secret?.secretName === name)) return 'volume';
        return undefined;
      }),
    });
  }
  for (const sa of items(s, 'serviceaccounts')) {
    const ns = sa.metadata.namespace;
    if (!sa.metadata.name.startsWith('sc-') || ns === 'sc-system') continue;
    const name = sa.metadata.name;
    const clientId = sa.metadata.annotations?.['azure.workload.identity/client-id'];
    out.push({
      namespace: ns,
      kind: 'ServiceAccount',
      name,
      keys: [],
      ...(clientId ? { clientId } : {}),
      usedBy: users(ns, (ps) => (ps.serviceAccountName === name ? 'serviceAccountName' : undefined)),
    });
  }
  return out.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
}

/** What the listeners tree and the Service Connector tree read: the resources their informers watch. */
const LISTENER_KEYS: readonly ResourceKey[] = NEEDS.listeners;
const SC_KEYS: readonly ResourceKey[] = NEEDS.serviceConnector;

export function inspectModel(s: ClusterSnapshot): InspectModel {
  return {
    context: s.context,
    server: s.server,
    ...(s.namespace ? { namespace: s.namespace } : {}),
    listeners: listenersModel(s),
    serviceConnector: { releases: releasesModel(s), jobs: jobsModel(s), connections: connectionsModel(s) },
    problems: problems(s, [...new Set([...LISTENER_KEYS, ...SC_KEYS])]),
  };
}

export { LISTENER_KEYS, SC_KEYS };

// The pure model of what runs in a cluster, computed from a session snapshot: broker listeners with their Services,
// status and certificates; Service Connector's Helm releases, jobs (with a diagnosis of failures) and connections; and
// the problems (unreachable, 401, 403 per resource, AIO missing...). `brokerkit inspect --json` prints it; the tree
// views render it (trees.ts). No I/O.
import type { ClusterSnapshot, ResourceSlice, JobRecord } from './session';
import type { ResourceKey } from './resources';
import type { HelmRelease } from './resources';
import { AIO_GROUP, SPECS } from './resources';
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

export interface ContainerModel { name: string; state: string; reason?: string; exitCode?: number; message?: string; restarts: number; log?: string }
export interface PodModel { name: string; phase: string; containers: ContainerModel[] }
export interface EventModel { type: string; reason: string; message: string; object: string; count: number; last?: string }
export interface ConditionModel { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }

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

export interface ReleaseModel { name: string; namespace: string; revision: number; status: string; chart: string | null; version: string | null; appVersion: string | null; lastDeployed: string | null; description: string | null; history: { revision: number; status: string }[] }

export interface WorkloadRef { kind: string; name: string; via: string }
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

const items = (s: ClusterSnapshot, k: ResourceKey): any[] => s.resources[k]?.items ?? [];

/** A problem for a failing resource, worded for people. AIO's group missing means AIO is not installed. */
export function problemOf(key: ResourceKey, slice: ResourceSlice | undefined): Problem | undefined {
  if (!slice?.error) return undefined;
  const spec = SPECS[key];
  if (slice.error.kind === 'missing' && spec.group === AIO_GROUP) {
    return { resource: key, kind: 'aio-missing', message: 'Azure IoT Operations is not installed in this cluster (the API group mqttbroker.iotoperations.azure.com is missing)', hint: 'Deploy Azure IoT Operations (az iot ops create), or switch to the context of the cluster that runs it.' };
  }
  if (slice.error.kind === 'missing' && spec.group === 'cert-manager.io') {
    return { resource: key, kind: 'cert-manager-missing', message: 'cert-manager is not installed in this cluster (the API group cert-manager.io is missing)', hint: 'Azure IoT Operations installs cert-manager; check the cluster you are connected to.' };
  }
  return { resource: key, kind: slice.error.kind, message: slice.error.message, ...(slice.error.hint ? { hint: slice.error.hint } : {}) };
}

/** Problems of the given resources, one per distinct message (a cluster-wide failure is reported once). */
export function problems(s: ClusterSnapshot, keys: ResourceKey[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const p = problemOf(k, s.resources[k]);
    if (!p) continue;
    const clusterWide = ['unreachable', 'timeout', 'signin', 'unauthorized', 'config'].includes(p.kind);
    const id = clusterWide ? `${p.kind}:${p.message}` : `${p.kind}:${p.message}:${k}`;
    if (p.kind === 'aio-missing' && seen.has('aio-missing')) continue;
    if (seen.has(id)) continue;
    seen.add(id); if (p.kind === 'aio-missing') seen.add('aio-missing');
    out.push(clusterWide ? { ...p, resource: 'cluster' } : p);
  }
  return out;
}

// domain.md A.9: the status strings `az iot ops check` maps.
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
  if (rt?.status) return { text: `${rt.status}${rt.description ? `: ${rt.description}` : ''}`, level: statusLevel(rt.status) };
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

function cond(o: any, type: string): any { return (o?.status?.conditions ?? []).find((c: any) => c.type === type); }

export function listenersModel(s: ClusterSnapshot): ListenerModel[] {
  const services = new Map(items(s, 'services').map((x) => [`${x.metadata.namespace}/${x.metadata.name}`, x]));
  const secrets = new Map(items(s, 'secrets').map((x) => [`${x.metadata.namespace}/${x.metadata.name}`, x]));
  const certs = items(s, 'certificates');
  const secretsKnown = !!s.resources.secrets?.synced;
  const certsKnown = !!s.resources.certificates?.synced;
  const out: ListenerModel[] = [];
  for (const o of items(s, 'brokerlisteners')) {
    const ns = o.metadata.namespace;
    const serviceType = o.spec?.serviceType ?? 'ClusterIp';
    const serviceName = o.spec?.serviceName || o.metadata.name;
    const svc = services.get(`${ns}/${serviceName}`);
    const host = `${serviceName}.${ns}`;
    let address: string;
    if (!svc) address = s.resources.services?.synced ? `no Service '${serviceName}' yet` : 'unknown';
    else if (/^loadbalancer$/i.test(serviceType) || svc.spec?.type === 'LoadBalancer') {
      const ing = (svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname).filter(Boolean);
      address = ing.length ? ing.join(', ') : 'pending';
    } else if (/^nodeport$/i.test(serviceType) || svc.spec?.type === 'NodePort') {
      const nps = (svc.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean);
      address = `${svc.spec?.clusterIP ?? ''}${nps.length ? ` (node port${nps.length > 1 ? 's' : ''} ${nps.join(', ')})` : ''}`.trim();
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
        issuer, secret,
        authenticationRef: p?.authenticationRef ?? null,
        authorizationRef: p?.authorizationRef ?? null,
        nodePort: p?.nodePort ?? svcPort?.nodePort ?? null,
      };
      if (manual) {
        const sec = manual.secretRef ? secrets.get(`${ns}/${manual.secretRef}`) : undefined;
        model.certificate = !secretsKnown ? { ready: null, detail: 'secrets cannot be read' }
          : sec ? { ready: (sec.dataKeys ?? []).includes('tls.crt'), detail: (sec.dataKeys ?? []).includes('tls.crt') ? `secret ${manual.secretRef} exists` : `secret ${manual.secretRef} has no tls.crt` }
            : { ready: false, detail: `secret ${manual.secretRef ?? '(none)'} not found: the broker waits for it` };
      } else if (cm) {
        const owned = certs.filter((c) => c.metadata.namespace === ns && ((cm.secretName && c.spec?.secretName === cm.secretName)
          || (c.metadata.ownerReferences ?? []).some((r: any) => r.kind === 'BrokerListener' && r.name === o.metadata.name)));
        const cert = owned.find((c) => cm.secretName && c.spec?.secretName === cm.secretName)
          ?? owned.find((c) => c.metadata.name.endsWith(`-${p.port}`) || String(c.spec?.secretName ?? '').endsWith(`-${p.port}`))
          ?? (owned.length === 1 ? owned[0] : undefined);
        if (!certsKnown) model.certificate = { ready: null, detail: 'certificates cannot be read' };
        else if (!cert) model.certificate = { ready: null, detail: 'no cert-manager Certificate found for this port yet' };
        else {
          const c = cond(cert, 'Ready');
          model.certificate = { ready: c ? c.status === 'True' : null, name: cert.metadata.name, detail: c ? `Certificate ${cert.metadata.name}: ${c.status === 'True' ? 'ready' : `not ready${c.reason ? ` (${c.reason})` : ''}`}${c.message ? ` — ${c.message}` : ''}` : `Certificate ${cert.metadata.name}: no Ready condition yet` };
        }
      }
      return model;
    });
    out.push({ namespace: ns, name: o.metadata.name, broker: brokerOf(o), serviceType, serviceName, address, host, status: st.text, statusLevel: st.level, ports, uid: o.metadata.uid });
  }
  out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.broker.localeCompare(b.broker) || a.name.localeCompare(b.name));
  return out;
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
      name: cur.name, namespace: cur.namespace, revision: cur.revision, status: cur.status, chart: cur.chart ?? null, version: cur.version ?? null,
      appVersion: cur.appVersion ?? null, lastDeployed: cur.lastDeployed ?? null, description: cur.description ?? cur.decodeError ?? null,
      history: revs.map((r) => ({ revision: r.revision, status: r.status })),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function containerModel(cs: any, log?: string): ContainerModel {
  const st = cs.state ?? {};
  const base = { name: cs.name, restarts: cs.restartCount ?? 0, ...(log !== undefined ? { log } : {}) };
  if (st.running) return { ...base, state: 'running' };
  if (st.waiting) return { ...base, state: 'waiting', reason: st.waiting.reason, message: st.waiting.message };
  if (st.terminated) return { ...base, state: 'terminated', reason: st.terminated.reason, exitCode: st.terminated.exitCode, message: st.terminated.message };
  return { ...base, state: 'unknown' };
}

function jobStatus(j: any): JobModel['status'] {
  if (cond(j, 'Complete')?.status === 'True') return 'succeeded';
  if (cond(j, 'Failed')?.status === 'True') return 'failed';
  if ((j.status?.active ?? 0) > 0) return 'active';
  if ((j.status?.succeeded ?? 0) > 0 && !(j.status?.active)) return 'succeeded';
  return 'pending';
}

export function jobsModel(s: ClusterSnapshot): JobModel[] {
  const pods = items(s, 'scpods');
  const events = items(s, 'scevents');
  const records: JobRecord[] = s.jobHistory.length ? s.jobHistory
    : items(s, 'scjobs').map((j) => ({ uid: j.metadata.uid, namespace: j.metadata.namespace, name: j.metadata.name, job: j, firstSeen: s.now }));
  const out: JobModel[] = [];
  for (const rec of records) {
    const j = rec.job;
    const selector = j.spec?.selector?.matchLabels ?? { 'job-name': j.metadata.name };
    const own = pods.filter((p) => p.metadata.namespace === j.metadata.namespace
      && ((p.metadata.ownerReferences ?? []).some((r: any) => r.kind === 'Job' && (r.uid ? r.uid === j.metadata.uid || r.uid === '' && r.name === j.metadata.name : r.name === j.metadata.name))
        || Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v)));
    const podModels: PodModel[] = own.map((p) => ({
      name: p.metadata.name, phase: p.status?.phase ?? 'Unknown',
      containers: (p.status?.containerStatuses ?? []).map((cs: any) => containerModel(cs, s.logs[`${p.metadata.namespace}/${p.metadata.name}/${cs.name}`])),
    })).sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set([j.metadata.name, ...own.map((p) => p.metadata.name)]);
    const evs: EventModel[] = events.filter((e) => names.has(e.involvedObject?.name) && (e.involvedObject?.kind === 'Job' || e.involvedObject?.kind === 'Pod'))
      .map((e) => ({ type: e.type ?? 'Normal', reason: e.reason ?? '', message: e.message ?? '', object: `${e.involvedObject.kind}/${e.involvedObject.name}`, count: e.count ?? 1, last: e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp }))
      .sort((a, b) => String(a.last ?? '').localeCompare(String(b.last ?? '')));
    const status = jobStatus(j);
    const conditions: ConditionModel[] = (j.status?.conditions ?? []).map((c: any) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}), ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}) }));
    const model: JobModel = {
      namespace: j.metadata.namespace, name: j.metadata.name, uid: rec.uid, status,
      removedAt: rec.removedAt ? new Date(rec.removedAt).toISOString() : null,
      conditions, startTime: j.status?.startTime ?? null, completionTime: j.status?.completionTime ?? null,
      counts: { active: j.status?.active ?? 0, succeeded: j.status?.succeeded ?? 0, failed: j.status?.failed ?? 0 },
      pods: podModels, events: evs, diagnosis: [],
    };
    if (status === 'failed' || podModels.some((p) => p.containers.some((c) => c.state === 'terminated' && c.exitCode !== 0))) model.diagnosis = diagnose(model);
    out.push(model);
  }
  return out.sort((a, b) => (a.removedAt ? 1 : 0) - (b.removedAt ? 1 : 0) || a.name.localeCompare(b.name) || String(b.startTime).localeCompare(String(a.startTime)));
}

/** Service Connector's objects in user namespaces: `sc-` Secrets and ServiceAccounts (domain.md E.2) and who uses them. */
export function connectionsModel(s: ClusterSnapshot): ConnectionModel[] {
  const workloads = [...items(s, 'deployments'), ...items(s, 'statefulsets'), ...items(s, 'daemonsets')];
  const users = (ns: string, pick: (podSpec: any) => string | undefined): WorkloadRef[] => {
    const out: WorkloadRef[] = [];
    for (const w of workloads) {
      if (w.metadata.namespace !== ns) continue;
      const via = pick(w.spec?.template?.spec ?? {});
      if (via) out.push({ kind: w.kind, name: w.metadata.name, via });
    }
    return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  };
  const out: ConnectionModel[] = [];
  for (const sec of items(s, 'secrets')) {
    const ns = sec.metadata.namespace;
    if (!sec.metadata.name.startsWith('sc-') || ns === 'sc-system' || sec.type === 'helm.sh/release.v1') continue;
    const name = sec.metadata.name;
    out.push({
      namespace: ns, kind: 'Secret', name, keys: [...(sec.dataKeys ?? [])],
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
    out.push({ namespace: ns, kind: 'ServiceAccount', name, keys: [], ...(clientId ? { clientId } : {}), usedBy: users(ns, (ps) => (ps.serviceAccountName === name ? 'serviceAccountName' : undefined)) });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

const LISTENER_KEYS: ResourceKey[] = ['brokerlisteners', 'services', 'certificates', 'secrets', 'brokerauthentications', 'brokerauthorizations', 'issuers', 'clusterissuers'];
const SC_KEYS: ResourceKey[] = ['helmreleases', 'scjobs', 'scpods', 'scevents', 'secrets', 'serviceaccounts', 'deployments', 'statefulsets', 'daemonsets'];

export function inspectModel(s: ClusterSnapshot): InspectModel {
  return {
    context: s.context, server: s.server, ...(s.namespace ? { namespace: s.namespace } : {}),
    listeners: listenersModel(s),
    serviceConnector: { releases: releasesModel(s), jobs: jobsModel(s), connections: connectionsModel(s) },
    problems: problems(s, [...new Set([...LISTENER_KEYS, ...SC_KEYS])]),
  };
}

export { LISTENER_KEYS, SC_KEYS };

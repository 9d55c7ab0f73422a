// One connection to one kube context: informers started on demand by the consumers that need them (a visible view,
// validation, a CLI command), a plain-data snapshot for the pure tree and facts builders, debounced change events,
// the history of sc-job runs since connecting, and the logs of failed Service Connector job pods.
import { EventEmitter } from 'node:events';
import { KubeClient, ClientOptions } from './client';
import { KubeconfigInfo, selectContext } from './config';
import { Informer, Change } from './informer';
import { KubeError, isAbort } from './errors';
import { NEEDS, ResourceKey, SPECS, SC_NAMESPACE, collectionPath, objectPath } from './resources';

export type Consumer = keyof typeof NEEDS;

export interface ResourceSlice {
  state: 'idle' | 'syncing' | 'synced' | 'error' | 'stopped';
  error?: { kind: string; message: string; hint?: string };
  /** True once a list completed (items may be stale while `state` is 'error'). */
  synced: boolean;
  items: any[];
}

export interface JobRecord {
  uid: string;
  namespace: string;
  name: string;
  /** The last state seen. */
  job: any;
  firstSeen: number;
  removedAt?: number;
}

export interface ClusterSnapshot {
  context: string;
  server: string;
  /** The namespace filter, when one is set. */
  namespace?: string;
  resources: Partial<Record<ResourceKey, ResourceSlice>>;
  /** Every sc-system Job seen since connecting, including removed ones. */
  jobHistory: JobRecord[];
  /** Log tails of failed Service Connector job pods: key `namespace/pod/container`. */
  logs: Record<string, string>;
  now: number;
}

export interface SessionOptions {
  namespace?: string;
  client?: ClientOptions;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Change events go out at most once per this many ms (the first after a quiet period at once). Default 50. */
  debounceMs?: number;
  pageSize?: number;
  /** Lines of log kept per failed pod. Default 200. */
  logTailLines?: number;
  clock?: () => number;
}

export class ClusterSession extends EventEmitter {
  readonly context: string;
  readonly client: KubeClient;
  private informers = new Map<ResourceKey, Informer>();
  private users = new Map<ResourceKey, number>();
  private jobs = new Map<string, JobRecord>();
  private logs = new Map<string, string>();
  private logFetches = new Set<string>();
  private pendingLogs = 0;
  private logWaiters: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private lastEmit = 0;
  private sliceCache = new Map<ResourceKey, { version: number; slice: ResourceSlice }>();
  private jobsVersion = 0;
  private logsVersion = 0;
  private derived?: { jobs: number; logs: number; jobHistory: JobRecord[]; logMap: Record<string, string> };
  private stopped = false;
  private readonly clock: () => number;
  /** Incremented on every informer change (lets consumers skip work when nothing changed). */
  generation = 0;

  constructor(
    info: KubeconfigInfo,
    context: string | undefined,
    private readonly opts: SessionOptions = {},
  ) {
    super();
    this.setMaxListeners(50);
    this.context = selectContext(info, context);
    this.client = new KubeClient(info.kc, this.context, opts.client);
    this.clock = opts.clock ?? Date.now;
  }

  get namespace(): string | undefined {
    return this.opts.namespace;
  }

  /** Starts what `consumer` needs; returns a function that releases it (informers nobody needs stop). */
  need(consumer: Consumer): () => void {
    const keys = NEEDS[consumer];
    for (const k of keys) this.acquire(k);
    let released = false;
    return () => {
      if (!released) {
        released = true;
        for (const k of keys) this.releaseKey(k);
      }
    };
  }

  private acquire(key: ResourceKey): void {
    this.users.set(key, (this.users.get(key) ?? 0) + 1);
    if (this.informers.has(key) || this.stopped) return;
    const spec = SPECS[key];
    const ns = spec.namespace ?? this.opts.namespace;
    const inf = new Informer(this.client, {
      path: collectionPath(spec, this.opts.namespace),
      resource: spec.resource,
      namespace: spec.namespaced ? ns : undefined,
      labelSelector: spec.labelSelector,
      fieldSelector: spec.fieldSelector,
      transform: spec.transform,
      backoffMs: this.opts.backoffMs,
      maxBackoffMs: this.opts.maxBackoffMs,
      pageSize: this.opts.pageSize,
    });
    inf.on('change', (c: Change) => this.onChange(key, c));
    inf.on('state', () => this.schedule());
    this.informers.set(key, inf);
    inf.start();
  }

  private releaseKey(key: ResourceKey): void {
    const n = (this.users.get(key) ?? 0) - 1;
    if (n > 0) {
      this.users.set(key, n);
      return;
    }
    this.users.delete(key);
    const inf = this.informers.get(key);
    if (inf) {
      inf.stop();
      this.informers.delete(key);
      this.schedule();
    }
  }

  informer(key: ResourceKey): Informer | undefined {
    return this.informers.get(key);
  }

  private onChange(key: ResourceKey, c: Change): void {
    this.generation++;
    if (key === 'scjobs') {
      const uid = c.object?.metadata?.uid ?? `${c.object?.metadata?.namespace}/${c.object?.metadata?.name}`;
      const rec = this.jobs.get(uid);
      this.jobsVersion++;
      if (c.type === 'delete') {
        if (rec) {
          rec.job = c.object;
          rec.removedAt = this.clock();
        }
      } else if (rec) {
        rec.job = c.object;
        rec.removedAt = undefined;
      } else
        this.jobs.set(uid, {
          uid,
          namespace: c.object.metadata.namespace,
          name: c.object.metadata.name,
          job: c.object,
          firstSeen: this.clock(),
        });
    }
    if (key === 'scpods' && c.type !== 'delete') this.fetchFailedLogs(c.object);
    this.schedule();
  }

  /** Fetches the log tail of each failed container of a Service Connector pod once (per restart). */
  private fetchFailedLogs(pod: any): void {
    for (const cs of pod?.status?.containerStatuses ?? []) {
      const term = cs.state?.terminated ?? cs.lastState?.terminated;
      if (!term || term.exitCode === 0) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${cs.name}`;
      const fetchKey = `${pod.metadata.uid}/${cs.name}/${cs.restartCount ?? 0}`;
      if (this.logFetches.has(fetchKey)) continue;
      this.logFetches.add(fetchKey);
      this.pendingLogs++;
      this.getLog(
        pod.metadata.namespace,
        pod.metadata.name,
        cs.name,
        this.opts.logTailLines ?? 200,
        !cs.state?.terminated,
      )
        .then(
          (text) => {
            this.logs.set(key, text);
            this.logsVersion++;
            this.generation++;
            this.schedule();
          },
          () => {
            this.logFetches.delete(fetchKey);
          },
        )
        .finally(() => {
          if (--this.pendingLogs === 0) {
            const w = this.logWaiters;
            this.logWaiters = [];
            for (const f of w) f();
          }
        });
    }
  }

  /**
   * Change events are throttled: the first change after a quiet period goes out on the next turn of the event loop
   * (a burst that arrived in one read is one event), later ones at most once per `debounceMs`.
   */
  private schedule(): void {
    if (this.stopped || this.timer) return;
    const wait = Math.max(0, this.lastEmit + (this.opts.debounceMs ?? 50) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastEmit = Date.now();
      if (!this.stopped) this.emit('change');
    }, wait);
  }

  /** Resolves when every informer `consumer` needs has either synced once or reported an error (its first outcome). */
  settled(consumer: Consumer): Promise<void> {
    return Promise.all(
      NEEDS[consumer].map((k) => {
        const inf = this.informers.get(k);
        if (!inf) return undefined;
        return inf.whenSynced().catch(() => undefined);
      }),
    ).then(() => undefined);
  }

  /** Resolves when no log fetch is in flight (inspect waits for it so diagnoses can use the log text). */
  logsSettled(): Promise<void> {
    if (this.pendingLogs === 0) return Promise.resolve();
    return new Promise((r) => this.logWaiters.push(r));
  }

  /**
   * A plain-data view of everything the informers hold. Slices (and their item arrays) of informers that did not
   * change since the last snapshot are the same objects, so derived data can be reused by identity.
   */
  snapshot(): ClusterSnapshot {
    const resources: ClusterSnapshot['resources'] = {};
    for (const [k, inf] of this.informers) {
      const cached = this.sliceCache.get(k);
      if (cached && cached.version === inf.version) {
        resources[k] = cached.slice;
        continue;
      }
      const slice: ResourceSlice = {
        state: inf.state,
        synced: inf.synced,
        items: inf.list(),
        ...(inf.error
          ? {
              error: {
                kind: inf.error.kind,
                message: inf.error.message,
                ...(inf.error.hint ? { hint: inf.error.hint } : {}),
              },
            }
          : {}),
      };
      this.sliceCache.set(k, { version: inf.version, slice });
      resources[k] = slice;
    }
    for (const k of this.sliceCache.keys()) if (!this.informers.has(k)) this.sliceCache.delete(k);
    if (!this.derived || this.derived.jobs !== this.jobsVersion || this.derived.logs !== this.logsVersion) {
      this.derived = {
        jobs: this.jobsVersion,
        logs: this.logsVersion,
        jobHistory: [...this.jobs.values()].map((r) => ({ ...r })),
        logMap: Object.fromEntries(this.logs),
      };
    }
    return {
      context: this.context,
      server: this.client.server,
      ...(this.opts.namespace ? { namespace: this.opts.namespace } : {}),
      resources,
      jobHistory: this.derived.jobHistory,
      logs: this.derived.logMap,
      now: this.clock(),
    };
  }

  /** Retry every failing informer now (after a sign-in, or the refresh button). */
  refresh(): void {
    this.client.resetAuth();
    for (const inf of this.informers.values()) inf.retryNow();
  }

  /** One live object as JSON (for "open live object"). Secrets are returned stripped of their values. */
  async getObject(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): Promise<any> {
    const spec = Object.values(SPECS).find(
      (s) => s.kind === ref.kind && (s.group ? `${s.group}/${s.version}` : s.version) === ref.apiVersion,
    );
    if (!spec) throw new KubeError('config', `BrokerKit does not read ${ref.kind} objects`);
    const o = await this.client.getJson(objectPath(spec, ref.namespace, ref.name), {
      verb: 'get',
      resource: spec.resource,
      namespace: ref.namespace,
    });
    return spec.kind === 'Secret'
      ? SPECS.secrets.transform!(o)
      : { ...o, metadata: { ...o.metadata, managedFields: undefined } };
  }

  async getConfigMap(namespace: string, name: string): Promise<any> {
    return this.client.getJson(objectPath(SPECS.configmaps, namespace, name), {
      verb: 'get',
      resource: 'configmaps',
      namespace,
    });
  }

  async getLog(
    namespace: string,
    pod: string,
    container: string,
    tailLines?: number,
    previous = false,
  ): Promise<string> {
    const q = new URLSearchParams({ container });
    if (tailLines) q.set('tailLines', String(tailLines));
    if (previous) q.set('previous', 'true');
    return this.client.getText(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`,
      { verb: 'get', resource: 'pods/log', namespace },
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const inf of this.informers.values()) inf.stop();
    this.client.dispose();
    this.informers.clear();
    this.users.clear();
    this.sliceCache.clear();
    this.derived = undefined;
    this.jobs.clear();
    this.logs.clear();
  }
}

export { isAbort, SC_NAMESPACE };

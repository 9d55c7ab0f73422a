// An informer: list (paged), then watch from the list's resourceVersion; 410 Gone re-lists; a watch the server ends or
// that drops is resumed from the last resourceVersion; failures back off exponentially and retry; stop() is silent.
// Modelled on kubernetes-client/javascript's ListWatch, written here because that one stops for good on the first
// non-410 error, has no request timeouts and reports its own abort as an error.
import { EventEmitter } from 'node:events';
import { KubeClient, WatchHandle } from './client';
import { KubeError, isAbort } from './errors';

export type InformerState = 'idle' | 'syncing' | 'synced' | 'error' | 'stopped';

export interface InformerOptions {
  /** Collection path, e.g. /apis/batch/v1/namespaces/sc-system/jobs. */
  path: string;
  /** Plural resource name, for messages. */
  resource: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of the list. Default 500. */
  pageSize?: number;
  /** Shrinks each object before it is kept (e.g. strips Secret values). Runs on every object received. */
  transform?: (o: any) => any;
  /** First retry delay and cap (ms). Defaults 500 and 30,000. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface Change {
  type: 'add' | 'update' | 'delete';
  object: any;
}

const keyOf = (o: any) => `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name ?? ''}`;

/**
 * Events: 'change' (Change), 'state' (InformerState), 'synced' (after each complete list), 'error' is never emitted
 * (errors are states: see `error`).
 */
export class Informer extends EventEmitter {
  readonly objects = new Map<string, any>();
  state: InformerState = 'idle';
  error?: KubeError;
  resourceVersion = '';
  /** Counters, for tests and the benchmark. */
  readonly stats = { lists: 0, watches: 0, relists410: 0, retries: 0 };
  /** Incremented on every change of the objects or the state (lets readers reuse what they derived). */
  version = 0;
  private running = false;
  private watchHandle?: WatchHandle;
  private listAbort?: AbortController;
  private wake?: () => void;
  private hasSynced = false;

  constructor(
    private readonly client: KubeClient,
    readonly opts: InformerOptions,
  ) {
    super();
    this.setMaxListeners(50);
  }

  get synced(): boolean {
    return this.hasSynced;
  }

  list(): any[] {
    return [...this.objects.values()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.listAbort?.abort();
    this.watchHandle?.abort();
    this.wake?.();
    this.setState('stopped');
  }

  /** Resolves once the first list completed, or rejects with the error state's KubeError if that comes first. */
  whenSynced(): Promise<void> {
    if (this.hasSynced) return Promise.resolve();
    if (this.state === 'error' && this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const onState = (s: InformerState) => {
        if (this.hasSynced) {
          this.off('state', onState);
          resolve();
        } else if (s === 'error') {
          this.off('state', onState);
          reject(this.error);
        } else if (s === 'stopped') {
          this.off('state', onState);
          reject(new KubeError('config', 'stopped'));
        }
      };
      this.on('state', onState);
    });
  }

  /** Retry now instead of waiting for the backoff (after the user signed in, or pressed refresh). */
  retryNow(): void {
    this.wake?.();
  }

  private setState(s: InformerState, error?: KubeError): void {
    this.error = error;
    this.version++;
    if (this.state === s && !error) return;
    this.state = s;
    this.emit('state', s);
  }

  private put(o: any): void {
    const obj = this.opts.transform ? this.opts.transform(o) : o;
    const k = keyOf(obj);
    const old = this.objects.get(k);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    this.objects.set(k, obj);
    this.version++;
    this.emit('change', { type: old ? 'update' : 'add', object: obj } as Change);
  }

  private drop(o: any): void {
    const k = keyOf(o);
    const old = this.objects.get(k);
    if (!old) return;
    this.objects.delete(k);
    this.version++;
    this.emit('change', { type: 'delete', object: old } as Change);
  }

  private async relist(): Promise<void> {
    const { path, labelSelector, fieldSelector, resource, namespace } = this.opts;
    const fresh = new Map<string, any>();
    let cont = '';
    let rv = '';
    this.listAbort = new AbortController();
    do {
      const q = new URLSearchParams({ limit: String(this.opts.pageSize ?? 500) });
      if (labelSelector) q.set('labelSelector', labelSelector);
      if (fieldSelector) q.set('fieldSelector', fieldSelector);
      if (cont) q.set('continue', cont);
      const page = await this.client.getJson(
        `${path}?${q}`,
        { verb: 'list', resource, namespace },
        this.listAbort.signal,
      );
      for (const item of page.items ?? []) fresh.set(keyOf(item), item);
      cont = page.metadata?.continue ?? '';
      if (!rv) rv = page.metadata?.resourceVersion ?? '';
    } while (cont && this.running);
    if (!this.running) return;
    this.stats.lists++;
    for (const [k, old] of [...this.objects])
      if (!fresh.has(k)) {
        this.objects.delete(k);
        this.version++;
        this.emit('change', { type: 'delete', object: old } as Change);
      }
    for (const o of fresh.values()) this.put(o);
    this.resourceVersion = rv;
    this.hasSynced = true;
    this.setState('synced');
    this.emit('synced');
  }

  private async loop(): Promise<void> {
    const base = this.opts.backoffMs ?? 500;
    const max = this.opts.maxBackoffMs ?? 30_000;
    let delay = base;
    let failures = 0;
    let quickEnds = 0;
    let needList = true;
    this.setState('syncing');
    while (this.running) {
      let phase: 'list' | 'watch' = 'list';
      try {
        if (needList) {
          await this.relist();
          needList = false;
          failures = 0;
          delay = base;
        }
        if (!this.running) break;
        phase = 'watch';
        this.stats.watches++;
        const handle = await this.client.watch(
          this.opts.path,
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: 'true',
            ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
            ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
          },
          { resource: this.opts.resource, namespace: this.opts.namespace },
          (ev) => {
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.put(ev.object);
            else if (ev.type === 'DELETED') this.drop(ev.object);
            const rv = ev.object?.metadata?.resourceVersion;
            if (rv) this.resourceVersion = rv;
          },
        );
        this.watchHandle = handle;
        if (!this.running) {
          handle.abort();
          break;
        }
        let events = 0;
        const countEvents = () => {
          events++;
        };
        this.on('change', countEvents);
        try {
          await handle.opened;
          if (!this.running) break;
          failures = 0;
          if (this.state !== 'synced') this.setState('synced');
          const openedAt = Date.now();
          // Resolves when the server ends the watch (its timeout, a restart): then resume from the last resourceVersion.
          await handle.done;
          if (events > 0 || Date.now() - openedAt > 1000) {
            quickEnds = 0;
            delay = base;
            continue;
          }
        } finally {
          this.off('change', countEvents);
        }
        // A watch that ended at once without news: resume at once the first time, then back off (no hot loop
        // against a proxy or server that closes every watch).
        if (++quickEnds > 1) {
          await this.pause(delay);
          delay = Math.min(max, delay * 2);
        }
      } catch (e) {
        if (!this.running || isAbort(e)) break;
        const err = e instanceof KubeError ? e : new KubeError('server', (e as Error)?.message ?? String(e));
        if (err.kind === 'gone') {
          this.stats.relists410++;
          needList = true;
          continue;
        }
        failures++;
        this.stats.retries++;
        // A working watch that was cut resumes at once, once; repeated failures are an error state with backoff.
        if (phase === 'watch' && failures === 1 && (err.kind === 'unreachable' || err.kind === 'timeout')) continue;
        this.setState('error', err);
        await this.pause(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(max, delay * 2);
        // A watch that failed for a network reason can resume from its resourceVersion; anything else re-lists.
        if (phase === 'list' || (err.kind !== 'unreachable' && err.kind !== 'timeout')) needList = true;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

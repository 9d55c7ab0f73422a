// A Kubernetes API test server: the real REST protocol over HTTPS on 127.0.0.1, an in-memory object store, and fault
// injection that tests control. It is kept honest by tests that drive it with the real kubectl (test/kube/), and it
// doubles as the demo cluster of `npm start`.
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Registry, ResourceType, apiVersionOf, typeKey, verbsOf } from './registry';
import { Matcher, SelectorError, parseFieldSelector, parseLabelSelector } from './selectors';
import { makeServerCerts, ServerCerts } from './certs';
import { toTable } from './table';

export interface Forbid {
  /** Plural resource name, e.g. 'jobs'. */
  resource: string;
  /** API group ('' for core); any group when absent. */
  group?: string;
  /** Only in this namespace (and for cluster-wide requests, which include it); everywhere when absent. */
  namespace?: string;
  /** Verbs refused; all when absent. */
  verbs?: string[];
}

export interface Faults {
  /** Every request is answered 401 Unauthorized. */
  unauthorized: boolean;
  /** Requests matching one of these are answered 403 Forbidden with the API server's message. */
  forbidden: Forbid[];
  /** Every answer waits this long first. */
  latencyMs: number;
  /** Requests are held unanswered while true (they are answered when it is set back to false via release()). */
  hang: boolean;
  /** The next N watch requests are answered with a 410 Gone ERROR event ("too old resource version"). */
  goneWatches: number;
  /** Every watch is accepted (200) and ended at once without events, like a proxy that cuts long requests. */
  endWatchesAtOnce: boolean;
}

export interface TestServerOptions {
  /** Serve the AIO mqttbroker group (false = "AIO not installed"). Default true. */
  aio?: boolean;
  certManager?: boolean;
  /** Bearer token clients must send. Default: a random one. */
  token?: string;
  /** The user named in 403 messages. */
  user?: string;
  /** Objects to start with. */
  objects?: any[];
  /** Watch events kept for resuming watches; older resourceVersions get 410 Gone. Default 200,000. */
  historyLimit?: number;
  port?: number;
}

interface HistoryEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  obj: any;
}

interface Watcher {
  key: string;
  namespace?: string;
  label: Matcher;
  field: Matcher;
  res: ServerResponse;
  table: boolean;
  includeObject: string;
  kind: string;
  timer?: NodeJS.Timeout;
}

export interface RequestInfo {
  method: string;
  path: string;
  verb: string;
  resource?: string;
  namespace?: string;
  status: number;
}

type Body = { status: number; json?: unknown; text?: string; contentType?: string };

/** Plain code-unit order: stable and much faster than localeCompare on large lists. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const now = () => Date.now();
const isoSeconds = (t = now()) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class KubeTestServer {
  readonly registry: Registry;
  readonly faults: Faults = {
    unauthorized: false,
    forbidden: [],
    latencyMs: 0,
    hang: false,
    goneWatches: 0,
    endWatchesAtOnce: false,
  };
  /** 'request' (RequestInfo), 'watch' ({ resource, namespace, resourceVersion, outcome: 'ok' | 'gone' }), 'watch-closed'. */
  readonly events = new EventEmitter();
  readonly token: string;
  readonly user: string;
  private store = new Map<string, Map<string, any>>();
  private history: HistoryEvent[] = [];
  private historyStart = 0;
  private compactedRv = 0;
  private rv = 1000;
  private watchers = new Set<Watcher>();
  private logs = new Map<string, string>();
  private held: (() => void)[] = [];
  private sockets = new Set<Socket>();
  private server?: https.Server;
  private certs?: ServerCerts;
  private historyLimit: number;
  private nextIp = 10;
  private nextNodePort = 30000;
  port = 0;

  constructor(private opts: TestServerOptions = {}) {
    this.registry = new Registry({ aio: opts.aio, certManager: opts.certManager });
    this.token = opts.token ?? randomUUID();
    this.user = opts.user ?? 'alice@example.com';
    this.historyLimit = opts.historyLimit ?? 200_000;
    for (const o of opts.objects ?? []) this.apply(o);
    this.events.setMaxListeners(100);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }
  get caPem(): string {
    return this.certs!.caPem;
  }
  get resourceVersion(): string {
    return String(this.rv);
  }

  async start(): Promise<this> {
    this.certs = await makeServerCerts();
    const server = https.createServer({ key: this.certs.keyPem, cert: this.certs.certPem }, (req, res) => {
      void this.handle(req, res);
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) this.closeWatcher(w);
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A kubeconfig (YAML text) for this server: one cluster, one user with the bearer token, one context. */
  kubeconfig(o: { context?: string; namespace?: string; token?: string; user?: Record<string, unknown> } = {}): string {
    const ctx = o.context ?? 'brokerkit-test';
    const ca = Buffer.from(this.caPem).toString('base64');
    const user = o.user ?? { token: o.token ?? this.token };
    return (
      JSON.stringify(
        {
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': ctx,
          clusters: [{ name: ctx, cluster: { server: this.url, 'certificate-authority-data': ca } }],
          users: [{ name: `${ctx}-user`, user }],
          contexts: [
            {
              name: ctx,
              context: { cluster: ctx, user: `${ctx}-user`, ...(o.namespace ? { namespace: o.namespace } : {}) },
            },
          ],
        },
        null,
        2,
      ) + '\n'
    );
  }

  // ---------------------------------------------------------------- state API for tests and seeds

  /** Creates or replaces an object (status included), as a controller would. Returns the stored object. */
  apply(input: any): any {
    const t = this.typeOf(input);
    const ns = t.namespaced ? input.metadata?.namespace || 'default' : undefined;
    const existing = this.getStored(t, ns, input.metadata?.name);
    return existing ? this.replace(t, ns, existing, input, true) : this.create(t, ns, input);
  }

  /** Reads an object (a copy). */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): any | undefined {
    const t = this.registry.byKind(apiVersion, kind);
    if (!t) return undefined;
    const o = this.getStored(t, t.namespaced ? namespace : undefined, name);
    return o ? structuredClone(o) : undefined;
  }

  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    const t = this.registry.byKind(apiVersion, kind);
    if (!t) return false;
    return !!this.delete(t, t.namespaced ? namespace : undefined, name);
  }

  /** All stored objects of one kind. */
  list(apiVersion: string, kind: string, namespace?: string): any[] {
    const t = this.registry.byKind(apiVersion, kind);
    if (!t) return [];
    return [...(this.store.get(typeKey(t))?.values() ?? [])]
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  /** Sets the log text of a pod's container (served by GET .../pods/<name>/log). */
  setLog(namespace: string, pod: string, container: string, text: string): void {
    this.logs.set(`${namespace}/${pod}/${container}`, text);
  }

  /** Records a core/v1 Event about an object. */
  recordEvent(about: any, e: { type?: 'Normal' | 'Warning'; reason: string; message: string }): any {
    const t = this.typeOf(about);
    const ts = isoSeconds();
    return this.apply({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${about.metadata.name}.${(this.rv + 1).toString(16)}${randomUUID().slice(0, 4)}`,
        namespace: about.metadata.namespace ?? 'default',
      },
      involvedObject: {
        apiVersion: apiVersionOf(t),
        kind: t.kind,
        name: about.metadata.name,
        namespace: about.metadata.namespace,
        uid: about.metadata.uid,
      },
      type: e.type ?? 'Normal',
      reason: e.reason,
      message: e.message,
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source: { component: 'brokerkit-test-server' },
    });
  }

  /** Ends every open watch: cleanly (the stream ends) or abruptly (the socket is destroyed). */
  dropWatches(how: 'end' | 'destroy' = 'end'): number {
    const n = this.watchers.size;
    for (const w of [...this.watchers]) {
      if (how === 'destroy') w.res.socket?.destroy();
      this.closeWatcher(w);
    }
    return n;
  }

  /** Forgets the watch history: resuming from any resourceVersion seen so far is answered 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
    this.historyStart = 0;
  }

  /** Answers every request held by `faults.hang` and stops holding. */
  release(): void {
    this.faults.hang = false;
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  openWatches(): number {
    return this.watchers.size;
  }

  /** Resolves on the next watch request for a resource (plural name), e.g. after a drop, with its outcome. */
  nextWatch(
    resource?: string,
    outcome?: 'ok' | 'gone',
  ): Promise<{ resource: string; namespace?: string; resourceVersion: string; outcome: string }> {
    return new Promise((resolve) => {
      const f = (e: any) => {
        if ((resource && e.resource !== resource) || (outcome && e.outcome !== outcome)) return;
        this.events.off('watch', f);
        resolve(e);
      };
      this.events.on('watch', f);
    });
  }

  // ---------------------------------------------------------------- storage

  private typeOf(o: any): ResourceType {
    const t =
      o && typeof o.apiVersion === 'string' && typeof o.kind === 'string'
        ? this.registry.byKind(o.apiVersion, o.kind)
        : undefined;
    if (!t) throw new Error(`the test server does not serve ${o?.apiVersion}/${o?.kind}`);
    return t;
  }

  private sortedCache = new Map<string, any[]>();

  private bucket(t: ResourceType): Map<string, any> {
    const k = typeKey(t);
    let b = this.store.get(k);
    if (!b) {
      b = new Map();
      this.store.set(k, b);
    }
    return b;
  }

  private getStored(t: ResourceType, ns: string | undefined, name: string | undefined): any | undefined {
    if (!name) return undefined;
    return this.bucket(t).get(`${ns ?? ''}/${name}`);
  }

  private bump(): string {
    return String(++this.rv);
  }

  private record(type: HistoryEvent['type'], t: ResourceType, obj: any): void {
    const ev: HistoryEvent = { rv: Number(obj.metadata.resourceVersion), type, key: typeKey(t), obj };
    this.sortedCache.delete(ev.key);
    this.history.push(ev);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRv = this.history[this.historyStart].rv;
      this.historyStart++;
      if (this.historyStart > 4096) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const w of this.watchers) this.send(w, ev);
  }

  private create(t: ResourceType, ns: string | undefined, input: any, dryRun = false): any {
    const o = structuredClone(input);
    o.apiVersion = apiVersionOf(t);
    o.kind = t.kind;
    o.metadata = { ...(o.metadata ?? {}) };
    if (!o.metadata.name && o.metadata.generateName)
      o.metadata.name = o.metadata.generateName + randomUUID().slice(0, 5);
    if (t.namespaced) o.metadata.namespace = ns;
    else delete o.metadata.namespace;
    o.metadata.uid = o.metadata.uid ?? randomUUID();
    o.metadata.creationTimestamp = o.metadata.creationTimestamp ?? isoSeconds();
    o.metadata.generation = 1;
    this.defaults(t, o);
    if (dryRun) return o;
    o.metadata.resourceVersion = this.bump();
    this.bucket(t).set(`${ns ?? ''}/${o.metadata.name}`, o);
    this.record('ADDED', t, o);
    return o;
  }

  private replace(
    t: ResourceType,
    ns: string | undefined,
    old: any,
    input: any,
    keepStatus: boolean,
    dryRun = false,
  ): any {
    const o = structuredClone(input);
    o.apiVersion = apiVersionOf(t);
    o.kind = t.kind;
    o.metadata = {
      ...(o.metadata ?? {}),
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      name: old.metadata.name,
    };
    if (t.namespaced) o.metadata.namespace = ns;
    if (!keepStatus && old.status !== undefined) o.status = old.status;
    const specChanged = JSON.stringify(o.spec) !== JSON.stringify(old.spec);
    o.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    this.defaults(t, o, old);
    if (dryRun) return o;
    o.metadata.resourceVersion = this.bump();
    this.bucket(t).set(`${ns ?? ''}/${o.metadata.name}`, o);
    this.record('MODIFIED', t, o);
    return o;
  }

  private delete(t: ResourceType, ns: string | undefined, name: string, dryRun = false): any | undefined {
    const b = this.bucket(t);
    const k = `${ns ?? ''}/${name}`;
    const old = b.get(k);
    if (!old) return undefined;
    if (dryRun) return old;
    b.delete(k);
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: this.bump() } };
    this.record('DELETED', t, gone);
    return gone;
  }

  /** What the API server fills in: Secret stringData, Service cluster IPs and node ports. */
  private defaults(t: ResourceType, o: any, old?: any): void {
    if (t.kind === 'Secret') {
      if (o.stringData && typeof o.stringData === 'object') {
        o.data = { ...(o.data ?? {}) };
        for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString('base64');
        delete o.stringData;
      }
      o.type = o.type ?? 'Opaque';
    }
    if (t.kind === 'Service') {
      o.spec = o.spec ?? {};
      o.spec.type = o.spec.type ?? 'ClusterIP';
      if (!o.spec.clusterIP)
        o.spec.clusterIP = old?.spec?.clusterIP ?? `10.0.${Math.floor(this.nextIp / 250)}.${(this.nextIp++ % 250) + 1}`;
      if (o.spec.type === 'NodePort' || o.spec.type === 'LoadBalancer') {
        for (const p of o.spec.ports ?? []) if (!p.nodePort) p.nodePort = this.nextNodePort++;
      }
      for (const p of o.spec.ports ?? []) p.protocol = p.protocol ?? 'TCP';
    }
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      if (this.faults.hang) await new Promise<void>((r) => this.held.push(r));
      if (res.destroyed) return;
      await this.route(req, res);
    } catch (e) {
      if (!res.headersSent)
        this.write(res, req, this.status(500, 'InternalError', `test server: ${(e as Error).message}`));
      else res.end();
    }
  }

  private write(res: ServerResponse, req: IncomingMessage, b: Body, info?: Partial<RequestInfo>): void {
    if (res.destroyed) return;
    const body = b.text ?? JSON.stringify(b.json);
    res.writeHead(b.status, {
      'Content-Type': b.contentType ?? 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-cache, private',
    });
    res.end(body);
    const u = new URL(req.url ?? '/', 'https://x');
    this.events.emit('request', {
      method: req.method ?? 'GET',
      path: u.pathname,
      verb: info?.verb ?? '',
      resource: info?.resource,
      namespace: info?.namespace,
      status: b.status,
    });
  }

  private status(code: number, reason: string, message: string, details?: Record<string, unknown>): Body {
    return {
      status: code,
      json: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason,
        ...(details ? { details } : {}),
        code,
      },
    };
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'https://127.0.0.1');
    const path = u.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';

    if (this.faults.unauthorized || req.headers.authorization !== `Bearer ${this.token}`) {
      await this.readBody(req);
      return this.write(res, req, this.status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (path === '/version') {
      return this.write(res, req, {
        status: 200,
        json: {
          major: '1',
          minor: '30',
          gitVersion: 'v1.30.0-brokerkit-test',
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2024-01-01T00:00:00Z',
          goVersion: 'go1.22.0',
          compiler: 'gc',
          platform: 'linux/amd64',
        },
      });
    }
    if (path === '/healthz' || path === '/readyz' || path === '/livez')
      return this.write(res, req, { status: 200, text: 'ok', contentType: 'text/plain' });
    if (path === '/api') {
      return this.write(res, req, {
        status: 200,
        json: {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }],
        },
      });
    }
    if (path === '/apis') {
      return this.write(res, req, {
        status: 200,
        json: { kind: 'APIGroupList', apiVersion: 'v1', groups: this.registry.groups().map((g) => this.groupJson(g)) },
      });
    }
    const seg = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === 'api' && seg[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = seg.slice(2);
    } else if (seg[0] === 'apis' && seg.length >= 2) {
      const g = this.registry.groups().find((x) => x.name === seg[1]);
      if (!g) return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
      if (seg.length === 2)
        return this.write(res, req, {
          status: 200,
          json: { kind: 'APIGroup', apiVersion: 'v1', ...this.groupJson(g) },
        });
      group = seg[1];
      version = seg[2];
      rest = seg.slice(3);
      if (!g.versions.includes(version))
        return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
    } else {
      return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
    }
    if (rest.length === 0) return this.write(res, req, { status: 200, json: this.resourceList(group, version) });

    // Resource paths: [res], [res, name], [res, name, sub], [namespaces, ns, res], [namespaces, ns, res, name], [..., sub]
    let ns: string | undefined;
    let resName: string;
    let name: string | undefined;
    let sub: string | undefined;
    const isType = (n: string | undefined) => !!n && !!this.registry.byGroupVersionName(group, version, n);
    if (rest[0] === 'namespaces' && rest.length >= 3 && (group !== '' || isType(rest[2]))) {
      ns = rest[1];
      resName = rest[2];
      name = rest[3];
      sub = rest[4];
      if (rest.length > 5)
        return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
    } else {
      resName = rest[0];
      name = rest[1];
      sub = rest[2];
      if (rest.length > 3)
        return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
    }
    const t = this.registry.byGroupVersionName(group, version, resName);
    if (!t) return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
    if (!t.namespaced && ns)
      return this.write(res, req, { status: 404, text: '404 page not found\n', contentType: 'text/plain' });
    if (sub && !(t.subresources ?? []).includes(sub))
      return this.write(res, req, this.status(404, 'NotFound', `the server could not find the requested resource`));

    const q = u.searchParams;
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb =
      name === undefined
        ? method === 'GET'
          ? watch
            ? 'watch'
            : 'list'
          : method === 'POST'
            ? 'create'
            : method === 'DELETE'
              ? 'deletecollection'
              : ''
        : method === 'GET'
          ? 'get'
          : method === 'PUT'
            ? 'update'
            : method === 'PATCH'
              ? 'patch'
              : method === 'DELETE'
                ? 'delete'
                : '';
    const info = { verb, resource: t.name, namespace: ns };
    if (!verb)
      return this.write(
        res,
        req,
        this.status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
        info,
      );

    const denied = this.forbidden(t, verb, ns, name, sub);
    if (denied) {
      await this.readBody(req);
      return this.write(res, req, denied, info);
    }

    const accept = String(req.headers.accept ?? '');
    const table = /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
    const includeObject = q.get('includeObject') ?? 'Metadata';

    if (verb === 'watch') return this.watch(req, res, t, ns, q, table, includeObject);
    if (verb === 'list') return this.listRequest(req, res, t, ns, q, table, includeObject, info);

    let label: Matcher;
    let field: Matcher;
    try {
      label = parseLabelSelector(q.get('labelSelector'));
      field = parseFieldSelector(q.get('fieldSelector'));
    } catch (e) {
      return this.write(res, req, this.status(400, 'BadRequest', (e as Error).message), info);
    }
    void label;
    void field;
    const dryRun = q.get('dryRun') === 'All';
    const notFound = () =>
      this.status(404, 'NotFound', `${this.qualified(t)} "${name}" not found`, { name, group: t.group, kind: t.name });

    if (verb === 'get') {
      const o = this.getStored(t, ns, name);
      if (!o) return this.write(res, req, notFound(), info);
      if (sub === 'log') return this.podLog(req, res, o, q, info);
      return this.write(
        res,
        req,
        { status: 200, json: table ? toTable(t.kind, [o], o.metadata.resourceVersion, includeObject, now()) : o },
        info,
      );
    }
    const raw = await this.readBody(req);
    if (verb === 'delete') {
      const gone = this.delete(t, ns, name!, dryRun);
      if (!gone) return this.write(res, req, notFound(), info);
      return this.write(res, req, { status: 200, json: gone }, info);
    }
    if (verb === 'deletecollection') {
      let sel: Matcher;
      try {
        sel = parseLabelSelector(q.get('labelSelector'));
      } catch (e) {
        return this.write(res, req, this.status(400, 'BadRequest', (e as Error).message), info);
      }
      const victims = [...this.bucket(t).values()].filter((o) => (!ns || o.metadata.namespace === ns) && sel(o));
      for (const v of victims) this.delete(t, ns ?? v.metadata.namespace, v.metadata.name, dryRun);
      return this.write(
        res,
        req,
        {
          status: 200,
          json: {
            kind: `${t.kind}List`,
            apiVersion: apiVersionOf(t),
            metadata: { resourceVersion: this.resourceVersion },
            items: victims,
          },
        },
        info,
      );
    }
    let body: any;
    if (verb !== 'patch') {
      try {
        body = JSON.parse(raw);
      } catch {
        return this.write(res, req, this.status(400, 'BadRequest', 'the request body is not valid JSON'), info);
      }
      if (!body || typeof body !== 'object' || Array.isArray(body))
        return this.write(res, req, this.status(400, 'BadRequest', 'the request body must be an object'), info);
    }
    if (verb === 'create') {
      if (body.kind && body.kind !== t.kind)
        return this.write(
          res,
          req,
          this.status(
            400,
            'BadRequest',
            `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`,
          ),
          info,
        );
      const objNs = t.namespaced ? (ns ?? body.metadata?.namespace ?? 'default') : undefined;
      if (ns && body.metadata?.namespace && body.metadata.namespace !== ns) {
        return this.write(
          res,
          req,
          this.status(
            400,
            'BadRequest',
            'the namespace of the provided object does not match the namespace sent on the request',
          ),
          info,
        );
      }
      const n = body.metadata?.name;
      if (!n && !body.metadata?.generateName)
        return this.write(
          res,
          req,
          this.status(
            422,
            'Invalid',
            `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
            { kind: t.kind },
          ),
          info,
        );
      if (n && this.getStored(t, objNs, n))
        return this.write(
          res,
          req,
          this.status(409, 'AlreadyExists', `${this.qualified(t)} "${n}" already exists`, {
            name: n,
            group: t.group,
            kind: t.name,
          }),
          info,
        );
      return this.write(res, req, { status: 201, json: this.create(t, objNs, body, dryRun) }, info);
    }
    const old = this.getStored(t, ns, name);
    if (!old) return this.write(res, req, notFound(), info);
    if (verb === 'update') {
      const wantRv = body.metadata?.resourceVersion;
      if (wantRv && wantRv !== old.metadata.resourceVersion) {
        return this.write(
          res,
          req,
          this.status(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${this.qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            { name, group: t.group, kind: t.name },
          ),
          info,
        );
      }
      const next = sub === 'status' ? { ...old, status: body.status } : sub ? old : body;
      return this.write(
        res,
        req,
        { status: 200, json: this.replace(t, ns, old, next, sub === 'status', dryRun) },
        info,
      );
    }
    // patch
    const ct = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    let patched: any;
    try {
      const p = JSON.parse(raw);
      if (ct === 'application/json-patch+json') patched = jsonPatch(structuredClone(old), p);
      else if (ct === 'application/merge-patch+json' || ct === 'application/strategic-merge-patch+json')
        patched = mergePatch(structuredClone(old), p);
      else
        return this.write(
          res,
          req,
          this.status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
          ),
          info,
        );
    } catch (e) {
      return this.write(
        res,
        req,
        this.status(422, 'Invalid', `the patch could not be applied: ${(e as Error).message}`),
        info,
      );
    }
    const next = sub === 'status' ? { ...old, status: patched.status } : { ...patched, status: old.status };
    return this.write(res, req, { status: 200, json: this.replace(t, ns, old, next, true, dryRun) }, info);
  }

  private qualified(t: ResourceType): string {
    return t.group ? `${t.name}.${t.group}` : t.name;
  }

  private groupJson(g: { name: string; versions: string[] }) {
    const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  }

  private resourceList(group: string, version: string) {
    const resources: any[] = [];
    for (const t of this.registry.resourcesOf(group, version)) {
      resources.push({
        name: t.name,
        singularName: t.singularName,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: verbsOf(t),
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.categories ? { categories: t.categories } : {}),
      });
      for (const s of t.subresources ?? []) {
        resources.push({
          name: `${t.name}/${s}`,
          singularName: '',
          namespaced: t.namespaced,
          kind: s === 'log' ? 'Pod' : s === 'scale' ? 'Scale' : t.kind,
          verbs: s === 'log' ? ['get'] : ['get', 'patch', 'update'],
        });
      }
    }
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources,
    };
  }

  private forbidden(
    t: ResourceType,
    verb: string,
    ns: string | undefined,
    name: string | undefined,
    sub: string | undefined,
  ): Body | undefined {
    const resource = sub ? `${t.name}/${sub}` : t.name;
    const hit = this.faults.forbidden.find(
      (f) =>
        (f.resource === t.name || f.resource === resource) &&
        (f.group === undefined || f.group === t.group) &&
        (f.namespace === undefined || ns === undefined || f.namespace === ns) &&
        (!f.verbs || f.verbs.includes(verb)),
    );
    if (!hit) return undefined;
    const verbWord = verb === 'watch' ? 'watch' : verb;
    const what = name ? `${this.qualified(t)} "${name}"` : this.qualified(t);
    const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    const sr = sub ? ` subresource "${sub}"` : '';
    return this.status(
      403,
      'Forbidden',
      `${what} is forbidden: User "${this.user}" cannot ${verbWord} resource "${t.name}"${sr} in API group "${t.group}" ${scope}`,
      { ...(name ? { name } : {}), group: t.group, kind: t.name },
    );
  }

  /** The objects of a type in list order (namespace, name); kept until the type changes, so paging stays cheap. */
  private sorted(t: ResourceType): any[] {
    const k = typeKey(t);
    let list = this.sortedCache.get(k);
    if (!list) {
      list = [...this.bucket(t).values()].sort(
        (a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name),
      );
      this.sortedCache.set(k, list);
    }
    return list;
  }

  private selected(t: ResourceType, ns: string | undefined, label: Matcher, field: Matcher): any[] {
    const out: any[] = [];
    for (const o of this.sorted(t)) {
      if (ns && o.metadata.namespace !== ns) continue;
      if (label(o) && field(o)) out.push(o);
    }
    return out;
  }

  private listRequest(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    q: URLSearchParams,
    table: boolean,
    includeObject: string,
    info: Partial<RequestInfo>,
  ): void {
    let label: Matcher;
    let field: Matcher;
    try {
      label = parseLabelSelector(q.get('labelSelector'));
      field = parseFieldSelector(q.get('fieldSelector'));
    } catch (e) {
      return this.write(res, req, this.status(400, 'BadRequest', (e as Error).message), info);
    }
    let all = this.selected(t, ns, label, field);
    let listRv = this.resourceVersion;
    let start = 0;
    const cont = q.get('continue');
    if (cont) {
      try {
        const c = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8'));
        start = Number(c.start);
        listRv = String(c.rv);
        if (!Number.isInteger(start) || start < 0) throw new Error('bad');
      } catch {
        return this.write(
          res,
          req,
          this.status(400, 'BadRequest', 'continue key is not valid: illegal base64 data'),
          info,
        );
      }
    }
    const limit = Number(q.get('limit') ?? 0);
    const meta: Record<string, unknown> = {};
    if (limit > 0 && start + limit < all.length) {
      meta.continue = Buffer.from(JSON.stringify({ rv: listRv, start: start + limit })).toString('base64url');
      meta.remainingItemCount = all.length - start - limit;
      all = all.slice(start, start + limit);
    } else if (start > 0) all = all.slice(start);
    const json = table
      ? toTable(t.kind, all, listRv, includeObject, now(), meta)
      : {
          kind: `${t.kind}List`,
          apiVersion: apiVersionOf(t),
          metadata: { resourceVersion: listRv, ...meta },
          items: all,
        };
    this.write(res, req, { status: 200, json }, info);
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    q: URLSearchParams,
    table: boolean,
    includeObject: string,
  ): void {
    let label: Matcher;
    let field: Matcher;
    try {
      label = parseLabelSelector(q.get('labelSelector'));
      field = parseFieldSelector(q.get('fieldSelector'));
    } catch (e) {
      return this.write(res, req, this.status(400, 'BadRequest', (e as Error).message), {
        verb: 'watch',
        resource: t.name,
        namespace: ns,
      });
    }
    const rvParam = q.get('resourceVersion') ?? '';
    const from = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    this.events.emit('request', {
      method: 'GET',
      path: req.url ?? '',
      verb: 'watch',
      resource: t.name,
      namespace: ns,
      status: 200,
    });
    const gone =
      this.faults.goneWatches > 0 || (from !== undefined && (!Number.isFinite(from) || from < this.compactedRv));
    if (gone) {
      if (this.faults.goneWatches > 0) this.faults.goneWatches--;
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: ${rvParam} (${this.compactedRv || this.rv})`,
            reason: 'Expired',
            code: 410,
          },
        }) + '\n',
      );
      this.events.emit('watch', { resource: t.name, namespace: ns, resourceVersion: rvParam, outcome: 'gone' });
      return;
    }
    if (this.faults.endWatchesAtOnce) {
      res.end();
      this.events.emit('watch', { resource: t.name, namespace: ns, resourceVersion: rvParam, outcome: 'ended' });
      return;
    }
    const w: Watcher = { key: typeKey(t), namespace: ns, label, field, res, table, includeObject, kind: t.kind };
    if (from === undefined) {
      for (const o of this.selected(t, ns, label, field))
        this.send(w, { rv: Number(o.metadata.resourceVersion), type: 'ADDED', key: w.key, obj: o });
    } else {
      for (let i = this.historyStart; i < this.history.length; i++) {
        const ev = this.history[i];
        if (ev.rv > from) this.send(w, ev);
      }
    }
    this.watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) w.timer = setTimeout(() => this.closeWatcher(w), timeout * 1000);
    const done = () => {
      if (this.watchers.delete(w)) {
        clearTimeout(w.timer);
        this.events.emit('watch-closed', { resource: t.name, namespace: ns });
      }
    };
    res.on('close', done);
    req.on('close', done);
    this.events.emit('watch', { resource: t.name, namespace: ns, resourceVersion: rvParam, outcome: 'ok' });
  }

  private send(w: Watcher, ev: HistoryEvent): void {
    if (ev.key !== w.key) return;
    if (w.namespace && ev.obj.metadata.namespace !== w.namespace) return;
    if (!w.label(ev.obj) || !w.field(ev.obj)) return;
    const object = w.table
      ? toTable(w.kind, [ev.obj], ev.obj.metadata.resourceVersion, w.includeObject, now())
      : ev.obj;
    if (!w.res.destroyed) w.res.write(JSON.stringify({ type: ev.type, object }) + '\n');
  }

  private closeWatcher(w: Watcher): void {
    clearTimeout(w.timer);
    if (!w.res.destroyed) w.res.end();
    if (this.watchers.delete(w)) this.events.emit('watch-closed', { resource: w.key });
  }

  private podLog(
    req: IncomingMessage,
    res: ServerResponse,
    pod: any,
    q: URLSearchParams,
    info: Partial<RequestInfo>,
  ): void {
    const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
    let c = q.get('container') ?? undefined;
    if (!c) {
      if (containers.length !== 1) {
        return this.write(
          res,
          req,
          this.status(
            400,
            'BadRequest',
            `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]`,
          ),
          info,
        );
      }
      c = containers[0];
    } else if (!containers.includes(c)) {
      return this.write(
        res,
        req,
        this.status(400, 'BadRequest', `container ${c} is not valid for pod ${pod.metadata.name}`),
        info,
      );
    }
    let text = this.logs.get(`${pod.metadata.namespace}/${pod.metadata.name}/${c}`) ?? '';
    const tail = q.get('tailLines');
    if (tail !== null && /^\d+$/.test(tail)) {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      text = lines
        .slice(Math.max(0, lines.length - Number(tail)))
        .map((l) => l + '\n')
        .join('');
    }
    this.write(res, req, { status: 200, text, contentType: 'text/plain' }, info);
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch (add, remove, replace, test, copy, move). */
export function jsonPatch(doc: any, ops: any[]): any {
  if (!Array.isArray(ops)) throw new Error('a JSON patch is an array of operations');
  const parse = (p: string) =>
    p
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parent = (path: string[]) => {
    let cur = doc;
    for (const s of path.slice(0, -1)) {
      cur = cur?.[s];
      if (cur === undefined) throw new Error(`path not found: /${path.join('/')}`);
    }
    return cur;
  };
  const getAt = (path: string[]) => path.reduce((c, s) => (c === undefined ? undefined : c[s]), doc);
  for (const op of ops) {
    const path = parse(String(op.path ?? ''));
    const last = path[path.length - 1];
    if (op.op === 'test') {
      if (JSON.stringify(getAt(path)) !== JSON.stringify(op.value)) throw new Error('test operation failed');
      continue;
    }
    let value = op.value;
    if (op.op === 'copy' || op.op === 'move') {
      const from = parse(String(op.from));
      value = structuredClone(getAt(from));
      if (op.op === 'move') {
        const p = parent(from);
        if (Array.isArray(p)) p.splice(Number(from[from.length - 1]), 1);
        else delete p[from[from.length - 1]];
      }
    }
    if (path.length === 0) {
      doc = value;
      continue;
    }
    const p = parent(path);
    if (op.op === 'remove') {
      if (Array.isArray(p)) p.splice(Number(last), 1);
      else delete p[last];
      continue;
    }
    if (op.op === 'add' || op.op === 'copy' || op.op === 'move') {
      if (Array.isArray(p)) p.splice(last === '-' ? p.length : Number(last), 0, value);
      else p[last] = value;
    } else if (op.op === 'replace') {
      p[Array.isArray(p) ? Number(last) : last] = value;
    } else throw new Error(`unknown operation ${op.op}`);
  }
  return doc;
}

export { SelectorError };

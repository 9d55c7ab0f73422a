// HTTP access to one kube context. @kubernetes/client-node provides the kubeconfig model and authentication (tokens,
// client certificates, token files, OIDC); requests and watches go through node's https with a timeout on every request.
// Exec credential plugins are run here, not by client-node, so that a plugin waiting for an interactive sign-in is
// killed after a timeout and reported as "sign in first" instead of hanging a view.
import * as https from 'node:https';
import { ChildProcess, spawn } from 'node:child_process';
import { KubeConfig, User } from '@kubernetes/client-node';
import { KubeError, fromNetworkError, fromStatus, isAbort } from './errors';

export interface ClientOptions {
  /** Time allowed for an answer's headers (and a whole non-watch answer). Default 15 s. */
  requestTimeoutMs?: number;
  /** Time allowed for an exec credential plugin. Default 20 s. */
  execTimeoutMs?: number;
  /** Server-side watch timeout (the server ends the watch; it is then resumed). Default 300 s. */
  watchTimeoutSeconds?: number;
}

interface Auth {
  agent: https.Agent;
  headers: Record<string, string>;
  expires: number;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

export interface WatchHandle {
  abort(): void;
  /** Resolves when the server accepted the watch (200 and headers). */ readonly opened: Promise<void>;
  readonly done: Promise<void>;
}

export class KubeClient {
  readonly server: string;
  readonly namespace?: string;
  private auth?: Promise<Auth>;
  /** Credential plugins running for this client (killed by dispose()). */
  private readonly plugins = new Set<ChildProcess>();

  /** Stops what this client started: a credential plugin still waiting for a sign-in is killed. */
  dispose(): void {
    killAll(this.plugins);
    this.plugins.clear();
    this.auth = undefined;
  }
  private readonly opts: Required<ClientOptions>;
  private readonly user: User | null;

  constructor(
    private readonly kc: KubeConfig,
    readonly context: string,
    opts: ClientOptions = {},
  ) {
    this.opts = { requestTimeoutMs: 15_000, execTimeoutMs: 20_000, watchTimeoutSeconds: 300, ...opts };
    const ctx = kc.getContextObject(context);
    if (!ctx) throw new KubeError('config', `context '${context}' is not in the kubeconfig`);
    const cluster = kc.getCluster(ctx.cluster);
    if (!cluster)
      throw new KubeError(
        'config',
        `context '${context}' names cluster '${ctx.cluster}', which the kubeconfig does not define`,
      );
    this.server = cluster.server.replace(/\/+$/, '');
    this.namespace = ctx.namespace;
    this.user = kc.getUser(ctx.user);
  }

  get requestTimeoutMs(): number {
    return this.opts.requestTimeoutMs;
  }
  get watchTimeoutSeconds(): number {
    return this.opts.watchTimeoutSeconds;
  }

  /** Drops cached credentials (after a 401, or when the user signed in). */
  resetAuth(): void {
    this.auth = undefined;
  }

  private async getAuth(): Promise<Auth> {
    if (this.auth) {
      const a = await this.auth.catch(() => undefined);
      if (a && a.expires > Date.now()) return a;
      this.auth = undefined;
    }
    const p = this.makeAuth();
    this.auth = p;
    p.catch(() => {
      if (this.auth === p) this.auth = undefined;
    });
    return p;
  }

  private async makeAuth(): Promise<Auth> {
    const kc = new KubeConfig();
    const ctx = this.kc.getContextObject(this.context)!;
    const cluster = this.kc.getCluster(ctx.cluster)!;
    let user: User = this.user ?? { name: 'anonymous' };
    let expires = Number.POSITIVE_INFINITY;
    if (user.exec) {
      const cred = await runExecPlugin(user.exec, this.opts.execTimeoutMs, this.plugins);
      expires = cred.expires;
      user = {
        name: user.name,
        ...(cred.token ? { token: cred.token } : {}),
        ...(cred.cert ? { certData: Buffer.from(cred.cert).toString('base64') } : {}),
        ...(cred.key ? { keyData: Buffer.from(cred.key).toString('base64') } : {}),
      };
    }
    kc.loadFromOptions({
      clusters: [cluster],
      users: [user],
      contexts: [{ ...ctx, name: this.context }],
      currentContext: this.context,
    });
    const o: any = {};
    try {
      await kc.applyToHTTPSOptions(o);
    } catch (e) {
      throw new KubeError(
        'signin',
        `cannot get credentials for context '${this.context}': ${(e as Error).message}`,
        'Sign in with your cluster provider (e.g. az login), then refresh.',
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) headers[k] = String(v);
    if (o.auth) headers.Authorization = `Basic ${Buffer.from(String(o.auth)).toString('base64')}`;
    const agent = cluster.proxyUrl
      ? o.agent
      : new https.Agent({
          keepAlive: true,
          ca: o.ca,
          cert: o.cert,
          key: o.key,
          servername: o.servername,
          ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
        });
    return { agent, headers, expires };
  }

  /** GET returning parsed JSON; non-2xx answers become KubeErrors. */
  async getJson<T = any>(
    path: string,
    what: { verb: string; resource: string; namespace?: string },
    signal?: AbortSignal,
    accept = 'application/json',
  ): Promise<T> {
    const r = await this.request('GET', path, signal, accept);
    if (r.status < 200 || r.status > 299) {
      if (r.status === 401) this.resetAuth();
      throw fromStatus(r.status, r.body, what);
    }
    try {
      return JSON.parse(r.body) as T;
    } catch {
      throw new KubeError('server', `the API server sent an answer that is not JSON for ${path}`);
    }
  }

  /** GET returning text (pod logs). */
  async getText(
    path: string,
    what: { verb: string; resource: string; namespace?: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const r = await this.request('GET', path, signal, 'text/plain, */*');
    if (r.status < 200 || r.status > 299) throw fromStatus(r.status, r.body, what);
    return r.body;
  }

  /** One request with a timeout on the whole answer. */
  async request(
    method: string,
    path: string,
    signal?: AbortSignal,
    accept = 'application/json',
    body?: string,
  ): Promise<{ status: number; body: string }> {
    const auth = await this.getAuth();
    return new Promise((resolve, reject) => {
      const url = new URL(this.server + path);
      const req = https.request(
        url,
        {
          method,
          agent: auth.agent,
          headers: {
            ...auth.headers,
            Accept: accept,
            'User-Agent': 'brokerkit',
            ...(body !== undefined
              ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            done();
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (e) => {
            done();
            reject(fromNetworkError(e, this.server));
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        reject(
          new KubeError(
            'timeout',
            `the cluster at ${this.server} did not answer within ${Math.round(this.opts.requestTimeoutMs / 1000)} s`,
            'Check the network path to the cluster (VPN, proxy, firewall); BrokerKit retries on its own.',
          ),
        );
      }, this.opts.requestTimeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        req.destroy();
        const e = new Error('aborted');
        e.name = 'AbortError';
        reject(e);
      };
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      req.on('error', (e) => {
        done();
        if (!isAbort(e) && !signal?.aborted) reject(fromNetworkError(e, this.server));
      });
      req.end(body);
    });
  }

  /**
   * A watch: `onEvent` for each newline-delimited event. `done` resolves when the server ends the stream and rejects
   * with a KubeError on failure. The headers must arrive within the request timeout; afterwards the stream may stay
   * quiet up to the server-side timeout plus a margin before it is considered dead.
   */
  async watch(
    path: string,
    params: Record<string, string>,
    what: { resource: string; namespace?: string },
    onEvent: (e: WatchEvent) => void,
  ): Promise<WatchHandle> {
    const auth = await this.getAuth();
    const url = new URL(this.server + path);
    url.searchParams.set('watch', 'true');
    url.searchParams.set('timeoutSeconds', String(this.opts.watchTimeoutSeconds));
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    let req: ReturnType<typeof https.request> | undefined;
    let aborted = false;
    let timer: NodeJS.Timeout | undefined;
    let openedResolve!: () => void;
    const opened = new Promise<void>((r) => {
      openedResolve = r;
    });
    const done = new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        clearTimeout(timer);
        if (aborted) resolve();
        else reject(e);
      };
      const arm = (ms: number, why: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          req?.destroy();
          fail(new KubeError('timeout', why));
        }, ms);
      };
      req = https.request(
        url,
        {
          method: 'GET',
          agent: auth.agent,
          headers: { ...auth.headers, Accept: 'application/json', 'User-Agent': 'brokerkit' },
        },
        (res) => {
          if (res.statusCode !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              if (res.statusCode === 401) this.resetAuth();
              fail(fromStatus(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), { verb: 'watch', ...what }));
            });
            res.on('error', fail);
            return;
          }
          openedResolve();
          const idle = (this.opts.watchTimeoutSeconds + 30) * 1000;
          arm(idle, `the watch of ${what.resource} went silent`);
          res.socket?.setKeepAlive(true, 30_000);
          let buf = '';
          let gone: KubeError | undefined;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            arm(idle, `the watch of ${what.resource} went silent`);
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i).trim();
              buf = buf.slice(i + 1);
              if (!line) continue;
              let ev: WatchEvent;
              try {
                ev = JSON.parse(line);
              } catch {
                continue;
              }
              if (ev.type === 'ERROR') {
                const code = ev.object?.code;
                gone =
                  code === 410
                    ? new KubeError('gone', ev.object?.message ?? 'too old resource version', undefined, 410)
                    : fromStatus(code ?? 500, JSON.stringify(ev.object ?? {}), { verb: 'watch', ...what });
                continue;
              }
              if (!aborted) onEvent(ev);
            }
          });
          res.on('end', () => {
            clearTimeout(timer);
            if (gone && !aborted) reject(gone);
            else resolve();
          });
          res.on('error', (e) => fail(fromNetworkError(e, this.server)));
          res.on('close', () => {
            clearTimeout(timer);
            if (!res.complete) fail(gone ?? new KubeError('unreachable', `the watch of ${what.resource} was cut`));
          });
        },
      );
      arm(
        this.opts.requestTimeoutMs,
        `the cluster at ${this.server} did not answer the watch of ${what.resource} within ${Math.round(this.opts.requestTimeoutMs / 1000)} s`,
      );
      req.on('error', (e) => fail(fromNetworkError(e, this.server)));
      req.end();
    });
    done.catch(() => undefined);
    // `opened` also settles when the watch fails before it opened (then it carries done's error).
    const openedOrFailed = Promise.race([opened, done.then(() => undefined)]);
    openedOrFailed.catch(() => undefined);
    return {
      abort: () => {
        aborted = true;
        clearTimeout(timer);
        req?.destroy();
      },
      opened: openedOrFailed,
      done,
    };
  }
}

interface ExecCredential {
  token?: string;
  cert?: string;
  key?: string;
  expires: number;
}

/** Credential plugins still running, killed when this process exits (a plugin waiting for a sign-in would outlive it). */
const runningPlugins = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess, owned?: Set<ChildProcess>): void {
  runningPlugins.add(child);
  owned?.add(child);
  child.once('close', () => {
    runningPlugins.delete(child);
    owned?.delete(child);
  });
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => killAll(runningPlugins));
  }
}

function killAll(children: Iterable<ChildProcess>): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/**
 * Runs a client.authentication.k8s.io exec plugin (kubelogin, aws, gke-gcloud-auth-plugin...) non-interactively with a
 * time limit. A plugin that waits for a browser or device-code sign-in is killed and reported as 'signin'.
 */
export function runExecPlugin(
  exec: NonNullable<User['exec']>,
  timeoutMs: number,
  owned?: Set<ChildProcess>,
): Promise<ExecCredential> {
  const command = String(exec.command ?? '');
  if (!command)
    return Promise.reject(new KubeError('signin', 'the kubeconfig user has an exec section without a command'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of (exec.env ?? []) as { name: string; value: string }[]) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
  const shown = [command, ...((exec.args ?? []) as string[])].join(' ');
  const signinHint = `Run \`${shown}\` in a terminal once to sign in (or \`az login\` / \`kubelogin\` for AKS), then refresh.`;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const child = spawn(command, (exec.args ?? []) as string[], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child, owned);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new KubeError(
          'signin',
          `the credential plugin '${command}' did not finish within ${Math.round(timeoutMs / 1000)} s; it is probably waiting for an interactive sign-in`,
          signinHint,
        ),
      );
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      if (err.length < 4000) err += d;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new KubeError(
          'signin',
          `cannot run the credential plugin '${command}': ${e.message}`,
          exec.installHint ? String(exec.installHint) : `Install '${command}' or fix the kubeconfig.`,
        ),
      );
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      // Killed: by the time limit (already answered), or by dispose() when the session stopped.
      if (sig)
        return reject(new KubeError('signin', `the credential plugin '${command}' was stopped (${sig})`, signinHint));
      if (code !== 0)
        return reject(
          new KubeError(
            'signin',
            `the credential plugin '${command}' failed (exit ${code})${err.trim() ? `: ${err.trim().split('\n').slice(-2).join(' ')}` : ''}`,
            signinHint,
          ),
        );
      try {
        const cred = JSON.parse(out);
        const st = cred?.status ?? {};
        const exp = st.expirationTimestamp ? Date.parse(st.expirationTimestamp) - 30_000 : Number.POSITIVE_INFINITY;
        if (!st.token && !st.clientCertificateData) throw new Error('no token or client certificate in its answer');
        resolve({ token: st.token, cert: st.clientCertificateData, key: st.clientKeyData, expires: exp });
      } catch (e) {
        reject(
          new KubeError(
            'signin',
            `the credential plugin '${command}' printed no usable ExecCredential: ${(e as Error).message}`,
            signinHint,
          ),
        );
      }
    });
  });
}

// A real LSP client over stdio (vscode-languageserver-protocol), shared by the protocol tests and bench/lsp.ts.
// It answers the server's requests the way an editor does (workspace/configuration from `settings`, capability
// registration, work-done progress) and records diagnostics, progress and log messages for the tests to await.
import { ChildProcess, spawn } from 'node:child_process';
import {
  createProtocolConnection,
  ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import {
  ClientCapabilities,
  ConfigurationRequest,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileEvent,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  RegistrationRequest,
  ShutdownRequest,
  TextDocumentContentChangeEvent,
  WorkDoneProgressCreateRequest,
  ProgressType,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
  UnregistrationRequest,
  ApplyWorkspaceEditRequest,
  Registration,
} from 'vscode-languageserver-protocol';

export interface StartOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  rootPath?: string;
  /** Several workspace folders (paths); the first is also the root. */
  folderPaths?: string[];
  /** Settings by section (e.g. { brokerkit: {...}, yaml: {...} }); answered to workspace/configuration. */
  settings?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** A failure guard for every wait, not a timing assumption. */
  timeoutMs?: number;
}

type Waiter = {
  uri: string;
  pred: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
};

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    applyEdit: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    definition: { linkSupport: false },
    references: {},
  },
  window: { workDoneProgress: true },
};

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: { type: number; message: string }[] = [];
  readonly registrations: Registration[] = [];
  readonly progress: {
    token: string | number;
    value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
  }[] = [];
  initializeResult!: InitializeResult;
  /** Milliseconds from sending `initialize` to its result (the process was already started). */
  initializeMs = 0;
  private waiters: Waiter[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  private notificationWaiters: { method: string; pred: (p: any) => boolean; resolve: (p: unknown) => void }[] = [];
  private registrationWaiters: { method: string; resolve: () => void }[] = [];
  /** The refresh requests from the server (workspace/codeLens/refresh...), in order. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  private serverRequestWaiters: { method: string; after: number; resolve: (p: unknown) => void }[] = [];
  private versions = new Map<string, number>();
  private exited: Promise<number | null>;
  private stderr = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: ProtocolConnection,
    public settings: Record<string, unknown>,
    readonly timeoutMs: number,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.stderr?.on('data', (d) => {
      this.stderr = (this.stderr + d.toString()).slice(-20000);
    });
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.pred(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    conn.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p);
    });
    conn.onRequest(ConfigurationRequest.type, (p) =>
      p.items.map((i) => (i.section ? this.section(i.section) : this.settings)),
    );
    conn.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
      for (const r of p.registrations)
        for (const w of this.registrationWaiters.splice(0)) {
          if (w.method === r.method) w.resolve();
          else this.registrationWaiters.push(w);
        }
    });
    conn.onRequest(UnregistrationRequest.type, () => undefined);
    conn.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    conn.onRequest(ApplyWorkspaceEditRequest.type, () => ({ applied: false }));
    // The refresh requests (workspace/codeLens/refresh...) are recorded and answered as an editor does (it then fetches again).
    for (const method of [
      'workspace/codeLens/refresh',
      'workspace/semanticTokens/refresh',
      'workspace/inlayHint/refresh',
      'workspace/diagnostic/refresh',
    ]) {
      conn.onRequest(method, (params: unknown) => {
        this.serverRequests.push({ method, params });
        const n = this.serverRequests.length;
        for (const w of [...this.serverRequestWaiters]) {
          if (w.method === method && n > w.after) {
            this.serverRequestWaiters.splice(this.serverRequestWaiters.indexOf(w), 1);
            w.resolve(params);
          }
        }
        return null;
      });
    }
    conn.onNotification('$/progress', (p: { token: string | number; value: any }) => {
      this.progress.push(p);
    });
    conn.onUnhandledNotification((n) => {
      this.notifications.push({ method: n.method, params: n.params });
      for (const w of [...this.notificationWaiters]) {
        if (w.method === n.method && w.pred(n.params)) {
          this.notificationWaiters.splice(this.notificationWaiters.indexOf(w), 1);
          w.resolve(n.params);
        }
      }
    });
  }

  private section(name: string): unknown {
    let cur: any = this.settings;
    for (const part of name.split('.')) cur = cur && typeof cur === 'object' ? cur[part] : undefined;
    return cur ?? null;
  }

  static async start(o: StartOptions): Promise<LspClient> {
    const proc = spawn(o.command, o.args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const reader = new StreamMessageReader(proc.stdout!);
    // No "partial message" timer: it re-arms itself every 10 s for as long as a message stays incomplete (a server
    // that exits in the middle of writing one leaves it so), and that timer kept the test process alive.
    reader.partialMessageTimeout = 0;
    const conn = createProtocolConnection(reader, new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn, o.settings ?? {}, o.timeoutMs ?? 30000);
    conn.listen();
    const rootPath = o.rootPath ?? o.folderPaths?.[0];
    const rootUri = rootPath ? pathToFileUri(rootPath) : null;
    const folders = o.folderPaths
      ? o.folderPaths.map((p, i) => ({ uri: pathToFileUri(p), name: `ws${i}` }))
      : rootUri
        ? [{ uri: rootUri, name: 'ws' }]
        : null;
    const t0 = performance.now();
    client.initializeResult = await client.guard(
      conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: folders,
        capabilities: o.capabilities ?? FULL_CAPABILITIES,
        initializationOptions: o.initializationOptions,
      }),
      'initialize',
    );
    client.initializeMs = performance.now() - t0;
    await conn.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Rejects when the promise takes longer than the failure guard, or when the server dies. */
  guard<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: no answer within ${this.timeoutMs} ms. stderr: ${this.stderr.slice(-2000)}`)),
        this.timeoutMs,
      );
    });
    const died = this.exited.then((code) => {
      throw new Error(`${what}: server exited (${code}). stderr: ${this.stderr.slice(-2000)}`);
    });
    died.catch(() => undefined); // only matters while racing; a later exit is not an error
    return Promise.race([p, timeout, died]).finally(() => clearTimeout(timer));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.guard(this.conn.sendRequest(method, params) as Promise<R>, method);
  }

  /** Resolves once the server has registered a capability for `method` (now or earlier). */
  registered(method: string): Promise<void> {
    if (this.registrations.some((r) => r.method === method)) return Promise.resolve();
    return this.guard(
      new Promise<void>((resolve) => this.registrationWaiters.push({ method, resolve })),
      `registration of ${method}`,
    );
  }

  /** A notification of another method (e.g. brokerkit/indexStatus) matching `pred`, already received or the next one. */
  notification<T = unknown>(method: string, pred: (p: T) => boolean = () => true): Promise<T> {
    const seen = this.notifications.find((n) => n.method === method && pred(n.params as T));
    if (seen) return Promise.resolve(seen.params as T);
    return this.guard(
      new Promise<T>((resolve) =>
        this.notificationWaiters.push({ method, pred, resolve: resolve as (p: unknown) => void }),
      ),
      `notification ${method}`,
    );
  }

  /**
   * A server request of `method` that this client records (see serverRequests): with `after` (a count of
   * serverRequests taken earlier), the first one received after that point, now or later; without, any one.
   */
  serverRequest(method: string, after = 0): Promise<unknown> {
    const seen = this.serverRequests.slice(after).find((r) => r.method === method);
    if (seen) return Promise.resolve(seen.params);
    return this.guard(
      new Promise<unknown>((resolve) => this.serverRequestWaiters.push({ method, after, resolve })),
      `server request ${method}`,
    );
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    this.versions.set(uri, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const v = this.version(uri) + 1;
    this.versions.set(uri, v);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: v },
      contentChanges: changes,
    });
    return v;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async settingsChanged(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /** The next publish for `uri` (after this call) that satisfies `pred`. */
  nextDiagnostics(
    uri: string,
    pred: (p: PublishDiagnosticsParams) => boolean = () => true,
  ): Promise<PublishDiagnosticsParams> {
    let w!: Waiter;
    const p = new Promise<PublishDiagnosticsParams>((resolve) => {
      w = { uri, pred, resolve };
      this.waiters.push(w);
    });
    return this.guard(p, `diagnostics for ${uri}`).finally(() => {
      const i = this.waiters.indexOf(w);
      if (i >= 0) this.waiters.splice(i, 1);
    });
  }

  /** The latest publish for `uri` satisfying `pred`: the current one if it does, else the next one that does. */
  diagnosticsFor(
    uri: string,
    pred: (p: PublishDiagnosticsParams) => boolean = () => true,
  ): Promise<PublishDiagnosticsParams> {
    const cur = this.diagnostics.get(uri);
    if (cur && pred(cur)) return Promise.resolve(cur);
    return this.nextDiagnostics(uri, pred);
  }

  /** Diagnostics published for the document's current version. */
  currentDiagnostics(uri: string, pred: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    const v = this.version(uri);
    return this.diagnosticsFor(uri, (p) => p.version === v && pred(p.diagnostics)).then((p) => p.diagnostics);
  }

  stderrText(): string {
    return this.stderr;
  }

  async shutdown(): Promise<number | null> {
    try {
      await this.guard(this.conn.sendRequest(ShutdownRequest.type), 'shutdown');
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      this.proc.kill();
    }
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      this.exited,
      new Promise<null>((r) => {
        timer = setTimeout(() => {
          this.proc.kill('SIGKILL');
          r(null);
        }, this.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.conn.dispose();
    return code;
  }

  kill(): void {
    try {
      this.proc.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }

  static progressType = new ProgressType<WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd>();
}

/** A file URI spelled like VS Code spells it (what our server uses for files it finds on disk). */
export function pathToFileUri(path: string): string {
  let out = '';
  for (const ch of path.replace(/\\/g, '/')) {
    if (/[A-Za-z0-9\-._~/]/.test(ch)) out += ch;
    else out += [...Buffer.from(ch, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
  }
  return 'file://' + (out.startsWith('/') ? out : '/' + out);
}

/** Applies LSP text edits to a text (edits must not overlap; any order). */
export function applyEdits(
  text: string,
  edits: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    newText: string;
  }[],
): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) o += lines[i].length + 1;
    if (p.line >= lines.length) return text.length;
    // As an editor does: a position past the end of a line (CRLF: its \r) stays on the line.
    const l = lines[p.line];
    return Math.min(o + p.character, o + l.length - (l.endsWith('\r') ? 1 : 0));
  };
  const sorted = edits
    .map((e) => ({ s: offset(e.range.start), e: offset(e.range.end), t: e.newText }))
    .sort((a, b) => b.s - a.s);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}

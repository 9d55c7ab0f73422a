// Diagnostics: one scheduler validates the whole workspace after a short quiet period and publishes only what
// changed. Edits are coalesced (a burst of changes is parsed and validated once), work that became stale while it
// ran is dropped rather than published, and a file's diagnostics are re-sent only when they differ from the last
// ones sent (an open document also gets a fresh publish for each new version, which clients wait for).
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { CancelledError, Finding } from '../engine';
import { ruleDocUrl } from './docs-link';
import type { ServerContext } from './server';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

/** Quiet period after the last change before validating (ms), and the longest a burst may postpone a publish. */
const QUIET_MS = 3;
const MAX_WAIT_MS = 300;

export function toDiagnostic(f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: f.range, severity: SEVERITY[f.severity], code: f.code, source: 'brokerkit', message: f.message,
    codeDescription: { href: ruleDocUrl(f.code) },
  };
  const related = f.related.filter((r) => r.uri && r.range).map((r) => ({ location: { uri: r.uri!, range: r.range! }, message: r.message }));
  if (related.length) d.relatedInformation = related;
  if (f.data) d.data = f.data;
  return d;
}

/** The store generation the findings in ctx.findings were computed for. */
const validated = new WeakMap<ServerContext, number>();

/** The findings of one file for the current text: the published ones when they are current, else recomputed now. */
export function freshFindings(ctx: ServerContext, uri: string): Finding[] {
  ctx.store.sync();
  if (validated.get(ctx) === ctx.store.generation) return ctx.findings.get(uri) ?? [];
  return ctx.workspace.validate().get(uri) ?? [];
}

export function register(ctx: ServerContext): void {
  /** Last published diagnostics per URI, serialised, and the document version they were published for. */
  const published = new Map<string, string>();
  const publishedVersion = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let lastRequest = 0;
  let firstRequest = 0;
  let running = false;
  let again = false;

  ctx.requestValidation = () => {
    ctx.store.generation++;
    const now = performance.now();
    lastRequest = now;
    if (!firstRequest) firstRequest = now;
    if (running) { again = true; return; }
    if (!timer) timer = setTimeout(tick, QUIET_MS);
  };

  function tick(): void {
    timer = undefined;
    const now = performance.now();
    const quietFor = now - lastRequest;
    if (quietFor < QUIET_MS && now - firstRequest < MAX_WAIT_MS) {
      timer = setTimeout(tick, Math.max(1, QUIET_MS - quietFor));
      return;
    }
    void run();
  }

  async function run(): Promise<void> {
    running = true;
    again = false;
    const forced = firstRequest > 0 && performance.now() - firstRequest >= MAX_WAIT_MS;
    try {
      ctx.store.sync();
      const generation = ctx.store.generation;
      // A change that arrives while we validate makes the result stale (unless a long burst forces a publish).
      const token = { get isCancellationRequested() { return !forced && (again || ctx.store.hasPending()); } };
      let results: Map<string, Finding[]>;
      try {
        results = ctx.workspace.validate(token);
      } catch (e) {
        if (e instanceof CancelledError) return;
        throw e;
      }
      for (const msg of ctx.workspace.ruleErrors.splice(0)) ctx.log('error', msg);
      // Let queued messages in before publishing; if they changed anything, this result is stale: drop it.
      await new Promise<void>((r) => setImmediate(r));
      if (!forced && (again || ctx.store.hasPending() || generation !== ctx.store.generation)) return;
      firstRequest = 0;
      publish(results);
      validated.set(ctx, generation);
    } catch (e) {
      ctx.log('error', `validation failed: ${(e as Error).stack ?? e}`);
    } finally {
      running = false;
      if (again || ctx.store.hasPending()) ctx.requestValidation();
    }
  }

  function publish(results: Map<string, Finding[]>): void {
    ctx.findings.clear();
    for (const [uri, findings] of results) {
      ctx.findings.set(uri, findings);
      send(uri, findings);
    }
    for (const uri of [...published.keys()]) {
      if (!results.has(uri)) send(uri, []);
    }
    // Open documents the engine does not hold (not ours) still get one (empty) publish per version.
    for (const uri of ctx.store.openUris()) if (!results.has(uri)) send(uri, []);
  }

  function send(uri: string, findings: Finding[]): void {
    const diagnostics = findings.map(toDiagnostic);
    const key = diagnostics.length ? JSON.stringify(diagnostics) : '';
    const doc = ctx.store.isOpen(uri) ? ctx.documents.get(uri) : undefined;
    const versionChanged = doc !== undefined && publishedVersion.get(uri) !== doc.version;
    if (!versionChanged && (published.get(uri) ?? '') === key) return;
    if (key) published.set(uri, key); else published.delete(uri);
    if (doc) publishedVersion.set(uri, doc.version); else publishedVersion.delete(uri);
    ctx.connection.sendDiagnostics({ uri, version: doc?.version, diagnostics });
  }

  ctx.documents.onDidOpen((e) => {
    if (!ctx.store.serves(e.document.uri, e.document.languageId)) return;
    ctx.store.opened(e.document.uri);
    ctx.requestValidation('open');
  });
  ctx.documents.onDidChangeContent((e) => {
    if (!ctx.store.isOpen(e.document.uri)) return;
    ctx.store.changed(e.document.uri);
    ctx.requestValidation('change');
  });
  ctx.documents.onDidClose((e) => {
    if (!ctx.store.isOpen(e.document.uri)) return;
    ctx.store.closed(e.document.uri);
    publishedVersion.delete(e.document.uri);
    ctx.requestValidation('close');
  });
}

// Diagnostics: one scheduler validates the whole workspace after a short quiet period and publishes only what
// changed. Edits are coalesced (a burst of changes is parsed and validated once), work that became stale while it
// ran is dropped rather than published, and a file's diagnostics are re-sent only when they differ from the last
// ones sent (an open document also gets a fresh publish for each new version, which clients wait for).
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { CancelledError, Finding } from '../engine';
import { rulePageUrl } from '../rule-docs';
import type { ServerContext } from './server';

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

/**
 * Quiet period before validating: a single change (a keystroke) is validated almost at once; once several requests
 * arrive close together (a burst: files opened by the hundred, the index filling, a paste of many edits) the
 * scheduler waits for the burst to end. A long burst still publishes every MAX_WAIT_MS.
 */
const QUIET_MS = 0;
const BURST_QUIET_MS = 20;
const BURST_QUIET_MAX_MS = 60;
const MAX_WAIT_MS = 300;
/** The longest diagnostics wait for the workspace index to be read. */
const INDEX_WAIT_MS = 3000;
/** A validation that took less than this is simply redone when it turned stale; a longer one is published. */
const CHEAP_RUN_MS = 30;
/** BROKERKIT_LSP_TRACE=1 writes one line per validation to stderr (for profiling; off by default). */
const TRACE = process.env.BROKERKIT_LSP_TRACE === '1';

/** Findings the engine reuses (unchanged documents keep their finished findings) map to the same Diagnostic. */
const converted = new WeakMap<Finding, Diagnostic>();

export function toDiagnostic(f: Finding): Diagnostic {
  let d = converted.get(f);
  if (d) return d;
  d = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    source: 'brokerkit',
    message: f.message,
    codeDescription: { href: rulePageUrl(f.code) },
  };
  const related = f.related
    .filter((r) => r.uri && r.range)
    .map((r) => ({ location: { uri: r.uri!, range: r.range! }, message: r.message }));
  if (related.length) d.relatedInformation = related;
  // The finding's quick-fix `data` stays on the server (code actions read the findings, not the client's copy).
  converted.set(f, d);
  return d;
}

/** Deep equality of two diagnostic lists (identical objects short-cut; stops at the first difference). */
export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !deepEqual(a[i], b[i])) return false;
  return true;
}

function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  const kx = Object.keys(x as object);
  const ky = Object.keys(y as object);
  if (kx.length !== ky.length) return false;
  for (const k of kx)
    if (!deepEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])) return false;
  return true;
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
  /** Last published diagnostics per URI (absent = none), and the document version they were published for. */
  const published = new Map<string, Diagnostic[]>();
  const publishedVersion = new Map<string, number>();
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let lastRequest = 0;
  let firstRequest = 0;
  let running = false;
  let again = false;

  let requests = 0;
  /** How long the last validation took (sync + validate + publish), for pacing publishes during bursts. */
  let lastRunMs = 0;

  ctx.requestValidation = () => {
    ctx.store.generation++;
    const now = performance.now();
    lastRequest = now;
    requests++;
    if (!firstRequest) firstRequest = now;
    if (running) {
      again = true;
      return;
    }
    if (!timer) timer = setImmediate(tick);
  };

  function tick(): void {
    timer = undefined;
    const now = performance.now();
    const quietFor = now - lastRequest;
    // In a burst, wait about as long as a validation takes: messages that piled up meanwhile get processed first.
    const quiet = requests > 1 ? Math.min(BURST_QUIET_MAX_MS, Math.max(BURST_QUIET_MS, lastRunMs)) : QUIET_MS;
    // A long burst publishes what it has now and then, but not more often than a few validations' worth of time.
    const maxWait = Math.max(MAX_WAIT_MS, 4 * lastRunMs);
    if (quietFor < quiet && now - firstRequest < maxWait) {
      timer = setTimeout(tick, Math.max(1, quiet - quietFor));
      return;
    }
    // While the workspace index is read, wait for it (a huge workspace still shows progress every few seconds).
    if (ctx.store.indexing && now - firstRequest < INDEX_WAIT_MS) {
      timer = setTimeout(tick, BURST_QUIET_MS);
      return;
    }
    requests = 0;
    void run();
  }

  async function run(): Promise<void> {
    running = true;
    again = false;
    const started = performance.now();
    const forced = firstRequest > 0 && started - firstRequest >= Math.max(MAX_WAIT_MS, 4 * lastRunMs);
    try {
      ctx.store.sync();
      const syncMs = performance.now() - started;
      const generation = ctx.store.generation;
      // The version of every open document whose text this validation sees.
      const versions = new Map<string, number>();
      for (const uri of ctx.store.openUris()) {
        const d = ctx.documents.get(uri);
        if (d) versions.set(uri, d.version);
      }
      let results: Map<string, Finding[]>;
      try {
        results = ctx.workspace.validate();
      } catch (e) {
        if (e instanceof CancelledError) return;
        throw e;
      }
      for (const msg of ctx.workspace.ruleErrors.splice(0)) ctx.log('error', msg);
      // Let queued messages in before publishing. If they changed anything the result is stale. A cheap result is
      // dropped (the next run follows at once); an expensive one (a burst of opened files, a huge workspace) is
      // published for everything but the documents that changed meanwhile, so long work is never thrown away.
      await new Promise<void>((r) => setImmediate(r));
      const stale = again || ctx.store.hasPending() || generation !== ctx.store.generation;
      const elapsed = performance.now() - started;
      if (stale && !forced && elapsed < CHEAP_RUN_MS) {
        if (TRACE) process.stderr.write(`[brokerkit] validation dropped (stale) after ${Math.round(elapsed)} ms\n`);
        return;
      }
      publish(results, versions, stale);
      firstRequest = 0;
      if (!stale) validated.set(ctx, generation);
      lastRunMs = performance.now() - started;
      if (TRACE)
        process.stderr.write(
          `[brokerkit] ${Math.round(performance.now())} validation: ${results.size} files, ${Math.round(lastRunMs)} ms (sync ${Math.round(syncMs)})${stale ? ' (partly stale)' : ''}${forced ? ' (burst)' : ''}\n`,
        );
    } catch (e) {
      ctx.log('error', `validation failed: ${(e as Error).stack ?? e}`);
    } finally {
      running = false;
      // Changes arrived while validating: a burst is under way, so the next run waits for it to calm down.
      if (again || ctx.store.hasPending()) {
        requests++;
        ctx.requestValidation();
      }
    }
  }

  /** Publishes what changed. `versions`: the open documents' versions the results are for; with `stale`, documents
   *  edited since are skipped (the next run covers them). */
  function publish(results: Map<string, Finding[]>, versions: Map<string, number>, stale: boolean): void {
    // The version a result is for: the one validated, or the current one when the document was opened meanwhile
    // with the very text the engine holds. null: the document changed since; its result is stale, skip it.
    const versionOf = (uri: string): number | undefined | null => {
      const doc = ctx.store.isOpen(uri) ? ctx.documents.get(uri) : undefined;
      if (!doc) return undefined;
      if (versions.get(uri) === doc.version) return doc.version;
      return ctx.store.isCurrent(uri) ? doc.version : null;
    };
    if (!stale) ctx.findings.clear();
    for (const [uri, findings] of results) {
      const v = versionOf(uri);
      if (v === null) continue;
      ctx.findings.set(uri, findings);
      send(uri, findings, v);
    }
    for (const uri of [...published.keys()]) {
      const v = results.has(uri) ? null : versionOf(uri);
      if (v !== null) send(uri, [], v);
    }
    // Open documents the engine does not hold (not ours) still get one (empty) publish per version.
    for (const uri of ctx.store.openUris()) {
      const v = results.has(uri) ? null : versionOf(uri);
      if (v !== null) send(uri, [], v);
    }
  }

  function send(uri: string, findings: Finding[], version: number | undefined): void {
    const diagnostics = findings.map(toDiagnostic);
    // Keep the previous objects for diagnostics that did not change (their serialised form is reused, transport.ts).
    const prev = published.get(uri);
    // (The finding then converts to that object from now on, so the comparison is made once, not on every publish.)
    if (prev) {
      for (let i = 0; i < diagnostics.length && i < prev.length; i++) {
        if (diagnostics[i] !== prev[i] && deepEqual(diagnostics[i], prev[i])) {
          diagnostics[i] = prev[i];
          converted.set(findings[i], prev[i]);
        }
      }
    }
    const open = version !== undefined && ctx.store.isOpen(uri);
    const versionChanged = open && publishedVersion.get(uri) !== version;
    if (!versionChanged && sameDiagnostics(published.get(uri) ?? [], diagnostics)) return;
    if (diagnostics.length) published.set(uri, diagnostics);
    else published.delete(uri);
    if (open) publishedVersion.set(uri, version);
    else publishedVersion.delete(uri);
    ctx.connection.sendDiagnostics({ uri, version: open ? version : undefined, diagnostics });
  }

  /** Documents whose didOpen was just handled (TextDocuments reports the open as a content change too). */
  const opening = new Map<string, number>();
  ctx.documents.onDidOpen((e) => {
    const uri = e.document.uri;
    if (!ctx.store.serves(uri, e.document.languageId)) return;
    opening.set(uri, e.document.version);
    if (ctx.store.opened(uri)) {
      ctx.requestValidation('open');
      return;
    }
    // Already indexed with this very text: publish its diagnostics for this version, no validation needed.
    if (!running && validated.get(ctx) === ctx.store.generation)
      send(uri, ctx.findings.get(uri) ?? [], e.document.version);
    else if (!running && !timer) ctx.requestValidation('open');
  });
  ctx.documents.onDidChangeContent((e) => {
    if (opening.get(e.document.uri) === e.document.version) {
      opening.delete(e.document.uri);
      return;
    }
    opening.delete(e.document.uri);
    if (!ctx.store.isOpen(e.document.uri)) return;
    ctx.store.changed(e.document.uri);
    ctx.requestValidation('change');
  });
  ctx.documents.onDidClose((e) => {
    opening.delete(e.document.uri);
    if (!ctx.store.isOpen(e.document.uri)) return;
    ctx.store.closed(e.document.uri);
    publishedVersion.delete(e.document.uri);
    ctx.requestValidation('close');
  });
}

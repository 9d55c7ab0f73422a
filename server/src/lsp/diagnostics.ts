// Diagnostics: one scheduler validates the whole workspace after a short quiet period and publishes only what
// changed. Edits are coalesced (a burst of changes is parsed and validated once), work that became stale while it
// ran is dropped rather than published, and a file's diagnostics are re-sent only when they differ from the last
// ones sent (an open document also gets a fresh publish for each new version, which clients wait for).
import { Connection, Diagnostic, DiagnosticSeverity, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditDocument } from './edit-document';
import { CancelledError, Finding, LiveRef, Workspace } from '../engine';
import { sameValue } from '../engine/values';
import { rulePageUrl } from '../rule-docs';
import type { Log, ServerContext } from './context';
import type { Store } from './store';

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

/** The scheme of the client's read-only live-object documents (initializationOptions.liveDocuments), if it has them. */
let liveScheme: string | undefined;
export function setLiveScheme(scheme: string | undefined): void {
  liveScheme = scheme && /^[a-z][a-z0-9+.-]*$/.test(scheme) ? scheme : undefined;
}
export function hasLiveDocuments(): boolean {
  return !!liveScheme;
}
const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The client's document of a live object: <scheme>:/object/<kind>/<namespace>/<name>.yaml?<the reference as JSON>. */
export function liveUri(scheme: string, ref: LiveRef): string {
  const json = encodeURIComponent(encodeURIComponent(JSON.stringify(ref)));
  const seg = (s: string) => encodeURIComponent(s);
  return `${scheme}:/object/${seg(ref.kind)}/${seg(ref.namespace ?? '_')}/${seg(ref.name)}.yaml?${json}`;
}

/**
 * The most diagnostics of one rule code a file shows in the editor. Past it (a generated file where hundreds of
 * listeners share a broker), the rest are summed up in one information diagnostic of that code at the first line
 * not shown, so the Problems panel stays readable and a keystroke does not re-send tens of thousands of entries.
 * The document being edited shows all its findings. `brokerkit check` lists every finding.
 */
export const MAX_SHOWN_PER_CODE = 100;

/** Lines (0-based, inclusive) whose findings are always shown: the document just edited. */
export interface FocusLines {
  readonly startLine: number;
  readonly endLine: number;
}

/**
 * The findings of a file as the editor shows them: every finding on the `focus` lines, and of the others at most
 * MAX_SHOWN_PER_CODE per code (the first ones, in file order); for each code cut short one note that says how many
 * are not shown, at the first one not shown. The same list when nothing is cut.
 */
export function shownFindings(findings: Finding[], focus?: FocusLines): Finding[] {
  if (findings.length <= MAX_SHOWN_PER_CODE) return findings;
  const state = new Map<string, { shown: number; hidden: number; first?: Finding; at: number }>();
  const out: Finding[] = [];
  let cut = false;
  for (const f of findings) {
    let st = state.get(f.code);
    if (!st) state.set(f.code, (st = { shown: 0, hidden: 0, at: -1 }));
    const line = f.range.start.line;
    if (focus && line >= focus.startLine && line <= focus.endLine) out.push(f);
    else if (st.shown < MAX_SHOWN_PER_CODE) {
      st.shown++;
      out.push(f);
    } else {
      cut = true;
      if (st.hidden++ === 0) {
        st.first = f;
        st.at = out.length;
        out.push(f); // (replaced by the note below)
      }
    }
  }
  if (!cut) return findings;
  for (const st of state.values()) if (st.first) out[st.at] = notShown(st.first, st.hidden);
  return out;
}

/** One note per (code, count, line): the same object while nothing about it changes. */
const notes = new Map<string, Finding>();
function notShown(first: Finding, hidden: number): Finding {
  const key = `${first.uri}\u0000${first.code}\u0000${hidden}\u0000${first.range.start.line}`;
  let f = notes.get(key);
  if (!f) {
    if (notes.size > 1000) notes.clear();
    f = {
      uri: first.uri,
      range: { start: first.range.start, end: first.range.start },
      severity: 'info',
      code: first.code,
      message: `${hidden} more ${first.code} finding${hidden === 1 ? '' : 's'} in this file, from this line on, not shown: the editor shows the first ${MAX_SHOWN_PER_CODE} of each rule per file, and all of the document being edited. \`brokerkit check\` lists them all.`,
      related: [],
    };
    notes.set(key, f);
  }
  return f;
}

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
    .map((r) =>
      r.uri && r.range
        ? { location: { uri: r.uri, range: r.range }, message: r.message }
        : r.live && liveScheme
          ? { location: { uri: liveUri(liveScheme, r.live), range: ZERO }, message: r.message }
          : undefined,
    )
    .filter((r) => r !== undefined);
  // The deployment a relation was judged in: at the file that makes it one, else at the finding itself (unless it is
  // the workspace's only deployment: then every relation is judged in it, and the entry would only point back here).
  if (f.deployment !== undefined && !f.deploymentOnly)
    related.push({
      location: { uri: f.deploymentSource ?? f.uri, range: f.deploymentSource ? ZERO : f.range },
      message: `judged in deployment ${f.deployment}`,
    });
  if (related.length) d.relatedInformation = related;
  // The finding's quick-fix `data` stays on the server (code actions read the findings, not the client's copy).
  converted.set(f, d);
  return d;
}

/** Deep equality of two diagnostic lists (identical objects short-cut; stops at the first difference). */
export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !sameValue(a[i], b[i])) return false;
  return true;
}

export interface ValidationDeps {
  readonly connection: Connection;
  readonly documents: TextDocuments<EditDocument>;
  readonly workspace: Workspace;
  readonly store: Store;
  /** Findings of the last validation per URI, filled here. */
  readonly findings: Map<string, Finding[]>;
  readonly log: Log;
}

/**
 * The validation scheduler: a service the server constructs before any feature registers. `request()` asks for a
 * validation; the document events (open, change, close) reach it through the diagnostics feature below.
 */
export class ValidationScheduler {
  /** Run after each publish (e.g. telling the client what the cluster was compared with). */
  readonly afterPublish: (() => void)[] = [];
  /** Last published diagnostics per URI (absent = none), and the document version they were published for. */
  private readonly published = new Map<string, Diagnostic[]>();
  private readonly publishedVersion = new Map<string, number>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private lastRequest = 0;
  private firstRequest = 0;
  private running = false;
  private again = false;
  private requests = 0;
  /** How long the last validation took (sync + validate + publish), for pacing publishes during bursts. */
  private lastRunMs = 0;
  /** The store generation the findings in `findings` were computed for. */
  private validated = -1;
  /** Documents whose didOpen was just handled (TextDocuments reports the open as a content change too). */
  private readonly opening = new Map<string, number>();

  constructor(private readonly deps: ValidationDeps) {}

  /** Asks for a debounced validation and publish. */
  request(): void {
    const { store } = this.deps;
    store.generation++;
    const now = performance.now();
    this.lastRequest = now;
    this.requests++;
    if (!this.firstRequest) this.firstRequest = now;
    if (this.running) {
      this.again = true;
      return;
    }
    if (!this.timer) this.timer = setImmediate(() => this.tick());
  }

  /** The findings of one file for the current text: the published ones when they are current, else recomputed now. */
  freshFindings(uri: string): Finding[] {
    const { store, findings, workspace } = this.deps;
    store.sync();
    if (this.validated === store.generation) return findings.get(uri) ?? [];
    return workspace.validate().get(uri) ?? [];
  }

  private tick(): void {
    this.timer = undefined;
    const now = performance.now();
    const quietFor = now - this.lastRequest;
    // In a burst, wait about as long as a validation takes: messages that piled up meanwhile get processed first.
    const quiet = this.requests > 1 ? Math.min(BURST_QUIET_MAX_MS, Math.max(BURST_QUIET_MS, this.lastRunMs)) : QUIET_MS;
    // A long burst publishes what it has now and then, but not more often than a few validations' worth of time.
    const maxWait = Math.max(MAX_WAIT_MS, 4 * this.lastRunMs);
    if (quietFor < quiet && now - this.firstRequest < maxWait) {
      this.timer = setTimeout(() => this.tick(), Math.max(1, quiet - quietFor));
      return;
    }
    // While the workspace index is read, wait for it (a huge workspace still shows progress every few seconds).
    if (this.deps.store.indexing && now - this.firstRequest < INDEX_WAIT_MS) {
      this.timer = setTimeout(() => this.tick(), BURST_QUIET_MS);
      return;
    }
    this.requests = 0;
    void this.run();
  }

  private async run(): Promise<void> {
    const { store, documents, workspace, log } = this.deps;
    this.running = true;
    this.again = false;
    const started = performance.now();
    const forced = this.firstRequest > 0 && started - this.firstRequest >= Math.max(MAX_WAIT_MS, 4 * this.lastRunMs);
    try {
      store.sync();
      const syncMs = performance.now() - started;
      const generation = store.generation;
      // The version of every open document whose text this validation sees.
      const versions = new Map<string, number>();
      for (const uri of store.openUris()) {
        const d = documents.get(uri);
        if (d) versions.set(uri, d.version);
      }
      let results: Map<string, Finding[]>;
      try {
        results = workspace.validate();
      } catch (e) {
        if (e instanceof CancelledError) return;
        throw e;
      }
      for (const msg of workspace.ruleErrors.splice(0)) log('error', msg);
      // Let queued messages in before publishing. If they changed anything the result is stale. A cheap result is
      // dropped (the next run follows at once); an expensive one (a burst of opened files, a huge workspace) is
      // published for everything but the documents that changed meanwhile, so long work is never thrown away.
      await new Promise<void>((r) => setImmediate(r));
      const stale = this.again || store.hasPending() || generation !== store.generation;
      const elapsed = performance.now() - started;
      if (stale && !forced && elapsed < CHEAP_RUN_MS) {
        if (TRACE) process.stderr.write(`[brokerkit] validation dropped (stale) after ${Math.round(elapsed)} ms\n`);
        return;
      }
      this.publish(results, versions, stale);
      for (const hook of this.afterPublish) hook();
      this.firstRequest = 0;
      if (!stale) this.validated = generation;
      this.lastRunMs = performance.now() - started;
      if (TRACE)
        process.stderr.write(
          `[brokerkit] ${Math.round(performance.now())} validation: ${results.size} files, ${Math.round(this.lastRunMs)} ms (sync ${Math.round(syncMs)})${stale ? ' (partly stale)' : ''}${forced ? ' (burst)' : ''}\n`,
        );
    } catch (e) {
      log('error', `validation failed: ${(e as Error).stack ?? e}`);
    } finally {
      this.running = false;
      // Changes arrived while validating: a burst is under way, so the next run waits for it to calm down.
      if (this.again || store.hasPending()) {
        this.requests++;
        this.request();
      }
    }
  }

  /** Publishes what changed. `versions`: the open documents' versions the results are for; with `stale`, documents
   *  edited since are skipped (the next run covers them). */
  private publish(results: Map<string, Finding[]>, versions: Map<string, number>, stale: boolean): void {
    const { store, documents, findings } = this.deps;
    // The version a result is for: the one validated, or the current one when the document was opened meanwhile
    // with the very text the engine holds. null: the document changed since; its result is stale, skip it.
    const versionOf = (uri: string): number | undefined | null => {
      const doc = store.isOpen(uri) ? documents.get(uri) : undefined;
      if (!doc) return undefined;
      if (versions.get(uri) === doc.version) return doc.version;
      return store.isCurrent(uri) ? doc.version : null;
    };
    if (!stale) findings.clear();
    for (const [uri, list] of results) {
      const v = versionOf(uri);
      if (v === null) continue;
      findings.set(uri, list);
      this.send(uri, list, v);
    }
    for (const uri of [...this.published.keys()]) {
      const v = results.has(uri) ? null : versionOf(uri);
      if (v !== null) this.send(uri, [], v);
    }
    // Open documents the engine does not hold (not ours) still get one (empty) publish per version.
    for (const uri of store.openUris()) {
      const v = results.has(uri) ? null : versionOf(uri);
      if (v !== null) this.send(uri, [], v);
    }
  }

  private send(uri: string, all: Finding[], version: number | undefined): void {
    const findings = shownFindings(all, this.deps.workspace.getFile(uri)?.edited);
    const diagnostics = findings.map(toDiagnostic);
    // Keep the previous objects for diagnostics that did not change (their serialised form is reused, transport.ts).
    const prev = this.published.get(uri);
    // (The finding then converts to that object from now on, so the comparison is made once, not on every publish.)
    if (prev) {
      for (let i = 0; i < diagnostics.length && i < prev.length; i++) {
        if (diagnostics[i] !== prev[i] && sameValue(diagnostics[i], prev[i])) {
          diagnostics[i] = prev[i];
          converted.set(findings[i], prev[i]);
        }
      }
    }
    const open = version !== undefined && this.deps.store.isOpen(uri);
    const versionChanged = open && this.publishedVersion.get(uri) !== version;
    if (!versionChanged && sameDiagnostics(this.published.get(uri) ?? [], diagnostics)) return;
    if (diagnostics.length) this.published.set(uri, diagnostics);
    else this.published.delete(uri);
    if (open) this.publishedVersion.set(uri, version);
    else this.publishedVersion.delete(uri);
    this.deps.connection.sendDiagnostics({ uri, version: open ? version : undefined, diagnostics });
  }

  /** The editor opened a document. */
  documentOpened(doc: TextDocument): void {
    const { store, findings } = this.deps;
    const uri = doc.uri;
    if (!store.serves(uri, doc.languageId)) return;
    this.opening.set(uri, doc.version);
    if (store.opened(uri)) {
      this.request();
      return;
    }
    // Already indexed with this very text: publish its diagnostics for this version, no validation needed.
    if (!this.running && this.validated === store.generation) this.send(uri, findings.get(uri) ?? [], doc.version);
    else if (!this.running && !this.timer) this.request();
  }

  /** The editor changed a document's text. */
  documentChanged(doc: TextDocument): void {
    const { store } = this.deps;
    if (this.opening.get(doc.uri) === doc.version) {
      this.opening.delete(doc.uri);
      return;
    }
    this.opening.delete(doc.uri);
    if (!store.isOpen(doc.uri)) return;
    store.changed(doc.uri);
    this.request();
  }

  /** The editor closed a document. */
  documentClosed(doc: TextDocument): void {
    const { store } = this.deps;
    this.opening.delete(doc.uri);
    if (!store.isOpen(doc.uri)) return;
    store.closed(doc.uri);
    this.publishedVersion.delete(doc.uri);
    this.request();
  }
}

/** The findings of one file for the current text (what quick fixes read). */
export function freshFindings(ctx: ServerContext, uri: string): Finding[] {
  return ctx.validation.freshFindings(uri);
}

/** The diagnostics feature: document events drive the scheduler. */
export function register(ctx: ServerContext): void {
  ctx.documents.onDidOpen((e) => ctx.validation.documentOpened(e.document));
  ctx.documents.onDidChangeContent((e) => ctx.validation.documentChanged(e.document));
  ctx.documents.onDidClose((e) => ctx.validation.documentClosed(e.document));
}

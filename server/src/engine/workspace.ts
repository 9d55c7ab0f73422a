// The incremental engine: files are split into documents, each document parsed once and cached by its text; document
// rules are cached with the parse; workspace rules run over the index on every validation (they are cheap).
import { ChunkParse, ChunkRef, Path, locateIn, parseChunk, splitDocuments } from './parse';
import { Resource, isRelevant, toResource } from './resources';
import { Index } from './workspace-index';
import { builtinObjects } from './builtins';
import { allRules, documentRules, workspaceRules, engineCodes } from './rules';
import { DataSpan } from './rule';
import type { Report, RelatedReport } from './rule';
import {
  CancellationLike, CancelledError, EngineOptions, Facts, Finding, Range, RelatedInfo, Severity, defaultEngineOptions,
} from './types';

export interface FileState {
  readonly uri: string;
  readonly text: string;
  readonly chunks: ChunkRef[];
  /** Why the file is not parsed ('too-large', 'binary', 'helm-template'), if it is not. */
  readonly skipped?: 'too-large' | 'binary' | 'helm-template';
  readonly resources: Resource[];
}

interface RawRelated { chunk?: ChunkRef; start?: number; end?: number; message: string }
interface RawFinding {
  chunk: ChunkRef; start: number; end: number; severity: Severity; code: string; message: string;
  related: RawRelated[]; data?: Record<string, unknown>;
}
/** A document-rule finding, chunk-relative so it can be cached with the chunk parse. */
interface LocalFinding { start: number; end: number; severity: Severity; code: string; message: string; related: { start: number; end: number; message: string }[]; data?: Record<string, unknown> }

const NO_FINDINGS: Finding[] = [];
/** The resource of each chunk of a file state (index-aligned with `chunks`), to reuse unchanged documents. */
const chunkResources = new WeakMap<FileState, (Resource | undefined)[]>();
const HELM_TEMPLATE = /\{\{-?\s*(?:\.|\$|include\b|if\b|else\b|end\b|range\b|with\b|template\b|define\b|toYaml\b|tpl\b|printf\b|default\b|quote\b|-)/;

export class Workspace {
  private files = new Map<string, FileState>();
  private options: EngineOptions;
  private facts: Facts | undefined;
  private factResources: Resource[] = [];
  private optionsKey: string;
  private builtinCache?: { ns: string; list: Resource[] };
  /** Cache keys of per-document results under the current options (made once, not per document). */
  private docKey = '';
  private finKey = '';

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...defaultEngineOptions, ...options };
    this.optionsKey = keyOf(this.options);
    this.docKey = `doc:${this.optionsKey}`;
    this.finKey = `fin:${this.optionsKey}`;
  }

  getOptions(): EngineOptions { return this.options; }

  setOptions(options: Partial<EngineOptions>): void {
    this.options = { ...this.options, ...options };
    const k = keyOf(this.options);
    if (k !== this.optionsKey) {
      this.optionsKey = k;
      this.docKey = `doc:${k}`;
      this.finKey = `fin:${k}`;
      // Namespaces and document-rule results depend on options: re-derive everything (parses are kept).
      for (const f of [...this.files.values()]) this.setFile(f.uri, f.text, true);
    }
  }

  setFacts(facts: Facts | undefined): void {
    this.facts = facts;
    this.factResources = (facts?.objects ?? [])
      .map((o) => toResource(o, 'cluster', this.options.defaultNamespace))
      .filter((r): r is Resource => !!r);
  }

  getFacts(): Facts | undefined { return this.facts; }

  /** Adds or replaces a file. Documents whose text did not change keep their parse. */
  setFile(uri: string, text: string, force = false): FileState {
    const old = this.files.get(uri);
    if (old && old.text === text && !force) return old;
    const state = this.build(uri, text, old, !force);
    this.files.set(uri, state);
    return state;
  }

  deleteFile(uri: string): boolean { return this.files.delete(uri); }
  hasFile(uri: string): boolean { return this.files.has(uri); }
  getFile(uri: string): FileState | undefined { return this.files.get(uri); }
  uris(): string[] { return [...this.files.keys()]; }

  private build(uri: string, text: string, old: FileState | undefined, keepObjects = true): FileState {
    if (text.length > this.options.maxFileSize) return { uri, text, chunks: [], skipped: 'too-large', resources: [] };
    if (text.includes('\0')) return { uri, text, chunks: [], skipped: 'binary', resources: [] };
    if (text.includes('{{') && HELM_TEMPLATE.test(text)) return { uri, text, chunks: [], skipped: 'helm-template', resources: [] };
    const splits = splitDocuments(text);
    const oldChunks = old?.chunks ?? [];
    const oldResources = old ? chunkResources.get(old) : undefined;
    let reuse: Map<string, ChunkParse> | undefined;
    const chunks: ChunkRef[] = [];
    const resources: Resource[] = [];
    const perChunk: (Resource | undefined)[] = [];
    for (let i = 0; i < splits.length; i++) {
      const s = splits[i];
      const same = oldChunks[i];
      let chunk: ChunkRef;
      let r: Resource | undefined;
      if (keepObjects && same && same.startOffset === s.startOffset && same.startLine === s.startLine && same.parse.text === s.text) {
        // Unchanged and unmoved (the usual case for every document but the edited one): keep the very same objects,
        // so identity-keyed caches in rules stay warm.
        chunk = same;
        r = oldResources?.[i];
      } else {
        if (!reuse) { reuse = new Map(); for (const c of oldChunks) reuse.set(c.parse.text, c.parse); }
        const parse = reuse.get(s.text) ?? parseChunk(s.text);
        chunk = { uri, index: i, startLine: s.startLine, startOffset: s.startOffset, parse };
        r = toResource(parse.value, 'workspace', this.options.defaultNamespace, chunk);
      }
      chunks.push(chunk);
      perChunk.push(r);
      if (r) resources.push(r);
    }
    const state: FileState = { uri, text, chunks, resources };
    chunkResources.set(state, perChunk);
    return state;
  }

  /** All workspace resources (every document of every file). */
  resources(): Resource[] {
    const out: Resource[] = [];
    for (const f of this.files.values()) for (const r of f.resources) out.push(r);
    return out;
  }

  /** The index the workspace rules see: workspace objects, then cluster facts, then AIO built-ins. */
  index(): Index {
    const ns = this.options.defaultNamespace;
    if (this.builtinCache?.ns !== ns) this.builtinCache = { ns, list: builtinObjects(ns) };
    const builtins = this.options.assumeBuiltins && !this.facts?.complete ? this.builtinCache.list : [];
    return new Index(this.resources(), this.factResources, builtins);
  }

  /** Validates everything; returns findings per file URI (every known file has an entry, possibly empty). */
  validate(token?: CancellationLike): Map<string, Finding[]> {
    const raw: RawFinding[] = [];
    const out = new Map<string, Finding[]>();
    for (const f of this.files.values()) {
      out.set(f.uri, []);
      if (f.skipped === 'too-large') {
        out.get(f.uri)!.push({
          uri: f.uri, range: zeroRange(), severity: 'info', code: 'file-too-large', related: [],
          message: `This file is ${Math.round(f.text.length / 1024)} KB, over the ${Math.round(this.options.maxFileSize / 1024)} KB limit (setting brokerkit.maxFileSize), so it is not checked.`,
        });
      }
      const list = out.get(f.uri)!;
      for (const c of f.chunks) {
        for (const finding of this.finalDocumentFindings(c)) if (!this.options.ignore.includes(finding.code)) list.push(finding);
      }
    }
    check(token);
    const index = this.index();
    const ctx = {
      options: this.options,
      index,
      factsComplete: !!this.facts?.complete,
      report: (at: Resource, r: Report) => { if (at.chunk) raw.push(this.toRaw(at.chunk, this.currentCode, this.currentSeverity, r)); },
    };
    for (const rule of workspaceRules) {
      if (this.options.ignore.includes(rule.code)) continue;
      this.currentCode = rule.code; this.currentSeverity = rule.severity;
      try { rule.check(ctx); } catch (e) { this.ruleCrashed(rule.code, e); }
      check(token);
    }
    for (const r of raw) {
      if (this.options.ignore.includes(r.code)) continue;
      const finding = toFinding(r);
      if (suppressed(r.chunk, finding)) continue;
      out.get(r.chunk.uri)?.push(finding);
    }
    for (const list of out.values()) list.sort(compareFindings);
    return out;
  }

  private currentCode = '';
  private currentSeverity: Severity = 'error';
  /** Errors inside a rule never escape: they are kept for the host's log. */
  readonly ruleErrors: string[] = [];
  private ruleCrashed(code: string, e: unknown): void {
    const msg = `rule ${code} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
    if (this.ruleErrors.length < 50) this.ruleErrors.push(msg);
  }

  /**
   * Document-rule findings of one chunk as finished Findings, cached with the parse per (uri, start line): a document
   * that neither changed nor moved costs nothing on re-validation. The cached objects are shared: callers must not
   * mutate them.
   */
  private finalDocumentFindings(chunk: ChunkRef): Finding[] {
    const local = this.localFindings(chunk);
    if (local.length === 0) return NO_FINDINGS;
    const key = this.finKey;
    let byPlace = chunk.parse.cache.get(key) as Map<string, Finding[]> | undefined;
    if (!byPlace) { byPlace = new Map(); chunk.parse.cache.set(key, byPlace); }
    const place = `${chunk.startLine}\u0000${chunk.uri}`;
    let list = byPlace.get(place);
    if (!list) {
      list = [];
      for (const l of local) {
        const finding = toFinding({
          chunk, start: l.start, end: l.end, severity: l.severity, code: l.code, message: l.message, data: l.data,
          related: l.related.map((x) => ({ chunk, start: x.start, end: x.end, message: x.message })),
        });
        if (!suppressed(chunk, finding)) list.push(finding);
      }
      // A document that keeps moving (lines typed above it) must not grow the cache without bound.
      if (byPlace.size >= 4) byPlace.clear();
      byPlace.set(place, list);
    }
    return list;
  }

  /** Document-rule results of a chunk, chunk-relative, computed once per text and options. */
  private localFindings(chunk: ChunkRef): LocalFinding[] {
    const key = this.docKey;
    let local = chunk.parse.cache.get(key) as LocalFinding[] | undefined;
    if (!local) {
      local = this.computeDocument(chunk);
      chunk.parse.cache.clear();
      chunk.parse.cache.set(key, local);
    }
    return local;
  }

  private computeDocument(chunk: ChunkRef): LocalFinding[] {
    const out: LocalFinding[] = [];
    for (const p of chunk.parse.problems) {
      out.push({ start: p.start, end: p.end, severity: 'error', code: 'yaml-syntax', message: p.message, related: [] });
    }
    const r = toResource(chunk.parse.value, 'workspace', this.options.defaultNamespace, chunk);
    if (!r || !isRelevant(r)) return out;
    for (const rule of documentRules) {
      if (!rule.applies(r)) continue;
      const ctx = {
        options: this.options,
        report: (rep: Report) => {
          const x = this.toRaw(chunk, rule.code, rule.severity, rep);
          out.push({ start: x.start, end: x.end, severity: x.severity, code: x.code, message: x.message, data: x.data,
            related: x.related.filter((y) => y.chunk === chunk).map((y) => ({ start: y.start!, end: y.end!, message: y.message })) });
        },
      };
      try { rule.check(r, ctx); } catch (e) { this.ruleCrashed(rule.code, e); }
    }
    return out;
  }

  private toRaw(chunk: ChunkRef, code: string, severity: Severity, r: Report): RawFinding {
    const where = r.offsets ?? locateCached(chunk.parse, r.path ?? [], r.key);
    return {
      chunk, start: where.start, end: where.end, severity: r.severity ?? severity, code, message: r.message, data: r.data,
      related: (r.related ?? []).map((x) => relatedRaw(x)),
    };
  }
}

function relatedRaw(x: RelatedReport): RawRelated {
  if (!x.resource.chunk) return { message: x.message };
  const where = locateCached(x.resource.chunk.parse, x.path ?? [], x.key);
  return { chunk: x.resource.chunk, start: where.start, end: where.end, message: x.message };
}

/**
 * locate() memoised per parse: workspace rules report the same places on every validation, and a parse (with its
 * positions) never changes, so the lookup is done once per document and path.
 */
const located = new WeakMap<ChunkParse, Map<string, { start: number; end: number }>>();
function locateCached(parse: ChunkParse, path: Path, key = false): { start: number; end: number } {
  let m = located.get(parse);
  if (!m) { m = new Map(); located.set(parse, m); }
  let k = key ? 'k' : 'v';
  for (const seg of path) k += typeof seg === 'number' ? `\u0000#${seg}` : `\u0000${seg}`;
  let r = m.get(k);
  if (!r) { r = locateIn(parse, path, key); m.set(k, r); }
  return r;
}

function check(token?: CancellationLike): void {
  if (token?.isCancellationRequested) throw new CancelledError();
}

function keyOf(o: EngineOptions): string {
  return JSON.stringify([o.defaultNamespace, o.assumeBuiltins, o.maxFileSize, o.now ? 1 : 0]);
}

export function rangeOf(chunk: ChunkRef, start: number, end: number): Range {
  const lc = chunk.parse.lineCounter;
  const a = lc.linePos(start);
  const b = lc.linePos(Math.max(start, end));
  return {
    start: { line: chunk.startLine + a.line - 1, character: a.col - 1 },
    end: { line: chunk.startLine + b.line - 1, character: b.col - 1 },
  };
}

function toFinding(r: RawFinding): Finding {
  const related: RelatedInfo[] = r.related.map((x) => x.chunk
    ? { uri: x.chunk.uri, range: rangeOf(x.chunk, x.start ?? 0, x.end ?? 0), message: x.message }
    : { message: x.message });
  const f: Finding = { uri: r.chunk.uri, range: rangeOf(r.chunk, r.start, r.end), severity: r.severity, code: r.code, message: r.message, related };
  if (r.data) f.data = withRanges(r.chunk, r.data);
  return f;
}

/** `data` with its DataSpan values turned into absolute ranges (a copy only when there are any). */
function withRanges(chunk: ChunkRef, data: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(data)) {
    if (v instanceof DataSpan) (out ??= { ...data })[k] = rangeOf(chunk, v.start, v.end);
  }
  return out ?? data;
}

function suppressed(chunk: ChunkRef, f: Finding): boolean {
  const line = f.range.start.line - chunk.startLine;
  const set = chunk.parse.suppress.get(line);
  return !!set && (set.has('*') || set.has(f.code));
}

function zeroRange(): Range { return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }; }

export function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code);
}

export { allRules, engineCodes };
export type { Path };

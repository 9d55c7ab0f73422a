// The incremental engine: files are split into documents, each document parsed once and cached by its text; document
// rules are cached with the parse; workspace rules run over the index on every validation (they are cheap).
import { ChunkParse, ChunkRef, Path, Split, locateIn, parseChunk, resplit, splitDocuments } from './parse';
import { Resource, isRelevant, toResource } from './resources';
import { Index } from './workspace-index';
import { Deployments, LOOSE, SINGLE, computeDeployments, isKustomizationUri } from './deployments';
import { builtinObjects } from './builtins';
import { allRules, documentRules, workspaceRules, engineCodes } from './rules';
import { DataSpan } from './rule';
import type { Report, RelatedReport, WorkspaceContext, WorkspaceRule } from './rule';
import {
  CancellationLike,
  CancelledError,
  EngineOptions,
  Facts,
  Finding,
  Range,
  RelatedInfo,
  Severity,
  defaultEngineOptions,
} from './types';

export interface FileState {
  readonly uri: string;
  readonly text: string;
  readonly chunks: ChunkRef[];
  /** Why the file is not parsed ('too-large', 'binary', 'helm-template'), if it is not. */
  readonly skipped?: 'too-large' | 'binary' | 'helm-template';
  readonly resources: Resource[];
}

interface RawRelated {
  chunk?: ChunkRef;
  start?: number;
  end?: number;
  message: string;
}
interface RawFinding {
  chunk: ChunkRef;
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  related: RawRelated[];
  data?: Record<string, unknown>;
  /** Namespace of the object reported at (workspace rules). */
  ns?: string;
}
/** A document-rule finding, chunk-relative so it can be cached with the chunk parse. */
interface LocalFinding {
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  related: { start: number; end: number; message: string }[];
  data?: Record<string, unknown>;
}

const NO_FINDINGS: Finding[] = [];
/** Finished document findings per chunk object, with the options key they were made under. */
const finalByChunk = new WeakMap<ChunkRef, { key: string; line: number; list: Finding[] }>();
/** The resource of each chunk (undefined: not a Kubernetes object), kept for as long as the chunk lives. */
const resourceOf = new WeakMap<ChunkRef, Resource | undefined>();
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const HELM_TEMPLATE =
  /\{\{-?\s*(?:\.|\$|include\b|if\b|else\b|end\b|range\b|with\b|template\b|define\b|toYaml\b|tpl\b|printf\b|default\b|quote\b|-)/;

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

  getOptions(): EngineOptions {
    return this.options;
  }

  setOptions(options: Partial<EngineOptions>): void {
    this.options = { ...this.options, ...options };
    // Any option may change what a rule says (ignore list, clock, namespace): the rules start over.
    this.ruleFindings.clear();
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

  getFacts(): Facts | undefined {
    return this.facts;
  }

  /** Adds or replaces a file. Documents whose text did not change keep their parse. */
  setFile(uri: string, text: string, force = false): FileState {
    const old = this.files.get(uri);
    if (old && old.text === text && !force) return old;
    const state = this.build(uri, text, old, !force);
    if (!old) this.fileSetVersion++;
    if (isKustomizationUri(uri)) this.kustomizationVersion++;
    this.files.set(uri, state);
    return state;
  }

  deleteFile(uri: string): boolean {
    if (!this.files.delete(uri)) return false;
    this.fileSetVersion++;
    if (isKustomizationUri(uri)) this.kustomizationVersion++;
    return true;
  }
  /** Bumped when a file is added or removed (what the deployments' list of files depends on). */
  private fileSetVersion = 0;
  /** Bumped when a kustomization is added, changed or removed (what deployment membership depends on). */
  private kustomizationVersion = 0;
  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }
  getFile(uri: string): FileState | undefined {
    return this.files.get(uri);
  }
  uris(): string[] {
    return [...this.files.keys()];
  }

  private build(uri: string, text: string, old: FileState | undefined, keepObjects = true): FileState {
    if (text.length > this.options.maxFileSize) return { uri, text, chunks: [], skipped: 'too-large', resources: [] };
    if (text.includes('\0')) return { uri, text, chunks: [], skipped: 'binary', resources: [] };
    if (text.includes('{{') && HELM_TEMPLATE.test(text))
      return { uri, text, chunks: [], skipped: 'helm-template', resources: [] };
    const chunks: ChunkRef[] = [];
    // Usually one document was edited: the documents before it stay as they are, the ones after it move, and only
    // the edited region is split and matched again.
    const inc = keepObjects && old && !old.skipped ? resplit(old.text, old.chunks, text) : undefined;
    if (inc && old) {
      for (let k = 0; k < inc.from; k++) chunks.push(old.chunks[k]);
      this.place(uri, inc.splits, old.chunks.slice(inc.from, inc.to), chunks, true);
      for (let k = inc.to; k < old.chunks.length; k++) {
        const m = old.chunks[k] as Mutable<ChunkRef>;
        m.index = chunks.length;
        m.startLine += inc.lineDelta;
        m.startOffset += inc.offsetDelta;
        chunks.push(m);
      }
    } else {
      this.place(uri, splitDocuments(text), keepObjects ? (old?.chunks ?? []) : [], chunks, keepObjects, old);
    }
    const resources: Resource[] = [];
    for (const c of chunks) {
      const r = resourceOf.get(c);
      if (r) resources.push(r);
    }
    return { uri, text, chunks, resources };
  }

  /**
   * Appends chunks for `splits` to `out`, taking over an old chunk (same text, at the same place or shifted by the
   * documents inserted or deleted) where there is one; other documents are parsed.
   */
  private place(
    uri: string,
    splits: Split[],
    oldChunks: readonly ChunkRef[],
    out: ChunkRef[],
    keepObjects: boolean,
    old?: FileState,
  ): void {
    /** Old chunks already given to a new place (by their position in `oldChunks`). */
    const taken = new Uint8Array(oldChunks.length);
    // Documents after an inserted or deleted one are `delta` places further on.
    const delta = splits.length - oldChunks.length;
    for (let i = 0; i < splits.length; i++) {
      const s = splits[i];
      let chunk: ChunkRef | undefined;
      // An unchanged document keeps its chunk and resource objects, even when it moved (text typed above it): the
      // rules' results stay valid, and findings take their lines from the chunk when they leave the engine.
      // (Documents swapped around are simply parsed again.)
      const same = oldChunks[i];
      if (same && !taken[i] && same.parse.text === s.text) {
        chunk = same;
        taken[i] = 1;
      } else if (delta !== 0) {
        const k = i - delta;
        const shifted = k >= 0 ? oldChunks[k] : undefined;
        if (shifted && !taken[k] && shifted.parse.text === s.text) {
          chunk = shifted;
          taken[k] = 1;
        }
      }
      if (chunk) {
        const m = chunk as Mutable<ChunkRef>;
        m.index = out.length;
        m.startLine = s.startLine;
        m.startOffset = s.startOffset;
      } else {
        // Options changed (keepObjects false): new objects, but the parse of the same text is kept.
        const again = !keepObjects && old?.chunks[i]?.parse.text === s.text ? old.chunks[i].parse : undefined;
        const parse = again ?? parseChunk(s.text);
        chunk = { uri, index: out.length, startLine: s.startLine, startOffset: s.startOffset, parse };
        resourceOf.set(chunk, toResource(parse.value, 'workspace', this.options.defaultNamespace, chunk));
      }
      out.push(chunk);
    }
  }

  /** All workspace resources (every document of every file). */
  resources(): Resource[] {
    const out: Resource[] = [];
    for (const f of this.files.values()) for (const r of f.resources) out.push(r);
    return out;
  }

  /** The index the workspace rules see: workspace objects, then cluster facts, then AIO built-ins. */
  index(): Index {
    const { facts, builtins } = this.envObjects();
    return new Index(this.resources(), facts, builtins);
  }

  /** Validates everything; returns findings per file URI (every known file has an entry, possibly empty). */
  validate(token?: CancellationLike): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    const ignore = this.options.ignore;
    for (const f of this.files.values()) {
      const list: Finding[] = [];
      out.set(f.uri, list);
      if (f.skipped === 'too-large' && !ignore.includes('file-too-large')) {
        list.push({
          uri: f.uri,
          range: zeroRange(),
          severity: 'info',
          code: 'file-too-large',
          related: [],
          message: `This file is ${Math.round(f.text.length / 1024)} KB, over the ${Math.round(this.options.maxFileSize / 1024)} KB limit (setting brokerkit.maxFileSize), so it is not checked.`,
        });
      }
      for (const c of f.chunks) {
        const found = this.finalDocumentFindings(c);
        for (let i = 0; i < found.length; i++)
          if (ignore.length === 0 || !ignore.includes(found[i].code)) list.push(found[i]);
      }
    }
    check(token);
    if (!this.incremental) this.refreshDeployments();
    const run = new RuleRun(this, this.incremental ? this.changes() : undefined);
    // Objects in several deployments (a kustomize base) get a finding once where every deployment agrees.
    const shared = this.deployments === SINGLE ? undefined : new SharedFindings(this.deployments);
    for (const rule of workspaceRules) {
      if (ignore.includes(rule.code)) {
        this.ruleFindings.delete(rule.code);
        continue;
      }
      let cache = this.ruleFindings.get(rule.code);
      if (!cache) {
        cache = new Map();
        this.ruleFindings.set(rule.code, cache);
      }
      const parts = run.partitionsToRun(rule, cache);
      if (parts === 'all') {
        // Every namespace at once (the first validation, new cluster facts): one run over each deployment costs less
        // than one per namespace, and the findings are filed under their namespaces as if each had run on its own.
        cache.clear();
        for (const key of run.namespaces()) cache.set(key, []);
        for (const dep of this.deployments.ids) {
          for (const r of this.runRule(rule, run, partKey(dep, '*'))) cache.get(partKey(dep, r.ns!))?.push(r);
        }
        check(token);
      } else {
        for (const part of parts) {
          cache.set(part, this.runRule(rule, run, part));
          check(token);
        }
      }
      for (const [key, list] of cache) {
        if (shared) {
          const dep = depOf(key);
          for (const r of list) shared.add(r, dep, out);
        } else for (const r of list) out.get(r.chunk.uri)?.push(placed(r));
      }
    }
    shared?.flush(out);
    run.commit();
    for (const list of out.values()) list.sort(compareFindings);
    return out;
  }

  /**
   * Re-running workspace rules only where something changed (rule.ts, `partition`). Off, every rule runs over
   * everything on every validation: the reference the incremental results are tested against.
   */
  incremental = true;
  /**
   * Workspace-rule findings per rule code and partition (a namespace, or '*' for a cluster rule), kept against their
   * chunks: a document that moves keeps its chunk, and its findings are placed again when they leave the engine.
   */
  private readonly ruleFindings = new Map<string, Map<string, RawFinding[]>>();
  /** What the cached rule findings were computed from: each file's resources, and the cluster facts / built-ins. */
  private baseline = new Map<string, Resource[]>();
  private baselineEnv: unknown;
  private baselineMinute = -1;

  /** The objects outside the files the rules see: cluster facts and (unless a connected cluster stands in) built-ins. */
  envObjects(): { facts: Resource[]; builtins: Resource[] } {
    const ns = this.options.defaultNamespace;
    if (this.builtinCache?.ns !== ns) this.builtinCache = { ns, list: builtinObjects(ns) };
    const builtins = this.options.assumeBuiltins && !this.facts?.complete ? this.builtinCache.list : [];
    if (this.envCache?.facts !== this.factResources || this.envCache.builtins !== builtins)
      this.envCache = { facts: this.factResources, builtins };
    return this.envCache;
  }
  private envCache?: { facts: Resource[]; builtins: Resource[] };

  /** What changed since the last complete validation: partitions and kinds of added or removed documents. */
  private changes(): Changes {
    const ch: Changes = {
      all: false,
      parts: new Set(),
      clusterScoped: false,
      kinds: new Set(),
      minute: Math.floor(this.now() / 60000),
      clockMoved: false,
    };
    ch.clockMoved = ch.minute !== this.baselineMinute;
    if (this.baselineEnv !== this.envObjects()) ch.all = true;
    const before = this.deployments;
    this.refreshDeployments();
    if (this.deploymentsMoved) ch.all = true;
    let deps = this.deployments;
    const note = (r: Resource) => {
      if (r.namespace === '') ch.clusterScoped = true;
      ch.kinds.add(r.kind);
      for (const dep of deps.of(r.chunk!.uri)) ch.parts.add(partKey(dep, r.namespace));
    };
    for (const [uri, f] of this.files) {
      const old = this.baseline.get(uri);
      if (old !== f.resources) changedBetween(old ?? [], f.resources, note);
    }
    deps = before; // a deleted file counts where it was
    for (const [uri, old] of this.baseline) if (!this.files.has(uri)) for (const r of old) note(r);
    return ch;
  }

  /** Which files are applied together (deployments.ts); the current answer for the files held now. */
  deployments: Deployments = SINGLE;
  private deploymentKustomizations = -1; // the kustomizationVersion the deployments were computed for
  private deploymentFiles = -1; // the fileSetVersion the deployments were computed for

  /** Kustomizations changed since the rule caches were made: every rule runs again (cleared by commitBaseline). */
  private deploymentsMoved = false;

  /** Recomputes the deployments when a kustomization or the set of files changed. */
  private refreshDeployments(): void {
    const changed = this.kustomizationVersion !== this.deploymentKustomizations;
    if (!changed && this.fileSetVersion === this.deploymentFiles) return;
    if (changed) this.deploymentsMoved = true;
    this.deploymentKustomizations = this.kustomizationVersion;
    this.deploymentFiles = this.fileSetVersion;
    const ks: FileState[] = [];
    for (const f of this.files.values()) if (isKustomizationUri(f.uri)) ks.push(f);
    this.deployments = computeDeployments(
      ks.map((k) => ({ uri: k.uri, value: k.chunks[0]?.parse.value })),
      this.files.keys(),
    );
  }

  /**
   * The index of what is deployed together with the file `uri` (the files of its deployments, cluster facts,
   * built-ins): what navigation, hover, completion and quick fixes look things up in.
   */
  indexFor(uri: string): Index {
    const mine = this.deploymentsOf(uri);
    if (!mine) return this.index();
    const { facts, builtins } = this.envObjects();
    return new Index(
      this.resources().filter((r) => this.deployedWith(mine, r.chunk!.uri)),
      facts,
      builtins,
    );
  }

  /** The deployments of a file; undefined when the workspace is one deployment (no kustomizations). */
  deploymentsOf(uri: string): readonly string[] | undefined {
    this.refreshDeployments();
    return this.deployments === SINGLE ? undefined : this.deployments.of(uri);
  }

  /** True when the file `uri` is in one of `deps` (from deploymentsOf; undefined: everything is deployed together). */
  deployedWith(deps: readonly string[] | undefined, uri: string): boolean {
    return !deps || this.deployments.of(uri).some((d) => deps.includes(d));
  }

  /** Records the state the rule caches now describe (called once every rule has run). */
  commitBaseline(ch: Changes | undefined): void {
    if (!ch) return;
    this.baseline = new Map();
    for (const [uri, f] of this.files) this.baseline.set(uri, f.resources);
    this.baselineEnv = this.envObjects();
    this.baselineMinute = ch.minute;
    this.deploymentsMoved = false;
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  /** Workspace objects grouped by partition (deployment and namespace; '' = cluster-scoped), in file order. */
  workspaceByPartition(only?: ReadonlySet<string>): Map<string, Resource[]> {
    const out = new Map<string, Resource[]>();
    const single = this.deployments === SINGLE;
    for (const f of this.files.values()) {
      const deps = single ? undefined : this.deployments.of(f.uri);
      for (const r of f.resources) {
        if (!deps) {
          pushTo(out, r.namespace, r, only);
          continue;
        }
        for (const dep of deps) pushTo(out, partKey(dep, r.namespace), r, only);
      }
    }
    return out;
  }

  /** Workspace resources of the given kinds (all, when absent) in the files of one deployment, in file order. */
  resourcesIn(dep: string, kinds: ReadonlySet<string> | undefined): Resource[] {
    const out: Resource[] = [];
    const single = this.deployments === SINGLE;
    for (const f of this.files.values()) {
      if (!single && !this.deployments.of(f.uri).includes(dep)) continue;
      for (const r of f.resources) if (!kinds || kinds.has(r.kind)) out.push(r);
    }
    return out;
  }

  /** Runs one rule over one partition; its findings against their chunks, suppression comments applied. */
  private runRule(rule: WorkspaceRule, run: RuleRun, part: string): RawFinding[] {
    const raw: RawFinding[] = [];
    const dep = depOf(part);
    const ns = nsOf(part);
    const onlyNs = ns === '*' ? undefined : ns;
    const ctx: WorkspaceContext = {
      options: this.options,
      index:
        onlyNs === undefined
          ? run.indexFor(dep, this.incremental ? rule.reads : undefined)
          : run.namespaceIndex(dep, onlyNs),
      factsComplete: !!this.facts?.complete,
      report: (at: Resource, r: Report) => {
        if (!at.chunk) return;
        // A namespace run answers for its namespace only (the cluster-scoped objects it also sees belong to every run).
        if (onlyNs !== undefined && at.namespace !== onlyNs) return;
        const x = this.toRaw(at.chunk, rule.code, rule.severity, r);
        x.ns = at.namespace;
        if (!suppressedAt(at.chunk, x.start, x.code)) raw.push(x);
      },
      across: (kind: string, group?: string) => run.across(dep, kind, group),
    };
    try {
      rule.check(ctx);
    } catch (e) {
      this.ruleCrashed(rule.code, e);
      return [];
    }
    return raw;
  }

  /** Errors inside a rule never escape: they are kept for the host's log. */
  readonly ruleErrors: string[] = [];
  private ruleCrashed(code: string, e: unknown): void {
    const msg = `rule ${code} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    if (this.ruleErrors.length < 50) this.ruleErrors.push(msg);
  }

  /**
   * Document-rule findings of one chunk as finished Findings, cached with the parse per (uri, start line): a document
   * that neither changed nor moved costs nothing on re-validation. The cached objects are shared: callers must not
   * mutate them.
   */
  private finalDocumentFindings(chunk: ChunkRef): Finding[] {
    // The same chunk object (neither changed nor moved) under the same options: its list as last time.
    const last = finalByChunk.get(chunk);
    if (last && last.key === this.finKey && last.line === chunk.startLine) return last.list;
    const list = this.placedDocumentFindings(chunk);
    finalByChunk.set(chunk, { key: this.finKey, line: chunk.startLine, list });
    return list;
  }

  private placedDocumentFindings(chunk: ChunkRef): Finding[] {
    const local = this.localFindings(chunk);
    if (local.length === 0) return NO_FINDINGS;
    const key = this.finKey;
    let byPlace = chunk.parse.cache.get(key) as Map<string, Finding[]> | undefined;
    if (!byPlace) {
      byPlace = new Map();
      chunk.parse.cache.set(key, byPlace);
    }
    const place = `${chunk.startLine}\u0000${chunk.uri}`;
    let list = byPlace.get(place);
    if (!list) {
      list = [];
      for (const l of local) {
        const finding = toFinding({
          chunk,
          start: l.start,
          end: l.end,
          severity: l.severity,
          code: l.code,
          message: l.message,
          data: l.data,
          related: l.related.map((x) => ({ chunk, start: x.start, end: x.end, message: x.message })),
        });
        if (!suppressedOn(chunk, finding.range.start.line - chunk.startLine, finding.code)) list.push(finding);
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
          out.push({
            start: x.start,
            end: x.end,
            severity: x.severity,
            code: x.code,
            message: x.message,
            data: x.data,
            related: x.related
              .filter((y) => y.chunk === chunk)
              .map((y) => ({ start: y.start!, end: y.end!, message: y.message })),
          });
        },
      };
      try {
        rule.check(r, ctx);
      } catch (e) {
        this.ruleCrashed(rule.code, e);
      }
    }
    return out;
  }

  private toRaw(chunk: ChunkRef, code: string, severity: Severity, r: Report): RawFinding {
    const where = r.offsets ?? locateCached(chunk.parse, r.path ?? [], r.key);
    return {
      chunk,
      start: where.start,
      end: where.end,
      severity: r.severity ?? severity,
      code,
      message: r.message,
      data: r.data,
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
  if (!m) {
    m = new Map();
    located.set(parse, m);
  }
  let k = key ? 'k' : 'v';
  for (const seg of path) k += typeof seg === 'number' ? `\u0000#${seg}` : `\u0000${seg}`;
  let r = m.get(k);
  if (!r) {
    r = locateIn(parse, path, key);
    m.set(k, r);
  }
  return r;
}

interface Changes {
  /** Everything is to be re-run (first validation, other cluster facts, built-ins or deployments). */
  all: boolean;
  /** Partitions (deployment and namespace, partKey) with added or removed documents. */
  parts: Set<string>;
  /** A cluster-scoped object changed: every namespace may see it. */
  clusterScoped: boolean;
  kinds: Set<string>;
  minute: number;
  clockMoved: boolean;
}

/** The cache key of a partition: a namespace ('*' for a cluster rule) within a deployment. */
function partKey(dep: string, ns: string): string {
  return dep === LOOSE ? ns : `${dep}\u0001${ns}`;
}
function depOf(key: string): string {
  const i = key.indexOf('\u0001');
  return i < 0 ? LOOSE : key.slice(0, i);
}
function nsOf(key: string): string {
  const i = key.indexOf('\u0001');
  return i < 0 ? key : key.slice(i + 1);
}

function pushTo(m: Map<string, Resource[]>, key: string, r: Resource, only: ReadonlySet<string> | undefined): void {
  if (only && !only.has(key)) return;
  const l = m.get(key);
  if (l) l.push(r);
  else m.set(key, [r]);
}

/**
 * Findings at objects that belong to several deployments (a kustomize base used by two overlays): one finding where
 * every deployment of the object reports the same, else one per deployment, saying which.
 */
class SharedFindings {
  private readonly pending = new Map<string, { raw: RawFinding; deps: string[] }>();
  constructor(private readonly deployments: Deployments) {}

  add(r: RawFinding, dep: string, out: Map<string, Finding[]>): void {
    if (this.deployments.of(r.chunk.uri).length < 2) {
      out.get(r.chunk.uri)?.push(placed(r));
      return;
    }
    const key = `${r.code}\u0000${r.chunk.uri}\u0000${r.chunk.startOffset + r.start}\u0000${r.end - r.start}\u0000${r.message}`;
    const p = this.pending.get(key);
    if (p) p.deps.push(dep);
    else this.pending.set(key, { raw: r, deps: [dep] });
  }

  flush(out: Map<string, Finding[]>): void {
    for (const { raw, deps } of this.pending.values()) {
      const all = this.deployments.of(raw.chunk.uri);
      const list = out.get(raw.chunk.uri);
      if (!list) continue;
      if (deps.length >= all.length) {
        list.push(placed(raw));
        continue;
      }
      for (const dep of deps) list.push(placed(raw, ` (in ${this.deployments.label(dep)})`));
    }
  }
}

/** Calls `note` for every object in `a` or `b` that is not the very same object at the same place in the other. */
function changedBetween(a: Resource[], b: Resource[], note: (r: Resource) => void): void {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  for (let k = i; k < a.length - j; k++) note(a[k]);
  for (let k = i; k < b.length - j; k++) note(b[k]);
}

/** One validation's view for the workspace rules: which partitions to re-run, and the indexes they run over. */
class RuleRun {
  private grouped?: Map<string, Resource[]>;
  private envByNs?: Map<string, { facts: Resource[]; builtins: Resource[] }>;
  private readonly indexes = new Map<string, Index>();

  constructor(
    private readonly ws: Workspace,
    private readonly ch: Changes | undefined,
  ) {}

  /** The partitions of `rule` whose cached findings are out of date (all of them when not incremental). */
  partitionsToRun(rule: WorkspaceRule, cache: Map<string, RawFinding[]>): string[] | 'all' {
    const ch = this.ch;
    const fresh = cache.size === 0;
    const everyDeployment = () => this.ws.deployments.ids.map((d) => partKey(d, '*'));
    if (!ch || rule.partition !== 'namespace') {
      const due =
        !ch ||
        fresh ||
        ch.all ||
        (rule.clock && ch.clockMoved) ||
        (rule.reads ? rule.reads.some((k) => ch.kinds.has(k)) : ch.kinds.size > 0);
      if (!due) return [];
      cache.clear();
      return everyDeployment();
    }
    const everything =
      fresh ||
      ch.all ||
      (rule.clock && ch.clockMoved) ||
      ch.clusterScoped ||
      (rule.across?.some((k) => ch.kinds.has(k)) ?? false);
    if (everything) return 'all';
    const present = this.groups(false);
    const out: string[] = [];
    for (const ns of ch.parts) {
      // A namespace left with no documents has nothing to report at.
      if (!present.has(ns)) {
        cache.delete(ns);
        continue;
      }
      out.push(ns);
    }
    return out;
  }

  commit(): void {
    this.ws.commitBaseline(this.ch);
  }

  /** Every partition (deployment and namespace) with namespaced workspace objects. */
  namespaces(): string[] {
    return [...this.groups(true).keys()].filter((k) => nsOf(k) !== '');
  }

  /** Workspace objects by namespace: all of them, or (cheaper) only the namespaces that changed and the cluster-scoped. */
  private groups(all = true): Map<string, Resource[]> {
    if (this.grouped) return this.grouped;
    if (all || !this.ch) return (this.grouped = this.ws.workspaceByPartition());
    if (!this.changedGroups) {
      const only = new Set(this.ch.parts);
      for (const k of this.ch.parts) only.add(partKey(depOf(k), ''));
      this.changedGroups = this.ws.workspaceByPartition(only);
    }
    return this.changedGroups;
  }
  private changedGroups?: Map<string, Resource[]>;

  private envGroups(): Map<string, { facts: Resource[]; builtins: Resource[] }> {
    if (this.envByNs) return this.envByNs;
    const out = (this.envByNs = new Map());
    const { facts, builtins } = this.ws.envObjects();
    const slot = (ns: string) => {
      let s = out.get(ns);
      if (!s) {
        s = { facts: [], builtins: [] };
        out.set(ns, s);
      }
      return s;
    };
    for (const r of facts) slot(r.namespace).facts.push(r);
    for (const r of builtins) slot(r.namespace).builtins.push(r);
    return out;
  }

  /**
   * Objects of one namespace of a deployment and its cluster-scoped ones (cluster facts and built-ins are the same
   * for every deployment), shared by every namespace rule in this validation.
   */
  namespaceIndex(dep: string, ns: string): Index {
    const key = `ns:${partKey(dep, ns)}`;
    let index = this.indexes.get(key);
    if (!index) {
      const g = this.grouped ?? this.groups(false);
      const e = this.envGroups();
      const none = { facts: [] as Resource[], builtins: [] as Resource[] };
      const here = e.get(ns) ?? none,
        cluster = e.get('') ?? none;
      index = new Index(
        [...(g.get(partKey(dep, ns)) ?? []), ...(g.get(partKey(dep, '')) ?? [])],
        [...here.facts, ...cluster.facts],
        [...here.builtins, ...cluster.builtins],
      );
      this.indexes.set(key, index);
    }
    return index;
  }

  /** A deployment's objects: all of them, or only the given kinds. */
  indexFor(dep: string, kinds: readonly string[] | undefined): Index {
    const key = `${dep}\u0001${kinds ? kinds.join(',') : '*'}`;
    let index = this.indexes.get(key);
    if (!index) {
      const keep = kinds ? new Set(kinds) : undefined;
      const pick = (list: Resource[]) => (keep ? list.filter((r) => keep.has(r.kind)) : list);
      const { facts, builtins } = this.ws.envObjects();
      index = new Index(this.ws.resourcesIn(dep, keep), pick(facts), pick(builtins));
      this.indexes.set(key, index);
    }
    return index;
  }

  across(dep: string, kind: string, group?: string): Resource[] {
    return this.indexFor(dep, [kind]).ofKind(kind, group);
  }
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
  const related: RelatedInfo[] = r.related.map((x) =>
    x.chunk
      ? { uri: x.chunk.uri, range: rangeOf(x.chunk, x.start ?? 0, x.end ?? 0), message: x.message }
      : { message: x.message },
  );
  const f: Finding = {
    uri: r.chunk.uri,
    range: rangeOf(r.chunk, r.start, r.end),
    severity: r.severity,
    code: r.code,
    message: r.message,
    related,
  };
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

/**
 * A raw finding as a Finding at its chunks' current lines, with an optional message suffix (which deployment): the
 * same object while none of its chunks moved.
 */
const placedMemo = new WeakMap<RawFinding, { at: string | number; suffix: string; finding: Finding }[]>();
function placed(r: RawFinding, suffix = ''): Finding {
  let at: string | number = r.chunk.startLine;
  for (const x of r.related) if (x.chunk) at = `${at},${x.chunk.startLine}`;
  let memo = placedMemo.get(r);
  if (!memo) {
    memo = [];
    placedMemo.set(r, memo);
  }
  // One entry per suffix (one, or one per deployment of a shared base).
  const i = memo.findIndex((m) => m.suffix === suffix);
  if (i >= 0 && memo[i].at === at) return memo[i].finding;
  const finding = toFinding(suffix ? { ...r, message: r.message + suffix } : r);
  const entry = { at, suffix, finding };
  if (i >= 0) memo[i] = entry;
  else memo.push(entry);
  return finding;
}

/** True when a `# brokerkit-ignore` comment covers `code` on `line` (0-based, counted within the document). */
function suppressedOn(chunk: ChunkRef, line: number, code: string): boolean {
  const set = chunk.parse.suppress.get(line);
  return !!set && (set.has('*') || set.has(code));
}

/** The same for a finding made from chunk offset `start`. */
function suppressedAt(chunk: ChunkRef, start: number, code: string): boolean {
  return chunk.parse.suppress.size > 0 && suppressedOn(chunk, chunk.parse.lineCounter.linePos(start).line - 1, code);
}

function zeroRange(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.code.localeCompare(b.code)
  );
}

export { allRules, engineCodes };
export type { Path };

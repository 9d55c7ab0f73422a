// Step 3 of the workspace: running the rules, and only where something changed. Document rules run once per
// document text and options; their results are kept with the parse. Workspace rules (relations between objects) keep
// their findings per partition (a namespace within a deployment, see workspace-deployments.ts) and run again only for
// the partitions whose objects changed since the last validation, as each rule's `partition`, `reads`, `across` and
// `clock` declare (rule.ts). test/unit/incremental.test.ts holds the incremental results to a full run.
//
// Owns: the typed result caches (document results per parse, workspace-rule findings per rule and partition), the
// baseline they were computed from, the indexes rules run over, locating a rule's report in its document, and the
// errors of rules that crashed.
// May not: change files or deployments (it reads them), or place findings at file lines (workspace-placement.ts).
import { ChunkParse, ChunkRef, Path, locateIn } from './parse';
import { Resource, isRelevant, toResource } from './resources';
import { Index } from './workspace-index';
import { documentRules, workspaceRules } from './rules';
import type { Report, RelatedReport, RuleWorld, WorkspaceContext, WorkspaceRule } from './rule';
import { CancellationLike, CancelledError, EngineOptions, Severity } from './types';
import type { FileStore } from './workspace-files';
import { DeploymentState, PartitionKey, depOf, nsOf, partKey } from './workspace-deployments';
import { LocalFinding, RawFinding, RawRelated, suppressedAt } from './workspace-placement';
import { sameValue } from './values';

/** The objects outside the files the rules see. The same object while they do not change. */
export interface EnvObjects {
  readonly facts: Resource[];
  readonly builtins: Resource[];
  /** The facts describe the whole cluster: a missing reference is then certain. */
  readonly complete: boolean;
}

/** The objects outside the files for each deployment (cluster facts only where the cluster is compared). */
export interface EnvState {
  of(dep: string): EnvObjects;
  /** The facts when the cluster is compared with any deployment, else what the others see. */
  readonly any: EnvObjects;
  /** True when the cluster is compared with one of `deps`. */
  compared(deps: readonly string[]): boolean;
}

/** What the scheduler reads from the rest of the workspace. */
export interface RuleInputs {
  options(): EngineOptions;
  /** A key that changes whenever an option that document rules read changes. */
  optionsKey(): string;
  readonly files: FileStore;
  readonly deployments: DeploymentState;
  /** Called after the deployments were refreshed; the same object while nothing it depends on changed. */
  env(): EnvState;
}

/** A workspace rule's findings by partition. */
export type RuleFindings = Map<PartitionKey, RawFinding[]>;

/** Document-rule results of a parse, and the options key they were computed under. */
const documentResults = new WeakMap<ChunkParse, { key: string; local: LocalFinding[] }>();

export class RuleScheduler {
  /**
   * Re-running workspace rules only where something changed (rule.ts, `partition`). Off, every rule runs over
   * everything on every validation: the reference the incremental results are tested against.
   */
  incremental = true;
  /**
   * Workspace-rule findings per rule code and partition (a namespace, or '*' for a cluster rule), kept against their
   * chunks: a document that moves keeps its chunk, and its findings are placed again when they leave the engine.
   */
  private readonly ruleFindings = new Map<string, RuleFindings>();
  /** What the cached rule findings were computed from: each file's resources, and the cluster facts / built-ins. */
  private baseline = new Map<string, readonly Resource[]>();
  private baselineEnv: EnvState | undefined;
  private baselineMinute = -1;
  /** Errors inside a rule never escape: they are kept for the host's log. */
  readonly ruleErrors: string[] = [];

  constructor(private readonly inputs: RuleInputs) {}

  /** Forgets every workspace-rule result (options changed: any option may change what a rule says). */
  reset(): void {
    this.ruleFindings.clear();
  }

  /** Document-rule results of a chunk, chunk-relative, computed once per text and options. */
  documentFindings(chunk: ChunkRef): LocalFinding[] {
    const key = this.inputs.optionsKey();
    const cached = documentResults.get(chunk.parse);
    if (cached && cached.key === key) return cached.local;
    const local = this.computeDocument(chunk);
    documentResults.set(chunk.parse, { key, local });
    return local;
  }

  /**
   * Brings every workspace rule's findings up to date; returns them in rule order (rules on the ignore list are left
   * out). Throws CancelledError when `token` asks.
   */
  run(token?: CancellationLike): RuleFindings[] {
    const ignore = this.inputs.options().ignore;
    const deployments = this.inputs.deployments;
    if (!this.incremental) deployments.refresh();
    const run = new RuleRun(this.inputs, this.incremental ? this.changes() : undefined);
    const results: RuleFindings[] = [];
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
        const before = new Map(cache);
        cache.clear();
        for (const key of run.namespaces()) cache.set(key, []);
        for (const dep of deployments.current.ids) {
          for (const r of this.runRule(rule, run, partKey(dep, '*'))) cache.get(partKey(dep, r.ns!))?.push(r);
        }
        if (before.size) for (const [key, list] of cache) cache.set(key, keepUnchanged(before.get(key), list));
        check(token);
      } else {
        for (const part of parts) {
          cache.set(part, keepUnchanged(cache.get(part), this.runRule(rule, run, part)));
          check(token);
        }
      }
      results.push(cache);
    }
    if (run.changes) this.commitBaseline(run.changes);
    return results;
  }

  /** What changed since the last complete validation: partitions and kinds of added or removed documents. */
  private changes(): Changes {
    const { files, deployments } = this.inputs;
    const ch: Changes = {
      all: false,
      parts: new Set(),
      clusterScoped: false,
      kinds: new Set(),
      changed: [],
      minute: Math.floor(this.now() / 60000),
      clockMoved: false,
    };
    ch.clockMoved = ch.minute !== this.baselineMinute;
    const before = deployments.current;
    deployments.refresh();
    if (deployments.moved) ch.all = true;
    // Other facts, built-ins, or deployments the cluster is compared with.
    ch.env = this.inputs.env();
    if (this.baselineEnv !== ch.env) ch.all = true;
    let deps = deployments.current;
    const note = (r: Resource) => {
      if (r.namespace === '') ch.clusterScoped = true;
      ch.kinds.add(r.kind);
      ch.changed.push(r);
      for (const dep of deps.of(r.chunk!.uri)) ch.parts.add(partKey(dep, r.namespace));
    };
    for (const f of files.all()) {
      const old = this.baseline.get(f.uri);
      if (old !== f.resources) changedBetween(old ?? [], f.resources, note);
    }
    deps = before; // a deleted file counts where it was
    for (const [uri, old] of this.baseline) if (!files.has(uri)) for (const r of old) note(r);
    return ch;
  }

  /** Records the state the rule caches now describe (called once every rule has run). */
  private commitBaseline(ch: Changes): void {
    this.baseline = new Map();
    for (const f of this.inputs.files.all()) this.baseline.set(f.uri, f.resources);
    this.baselineEnv = ch.env;
    this.baselineMinute = ch.minute;
    this.inputs.deployments.settled();
  }

  private now(): number {
    return (this.inputs.options().now?.() ?? new Date()).getTime();
  }

  /** Runs one rule over one partition; its findings against their chunks, suppression comments applied. */
  private runRule(rule: WorkspaceRule, run: RuleRun, part: PartitionKey): RawFinding[] {
    const raw: RawFinding[] = [];
    const dep = depOf(part);
    const ns = nsOf(part);
    const onlyNs = ns === '*' ? undefined : ns;
    const ctx: WorkspaceContext = {
      options: this.inputs.options(),
      index:
        onlyNs === undefined
          ? run.indexFor(dep, this.incremental ? rule.reads : undefined)
          : run.namespaceIndex(dep, onlyNs),
      factsComplete: run.env(dep).complete,
      report: (at: Resource, r: Report) => {
        if (!at.chunk) return;
        // A namespace run answers for its namespace only (the cluster-scoped objects it also sees belong to every run).
        if (onlyNs !== undefined && at.namespace !== onlyNs) return;
        const x = toRaw(at.chunk, rule.code, rule.severity, r);
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

  private ruleCrashed(code: string, e: unknown): void {
    const msg = `rule ${code} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    if (this.ruleErrors.length < 50) this.ruleErrors.push(msg);
  }

  private computeDocument(chunk: ChunkRef): LocalFinding[] {
    const out: LocalFinding[] = [];
    for (const p of chunk.parse.problems) {
      out.push({
        start: p.start,
        end: p.end,
        severity: p.severity ?? 'error',
        code: p.code ?? 'yaml-syntax',
        message: p.message,
        related: [],
      });
    }
    const options = this.inputs.options();
    const r = toResource(chunk.parse.value, 'workspace', options.defaultNamespace, chunk);
    if (!r || !isRelevant(r)) return out;
    for (const rule of documentRules) {
      if (!rule.applies(r)) continue;
      const ctx = {
        options,
        report: (rep: Report) => {
          const x = toRaw(chunk, rule.code, rule.severity, rep);
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
}

/**
 * A partition's fresh findings, with every finding equal to one it had before replaced by that earlier object (and
 * the earlier list itself when nothing changed). A keystroke in a namespace of thousands of findings changes a few of
 * them: keeping the rest as they were lets the later steps (placement, conversion to diagnostics) recognise them by
 * identity, and spares the heap a second copy of every finding on each keystroke, which let it grow to several times
 * what it holds.
 */
function keepUnchanged(before: readonly RawFinding[] | undefined, fresh: RawFinding[]): RawFinding[] {
  if (!before || before.length === 0) return fresh;
  const earlier = new Map<string, RawFinding[]>();
  for (const f of before) {
    const k = rawKey(f);
    const same = earlier.get(k);
    if (same) same.push(f);
    else earlier.set(k, [f]);
  }
  for (let i = 0; i < fresh.length; i++) {
    const same = earlier.get(rawKey(fresh[i]));
    if (!same) continue;
    const j = same.findIndex((f) => sameRaw(f, fresh[i]));
    if (j < 0) continue;
    fresh[i] = same[j];
    same.splice(j, 1);
  }
  if (fresh.length === before.length && fresh.every((f, i) => f === before[i])) return before as RawFinding[];
  return fresh;
}

/** What tells findings apart cheaply: where, which rule, which text. */
function rawKey(f: RawFinding): string {
  return `${f.start}\u0000${f.end}\u0000${f.code}\u0000${f.message}`;
}

function sameRaw(a: RawFinding, b: RawFinding): boolean {
  return (
    a.chunk === b.chunk &&
    a.start === b.start &&
    a.end === b.end &&
    a.severity === b.severity &&
    a.code === b.code &&
    a.message === b.message &&
    a.ns === b.ns &&
    a.related.length === b.related.length &&
    a.related.every(
      (x, i) =>
        x.chunk === b.related[i].chunk &&
        x.start === b.related[i].start &&
        x.end === b.related[i].end &&
        x.message === b.related[i].message &&
        sameValue(x.live, b.related[i].live),
    ) &&
    sameValue(a.data, b.data)
  );
}

function toRaw(chunk: ChunkRef, code: string, severity: Severity, r: Report): RawFinding {
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

function relatedRaw(x: RelatedReport): RawRelated {
  if (!x.resource.chunk) {
    const r = x.resource;
    // The other side runs in the cluster: the host can open it.
    if (r.origin === 'cluster' && r.name !== undefined)
      return {
        message: x.message,
        live: {
          apiVersion: r.apiVersion,
          kind: r.kind,
          ...(r.namespace ? { namespace: r.namespace } : {}),
          name: r.name,
        },
      };
    return { message: x.message };
  }
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
  /** Partitions (deployment and namespace) with added or removed documents. */
  parts: Set<PartitionKey>;
  /** A cluster-scoped object changed: every namespace may see it. */
  clusterScoped: boolean;
  kinds: Set<string>;
  /** The objects added or removed (both versions of an edited one). */
  changed: Resource[];
  minute: number;
  clockMoved: boolean;
  /** The objects outside the files, per deployment, for this validation. */
  env?: EnvState;
}

/** Calls `note` for every object in `a` or `b` that is not the very same object at the same place in the other. */
function changedBetween(a: readonly Resource[], b: readonly Resource[], note: (r: Resource) => void): void {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  for (let k = i; k < a.length - j; k++) note(a[k]);
  for (let k = i; k < b.length - j; k++) note(b[k]);
}

/** One validation's view for the workspace rules: which partitions to re-run, and the indexes they run over. */
class RuleRun {
  private grouped?: Map<PartitionKey, Resource[]>;
  private changedGroups?: Map<PartitionKey, Resource[]>;
  private readonly envByNs = new Map<EnvObjects, Map<string, { facts: Resource[]; builtins: Resource[] }>>();
  private readonly indexes = new Map<string, Index>();
  private readonly envState: EnvState;

  constructor(
    private readonly inputs: RuleInputs,
    /** What changed since the last validation; undefined when not incremental (everything runs). */
    readonly changes: Changes | undefined,
  ) {
    this.envState = changes?.env ?? inputs.env();
  }

  /** The objects outside the files for a deployment. */
  env(dep: string): EnvObjects {
    return this.envState.of(dep);
  }

  /** The partitions of `rule` whose cached findings are out of date (all of them when not incremental). */
  partitionsToRun(rule: WorkspaceRule, cache: RuleFindings): PartitionKey[] | 'all' {
    const ch = this.changes;
    const fresh = cache.size === 0;
    const everyDeployment = () => this.inputs.deployments.current.ids.map((d) => partKey(d, '*'));
    if (!ch || rule.partition !== 'namespace') {
      const due =
        !ch ||
        fresh ||
        ch.all ||
        (rule.clock && ch.clockMoved) ||
        (rule.reads ? this.touches(rule, rule.reads, ch) : ch.kinds.size > 0);
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
    const out: PartitionKey[] = [];
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

  /** True when an object the rule reads (and, as the rule says, may be affected by) changed. */
  private touches(rule: WorkspaceRule, reads: readonly string[], ch: Changes): boolean {
    if (!reads.some((k) => ch.kinds.has(k))) return false;
    const by = rule.affectedBy;
    if (!by) return true;
    return ch.changed.some((r) => reads.includes(r.kind) && by(r, this.world()));
  }

  private worldKinds?: Map<string, Resource[]>;
  /** Every object known, of every deployment: what a rule's `affectedBy` looks at. */
  private world(): RuleWorld {
    const byKind = (this.worldKinds ??= new Map());
    return {
      ofKind: (kind) => {
        let l = byKind.get(kind);
        if (l) return l;
        l = [];
        for (const f of this.inputs.files.all()) for (const r of f.resources) if (r.kind === kind) l.push(r);
        const envs = new Set(this.inputs.deployments.current.ids.map((d) => this.env(d)));
        for (const e of envs) for (const r of [...e.facts, ...e.builtins]) if (r.kind === kind) l.push(r);
        byKind.set(kind, l);
        return l;
      },
    };
  }

  /** Every partition (deployment and namespace) with namespaced workspace objects. */
  namespaces(): PartitionKey[] {
    return [...this.groups(true).keys()].filter((k) => nsOf(k) !== '');
  }

  /** Workspace objects by namespace: all of them, or (cheaper) only the namespaces that changed and the cluster-scoped. */
  private groups(all = true): Map<PartitionKey, Resource[]> {
    if (this.grouped) return this.grouped;
    const deployments = this.inputs.deployments;
    if (all || !this.changes) return (this.grouped = deployments.byPartition());
    if (!this.changedGroups) {
      const only = new Set(this.changes.parts);
      for (const k of this.changes.parts) only.add(partKey(depOf(k), ''));
      this.changedGroups = deployments.byPartition(only);
    }
    return this.changedGroups;
  }

  private envGroups(env: EnvObjects): Map<string, { facts: Resource[]; builtins: Resource[] }> {
    const known = this.envByNs.get(env);
    if (known) return known;
    const out = new Map<string, { facts: Resource[]; builtins: Resource[] }>();
    this.envByNs.set(env, out);
    const { facts, builtins } = env;
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
      const e = this.envGroups(this.env(dep));
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
      const { facts, builtins } = this.env(dep);
      index = new Index(this.inputs.deployments.resourcesIn(dep, keep), pick(facts), pick(builtins));
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

// The incremental engine's facade. A validation goes through four steps, each in a file of its own:
//   1. workspace-files.ts        texts into documents: each document parsed once, kept while its text is unchanged;
//   2. workspace-deployments.ts  which files are deployed together, and partitions (a namespace in a deployment);
//   3. workspace-rules.ts        the rule scheduler: document rules once per text, workspace rules only where changed;
//   4. workspace-placement.ts    chunk-relative findings to file lines, suppression comments, shared bases;
//   5. workspace-output.ts       each file's sorted list, patched where its segments changed.
// This class owns the options and the objects outside the files (cluster facts, AIO built-ins) and wires the steps;
// it keeps no cache of its own beyond the environment objects.
import type { ChunkRef, Path } from './parse';
import { itemChunks } from './list-items';
import { Resource, toResource } from './resources';
import { Index } from './workspace-index';
import { type DeploymentInfo, LOOSE, isKustomizationUri } from './deployments';
import { isAioOrCertManager, looksRelevant, mentionsAioOrCertManager } from './syntax-scope';
import { builtinObjects } from './builtins';
import { allRules, engineCodes } from './rules';
import {
  CancellationLike,
  CancelledError,
  ClusterTargeting,
  DeploymentTarget,
  EngineOptions,
  Facts,
  Finding,
  defaultEngineOptions,
} from './types';
import { decideTargets, evidenceOf } from './cluster-targets';
import { FileState, FileStore } from './workspace-files';
import { notCheckedFinding, utf8Length } from './not-checked';
import { DeploymentState, depOf } from './workspace-deployments';
import { EnvObjects, EnvState, RuleScheduler } from './workspace-rules';
import { FileOutputs } from './workspace-output';
import { WorkspaceFindingSink, compareFindings, placeDocumentFindings, rangeOf } from './workspace-placement';

export type { FileState };

const NO_SEGMENTS: readonly (readonly Finding[])[] = [];

export class Workspace {
  private options: EngineOptions;
  private optionsKey: string;
  private facts: Facts | undefined;
  private factResources: Resource[] = [];
  private builtinCache?: { ns: string; list: Resource[] };
  private evidence: ReadonlySet<string> = new Set();
  private targeting?: ClusterTargeting;
  private targetList: DeploymentTarget[] = [];
  private envCache?: { facts: Resource[]; builtins: Resource[]; key: string; state: EnvState };
  private readonly outputs = new FileOutputs();
  private readonly ignoredFrom = new WeakMap<readonly Finding[], { key: string; list: readonly Finding[] }>();
  private readonly notes = new WeakMap<FileState, { key: string; list: readonly Finding[] }>();
  /** Each file's document findings as of its last version validated (documentSegments). */
  private readonly docSegments = new Map<
    string,
    { serial: number; key: string; perChunk: (readonly (readonly Finding[])[])[]; flat: (readonly Finding[])[] }
  >();

  private readonly files = new FileStore(() => this.options);
  private roots: readonly string[] = [];
  private readonly deploymentState = new DeploymentState(this.files, () => ({
    roots: this.roots,
    mode: this.options.deployments ?? 'folder',
  }));
  private readonly rules = new RuleScheduler({
    options: () => this.options,
    optionsKey: () => this.optionsKey,
    files: this.files,
    deployments: this.deploymentState,
    env: () => this.envState(),
  });

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...defaultEngineOptions, ...options };
    this.optionsKey = keyOf(this.options);
  }

  getOptions(): EngineOptions {
    return this.options;
  }

  setOptions(options: Partial<EngineOptions>): void {
    this.options = { ...this.options, ...options };
    // Any option may change what a rule says (ignore list, clock, namespace): the rules start over.
    this.rules.reset();
    const k = keyOf(this.options);
    if (k !== this.optionsKey) {
      this.optionsKey = k;
      // Namespaces and document-rule results depend on options: re-derive everything (parses are kept).
      this.files.rebuildAll();
    }
  }

  /**
   * The roots of the workspace: workspace folders, or the files and folders named on the command line. Files under
   * different roots are never one deployment unless a kustomization, Flux Kustomization or Argo CD Application ties
   * them.
   */
  setRoots(uris: readonly string[]): void {
    this.roots = [...uris];
  }
  getRoots(): readonly string[] {
    return this.roots;
  }

  /**
   * Every deployment (which files are applied together) with its files and the objects they define: one entry per
   * kustomization, folder, Flux Kustomization or Argo CD Application applied on its own, and per alternative.
   */
  deployments(): (DeploymentInfo & { objects: Resource[] })[] {
    return this.deploymentState.list().map((d) => ({
      ...d,
      files: [...d.files],
      objects: d.files.flatMap((uri) => this.files.get(uri)?.resources ?? []),
    }));
  }

  /** The deployments the file `uri` is checked in (without their objects). */
  deploymentInfosOf(uri: string): DeploymentInfo[] {
    return this.deploymentState.list().filter((d) => d.files.includes(uri));
  }

  setFacts(facts: Facts | undefined): void {
    this.facts = facts;
    this.factResources = (facts?.objects ?? [])
      .map((o) => toResource(o, 'cluster', this.options.defaultNamespace))
      .filter((r): r is Resource => !!r);
    this.evidence = evidenceOf(this.factResources);
  }

  /**
   * The host's say on which deployments the cluster facts are compared with (cluster-targets.ts); without it, those
   * with an object that exists in the cluster.
   */
  setClusterTargeting(targeting: ClusterTargeting | undefined): void {
    this.targeting = targeting;
    this.envCache = undefined;
  }

  /** Whether the cluster facts are compared with each deployment, and why (empty without facts). */
  clusterTargets(): DeploymentTarget[] {
    this.envState();
    return this.targetList;
  }

  getFacts(): Facts | undefined {
    return this.facts;
  }

  /** Adds or replaces a file. Documents whose text did not change keep their parse. */
  setFile(uri: string, text: string): FileState {
    return this.files.set(uri, text);
  }
  /**
   * An edit of a file (offsets in its current text) applied to the documents it touches, without building the whole
   * new text. Undefined, and nothing changed, when the edit could change more than those documents: then the host
   * sets the whole text (setFile).
   */
  editFile(uri: string, start: number, end: number, text: string): FileState | undefined {
    return this.files.edit(uri, start, end, text);
  }
  /** A file over the size limit that the host did not read (`bytes` on disk): reported as not checked. */
  setFileTooLarge(uri: string, bytes: number): FileState {
    return this.files.setTooLarge(uri, bytes);
  }
  deleteFile(uri: string): boolean {
    return this.files.delete(uri);
  }
  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }
  getFile(uri: string): FileState | undefined {
    return this.files.get(uri);
  }
  uris(): string[] {
    return [...this.files.uris()];
  }

  /** All workspace resources (every document of every file). */
  resources(): Resource[] {
    return this.files.resources();
  }

  /** The index the workspace rules see: workspace objects, then cluster facts, then AIO built-ins. */
  index(): Index {
    const { facts, builtins } = this.envObjects();
    return new Index(this.resources(), facts, builtins);
  }

  /**
   * The objects outside the files: cluster facts (when the cluster is compared with at least one deployment) and,
   * unless a connected cluster stands in for them, AIO's built-ins.
   */
  envObjects(): EnvObjects {
    return this.envState().any;
  }

  /**
   * Re-running workspace rules only where something changed. Off, every rule runs over everything on every
   * validation: the reference the incremental results are tested against.
   */
  get incremental(): boolean {
    return this.rules.incremental;
  }
  set incremental(on: boolean) {
    this.rules.incremental = on;
  }

  /** Errors inside a rule never escape: they are kept for the host's log. */
  get ruleErrors(): string[] {
    return this.rules.ruleErrors;
  }

  /** Validates everything; returns findings per file URI (every known file has an entry, possibly empty). */
  validate(token?: CancellationLike): Map<string, Finding[]> {
    // Each file's findings as segments (lists that stay the same objects while valid), then one sorted list per file:
    // its document segments, then the segments the rules' findings are placed in.
    const docSegments = new Map<string, readonly (readonly Finding[])[]>();
    const ruleSegments = new Map<string, (readonly Finding[])[]>();
    const key = `${this.optionsKey}\u0000${this.options.ignore.join('\u0000')}`;
    this.deploymentState.refresh();
    const aioIn = new Map<string, boolean>();
    // Asked once per file: a file's text is searched once however many of its documents have syntax errors.
    const judgedFiles = new Map<FileState, boolean>();
    const judged = (f: FileState) => {
      let j = judgedFiles.get(f);
      if (j === undefined) judgedFiles.set(f, (j = syntaxJudged(f, this.deploymentState, aioIn)));
      return j;
    };
    for (const f of this.files.all()) {
      const docs = this.documentSegments(f, key);
      // Copied only from the first segment that syntax scoping changes or empties (a file of tens of thousands of
      // documents has as many segments).
      let scoped: (readonly Finding[])[] | undefined;
      for (let i = 0; i < docs.length; i++) {
        const seg = syntaxScoped(docs[i], f, judged);
        if (seg === docs[i] && seg.length) scoped?.push(seg);
        else {
          scoped ??= docs.slice(0, i);
          if (seg.length) scoped.push(seg);
        }
      }
      const segs = scoped ?? docs;
      docSegments.set(f.uri, f.skipped ? [this.notChecked(f), ...segs] : segs);
      ruleSegments.set(f.uri, []);
    }
    for (const uri of this.docSegments.keys()) if (!docSegments.has(uri)) this.docSegments.delete(uri);
    if (token?.isCancellationRequested) throw new CancelledError();
    const results = this.rules.run(token);
    const sink = new WorkspaceFindingSink(this.deploymentState.current, ruleSegments);
    for (const byPartition of results) for (const [key, list] of byPartition) sink.addList(list, depOf(key));
    sink.flush();
    const out = new Map<string, Finding[]>();
    for (const [uri, docs] of docSegments) {
      const rules = ruleSegments.get(uri)!;
      out.set(uri, this.outputs.assemble(uri, rules.length ? docs.concat(rules) : docs));
    }
    this.outputs.retain(out);
    return out;
  }

  /**
   * The placed document findings of a file's chunks, in chunk order (a list per chunk that has any). Kept per file
   * version: a file that did not change costs one lookup, and an edit inside one document looks up only the chunks
   * it did not keep in place (FileState.kept) instead of every chunk of the file.
   */
  private documentSegments(f: FileState, key: string): readonly (readonly Finding[])[] {
    const last = this.docSegments.get(f.uri);
    if (last && last.key === key && f.serial !== undefined && last.serial === f.serial) return last.flat;
    const kept = last && last.key === key && f.kept && f.kept.from === last.serial ? f.kept : undefined;
    const n = f.chunks.length;
    const perChunk: (readonly (readonly Finding[])[])[] = new Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      let segs: readonly (readonly Finding[])[];
      if (kept && i < kept.before) segs = last!.perChunk[i];
      else if (kept && i >= n - kept.after) segs = last!.perChunk[last!.perChunk.length - (n - i)];
      else {
        const c = f.chunks[i];
        const mine: (readonly Finding[])[] = [];
        this.documentFindingsInto(c, mine);
        // A list's items are checked as the objects they are.
        for (const it of itemChunks(c)) this.documentFindingsInto(it, mine);
        segs = mine.length ? mine : NO_SEGMENTS;
      }
      perChunk[i] = segs;
      count += segs.length;
    }
    // Filled, not grown: a file of tens of thousands of documents has as many segments.
    const flat: (readonly Finding[])[] = new Array(count);
    for (let i = 0, k = 0; i < n; i++) for (const seg of perChunk[i]) flat[k++] = seg;
    if (f.serial !== undefined) this.docSegments.set(f.uri, { serial: f.serial, key, perChunk, flat });
    return flat;
  }

  private documentFindingsInto(c: ChunkRef, segs: (readonly Finding[])[]): void {
    const found = placeDocumentFindings(c, this.rules.documentFindings(c));
    if (found.length === 0) return;
    const ignore = this.options.ignore;
    if (ignore.length === 0) {
      segs.push(found);
      return;
    }
    // The ignore list applies to the cached list: the filtered one is kept with it.
    const key = ignore.join('\u0000');
    let kept = this.ignoredFrom.get(found);
    if (kept?.key !== key) {
      kept = { key, list: found.filter((f) => !ignore.includes(f.code)) };
      this.ignoredFrom.set(found, kept);
    }
    if (kept.list.length) segs.push(kept.list);
  }

  /** The note of a file that is not checked (the same list while the file and options are the same). */
  private notChecked(f: FileState): readonly Finding[] {
    const key = `${this.optionsKey}\u0000${this.options.ignore.join('\u0000')}`;
    let note = this.notes.get(f);
    if (note?.key !== key) {
      const n = notCheckedFinding(f.uri, f.skipped!, this.options, f.bytes ?? utf8Length(f.text));
      note = { key, list: this.options.ignore.includes(n.code) ? [] : [n] };
      this.notes.set(f, note);
    }
    return note.list;
  }

  /**
   * The objects outside the files, per deployment: a deployment the cluster is compared with sees the cluster facts
   * (and, when they describe the whole cluster, no assumed built-ins); any other sees the built-ins only, as if no
   * cluster were connected. The same object while nothing it depends on changed.
   */
  private envState(): EnvState {
    const ns = this.options.defaultNamespace;
    if (this.builtinCache?.ns !== ns) this.builtinCache = { ns, list: builtinObjects(ns) };
    const builtins = this.options.assumeBuiltins ? this.builtinCache.list : [];
    const facts = this.factResources;
    let compared: ReadonlySet<string> = new Set();
    if (this.facts) {
      this.deploymentState.refresh();
      const deployments = this.deploymentState.current;
      this.targetList = decideTargets({
        deployments,
        single: deployments.single,
        files: this.files.all(),
        facts: this.facts,
        evidence: this.evidence,
        targeting: this.targeting,
      });
      compared = new Set(this.targetList.filter((t) => t.compared).map((t) => t.id));
    } else this.targetList = [];
    // (The count first: the one deployment of a workspace without kustomizations has the id ''.)
    const key = `${compared.size}:${[...compared].join('\u0001')}`;
    const c = this.envCache;
    if (c && c.facts === facts && c.builtins === builtins && c.key === key) return c.state;
    const plain: EnvObjects = { facts: [], builtins, complete: false };
    const live: EnvObjects = {
      facts,
      builtins: this.facts?.complete ? [] : builtins,
      complete: !!this.facts?.complete,
    };
    const state: EnvState = {
      of: (dep) => (compared.has(dep) ? live : plain),
      any: compared.size ? live : plain,
      compared: (deps) => deps.some((d) => compared.has(d)),
    };
    this.envCache = { facts, builtins, key, state };
    return state;
  }

  /**
   * The index of what is deployed together with the file `uri` (the files of its deployments, cluster facts,
   * built-ins): what navigation, hover, completion and quick fixes look things up in.
   */
  indexFor(uri: string): Index {
    const mine = this.deploymentsOf(uri);
    if (!mine) return this.index();
    const env = this.envState();
    const { facts, builtins } = env.compared(mine) ? env.of(mine.find((d) => env.compared([d]))!) : env.of(mine[0]);
    return new Index(
      this.resources().filter((r) => this.deployedWith(mine, r.chunk!.uri)),
      facts,
      builtins,
    );
  }

  /** The deployments of a file; undefined when the workspace is one deployment (no kustomizations). */
  deploymentsOf(uri: string): readonly string[] | undefined {
    return this.deploymentState.deploymentsOf(uri);
  }

  /** True when the file `uri` is in one of `deps` (from deploymentsOf; undefined: everything is deployed together). */
  deployedWith(deps: readonly string[] | undefined, uri: string): boolean {
    return this.deploymentState.deployedWith(deps, uri);
  }
}

function keyOf(o: EngineOptions): string {
  return JSON.stringify([o.defaultNamespace, o.assumeBuiltins, o.maxFileSize, o.now ? 1 : 0, o.chartTemplate ? 1 : 0]);
}

export { allRules, engineCodes, compareFindings, rangeOf };
export type { Path };

/** Segments without their syntax errors, for files whose syntax is not BrokerKit's to judge (kept per segment). */
const withoutSyntax = new WeakMap<readonly Finding[], readonly Finding[]>();

function syntaxScoped(seg: readonly Finding[], f: FileState, judged: (f: FileState) => boolean): readonly Finding[] {
  if (!seg.some((x) => x.code === 'yaml-syntax') || judged(f)) return seg;
  let out = withoutSyntax.get(seg);
  if (!out) withoutSyntax.set(seg, (out = seg.filter((x) => x.code !== 'yaml-syntax')));
  return out;
}

/**
 * Whether the syntax errors of `f` are reported (syntax-scope.ts): it mentions AIO or cert-manager, or it mentions
 * what the rules read (or is a kustomization) and one of its deployments holds an AIO or cert-manager object.
 */
function syntaxJudged(f: FileState, deployments: DeploymentState, aioIn: Map<string, boolean>): boolean {
  if (mentionsAioOrCertManager(f.text)) return true;
  if (!looksRelevant(f.text) && !isKustomizationUri(f.uri)) return false;
  const deps = deployments.deploymentsOf(f.uri) ?? [LOOSE];
  return deps.some((d) => {
    let has = aioIn.get(d);
    if (has === undefined) aioIn.set(d, (has = deployments.resourcesIn(d, undefined).some(isAioOrCertManager)));
    return has;
  });
}

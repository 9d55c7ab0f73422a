// The incremental engine's facade. A validation goes through four steps, each in a file of its own:
//   1. workspace-files.ts        texts into documents: each document parsed once, kept while its text is unchanged;
//   2. workspace-deployments.ts  which files are deployed together, and partitions (a namespace in a deployment);
//   3. workspace-rules.ts        the rule scheduler: document rules once per text, workspace rules only where changed;
//   4. workspace-placement.ts    chunk-relative findings to file lines, suppression comments, shared bases.
// This class owns the options and the objects outside the files (cluster facts, AIO built-ins) and wires the steps;
// it keeps no cache of its own beyond the environment objects.
import type { ChunkRef, Path } from './parse';
import { itemChunks } from './list-items';
import { Resource, toResource } from './resources';
import { Index } from './workspace-index';
import { SINGLE } from './deployments';
import { builtinObjects } from './builtins';
import { allRules, engineCodes } from './rules';
import { CancellationLike, CancelledError, EngineOptions, Facts, Finding, defaultEngineOptions } from './types';
import { FileState, FileStore } from './workspace-files';
import { notCheckedFinding, utf8Length } from './not-checked';
import { DeploymentState, depOf } from './workspace-deployments';
import { EnvObjects, RuleScheduler } from './workspace-rules';
import { WorkspaceFindingSink, compareFindings, placeDocumentFindings, rangeOf } from './workspace-placement';

export type { FileState };

export class Workspace {
  private options: EngineOptions;
  private optionsKey: string;
  private facts: Facts | undefined;
  private factResources: Resource[] = [];
  private builtinCache?: { ns: string; list: Resource[] };
  private envCache?: EnvObjects;

  private readonly files = new FileStore(() => this.options);
  private readonly deploymentState = new DeploymentState(this.files);
  private readonly rules = new RuleScheduler({
    options: () => this.options,
    optionsKey: () => this.optionsKey,
    files: this.files,
    deployments: this.deploymentState,
    env: () => this.envObjects(),
    factsComplete: () => !!this.facts?.complete,
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
  setFile(uri: string, text: string): FileState {
    return this.files.set(uri, text);
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
    const out = new Map<string, Finding[]>();
    const ignore = this.options.ignore;
    for (const f of this.files.all()) {
      const list: Finding[] = [];
      out.set(f.uri, list);
      if (f.skipped) {
        const note = notCheckedFinding(f.uri, f.skipped, this.options, f.bytes ?? utf8Length(f.text));
        if (!ignore.includes(note.code)) list.push(note);
      }
      for (const c of f.chunks) {
        this.documentFindingsInto(c, list);
        // A list's items are checked as the objects they are.
        for (const it of itemChunks(c)) this.documentFindingsInto(it, list);
      }
    }
    if (token?.isCancellationRequested) throw new CancelledError();
    const results = this.rules.run(token);
    const deployments = this.deploymentState.current;
    const sink = new WorkspaceFindingSink(deployments, deployments !== SINGLE, out);
    for (const byPartition of results)
      for (const [key, list] of byPartition) {
        const dep = depOf(key);
        for (const r of list) sink.add(r, dep);
      }
    sink.flush();
    for (const list of out.values()) list.sort(compareFindings);
    return out;
  }

  private documentFindingsInto(c: ChunkRef, list: Finding[]): void {
    const ignore = this.options.ignore;
    const found = placeDocumentFindings(c, this.rules.documentFindings(c));
    for (let i = 0; i < found.length; i++)
      if (ignore.length === 0 || !ignore.includes(found[i].code)) list.push(found[i]);
  }

  /** The objects outside the files the rules see: cluster facts and (unless a connected cluster stands in) built-ins. */
  envObjects(): EnvObjects {
    const ns = this.options.defaultNamespace;
    if (this.builtinCache?.ns !== ns) this.builtinCache = { ns, list: builtinObjects(ns) };
    const builtins = this.options.assumeBuiltins && !this.facts?.complete ? this.builtinCache.list : [];
    if (this.envCache?.facts !== this.factResources || this.envCache.builtins !== builtins)
      this.envCache = { facts: this.factResources, builtins };
    return this.envCache;
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

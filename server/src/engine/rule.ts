// The contract every rule follows: one rule per file, a stable kebab-case code, a default severity, a message that
// says what to do, the public pages it rests on, and a page of its own in docs/rules/<code>.md.
import type { Path } from './parse';
import type { Resource } from './resources';
import type { Index } from './workspace-index';
import type { EngineOptions, Severity } from './types';

export interface RuleMeta {
  /** Stable kebab-case code: what users see, what --ignore takes, what quick fixes key on. */
  readonly code: string;
  readonly severity: Severity;
  /** One line for the README rule table and the hover on a code. */
  readonly title: string;
  /**
   * The public pages (AIO on learn.microsoft.com, cert-manager.io, kubernetes.io, ...) that document what the rule
   * checks; docs/rules/<code>.md links every one of them (engine/sources.ts holds their short labels).
   */
  readonly sources: readonly string[];
}

export interface RelatedReport {
  resource: Resource;
  path?: Path;
  key?: boolean;
  message: string;
}

export interface Report {
  message: string;
  severity?: Severity;
  /** Where in the resource's document; the key of the last segment when `key` is set. */
  path?: Path;
  key?: boolean;
  /** Chunk-relative offsets, when a path cannot express the place (e.g. inside a block scalar). */
  offsets?: { start: number; end: number };
  related?: RelatedReport[];
  /** Quick-fix hints; a `DataSpan` value is turned into an absolute `Range` when the finding leaves the engine. */
  data?: Record<string, unknown>;
}

/**
 * A chunk-relative source span inside `Report.data` (e.g. a second place a quick fix edits). Rules cannot write
 * absolute ranges there: document results are cached and reused when the document moves inside its file.
 */
export class DataSpan {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

export interface DocumentContext {
  readonly options: EngineOptions;
  report(r: Report): void;
}

export interface WorkspaceContext {
  readonly options: EngineOptions;
  readonly index: Index;
  /** True when cluster facts describe the whole cluster (a connected cluster): a missing reference is then certain. */
  readonly factsComplete: boolean;
  /** Reports at a workspace resource; resources without a file (built-in, cluster) are ignored. */
  report(at: Resource, r: Report): void;
  /**
   * Objects of a kind in every namespace (workspace, cluster facts, built-ins), for hints such as "an Issuer of that
   * name exists in namespace X". Only for the kinds a namespace rule lists in `across`: `index` may hold one
   * namespace only.
   */
  across(kind: string, group?: string): Resource[];
}

/** Every object the engine knows, of every deployment (workspace, cluster facts, built-ins). */
export interface RuleWorld {
  ofKind(kind: string): readonly Resource[];
}

/** Checks one document on its own; results are cached with the document's text. */
export interface DocumentRule extends RuleMeta {
  readonly scope: 'document';
  /** `applies` filters cheaply before `check` runs. */
  applies(r: Resource): boolean;
  check(r: Resource, ctx: DocumentContext): void;
}

/**
 * Checks relations between objects (files, cluster facts, AIO built-ins). Its findings are kept between validations
 * and the rule runs again only where something it depends on changed, as its `partition` declares. A wrong declaration
 * shows up in test/unit/incremental.test.ts, which compares against running every rule over everything.
 */
export interface WorkspaceRule extends RuleMeta {
  readonly scope: 'workspace';
  /**
   * 'namespace': what the rule reports in a namespace depends only on the objects of that namespace, cluster-scoped
   * objects, and the `across` kinds. `ctx.index` then holds that namespace and the cluster-scoped objects, and the rule
   * runs once per namespace that changed. Reports must be made at objects of that namespace.
   * 'cluster' (the default): `ctx.index` holds everything (only the `reads` kinds, when given) and the rule runs again
   * whenever an object of those kinds changed anywhere.
   */
  readonly partition?: 'namespace' | 'cluster';
  /** Cluster rules: the kinds the rule looks at (absent: all). */
  readonly reads?: readonly string[];
  /**
   * Cluster rules with `reads`: false for an object of those kinds whose coming, going or change cannot change the
   * rule's findings in a workspace holding `world`'s objects, so that an edit of it does not re-run the rule over the
   * whole cluster. Asked for both versions of an edited object. Absent: every object of the `reads` kinds matters.
   */
  readonly affectedBy?: (r: Resource, world: RuleWorld) => boolean;
  /** Namespace rules: kinds also read from every namespace through `ctx.across`; a change to one re-runs all namespaces. */
  readonly across?: readonly string[];
  /** The findings depend on the clock (certificate expiry): re-run at least once a minute. */
  readonly clock?: boolean;
  check(ctx: WorkspaceContext): void;
}

export type Rule = DocumentRule | WorkspaceRule;

/** Codes that come from the engine itself rather than from a rule module. */
export type PseudoRule = RuleMeta & { readonly scope: 'engine' };

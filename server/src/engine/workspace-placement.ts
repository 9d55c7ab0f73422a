// Step 4 of the workspace: findings leave the engine. Rules report at chunk-relative offsets (so that their results
// stay valid when a document moves inside its file); here those raw findings become Findings at file lines and
// columns, read from each chunk's current place. Placed findings are memoised per chunk place, so a document that
// neither changed nor moved hands out the very same Finding objects (the language server's diff relies on it).
//
// Owns: the raw finding types, conversion to ranges, `# brokerkit-ignore` suppression, merging the findings of an
// object shared by several deployments, and the memos of placed findings.
// May not: run rules, read options, or cache anything that depends on them (a rule result is keyed by its own list).
import { DataSpan } from './rule';
import type { ChunkRef } from './parse';
import type { Deployments } from './deployments';
import type { Finding, LiveRef, Range, RelatedInfo, Severity } from './types';
import { layout } from './workspace-files';

export interface RawRelated {
  chunk?: ChunkRef;
  start?: number;
  end?: number;
  message: string;
  live?: LiveRef;
}

/** A finding at a chunk, with chunk-relative offsets. */
export interface RawFinding {
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

/** A document-rule finding: chunk-relative and about its own chunk only, so it can be cached with the parse. */
export interface LocalFinding {
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  related: { start: number; end: number; message: string }[];
  data?: Record<string, unknown>;
}

const NO_FINDINGS: Finding[] = [];

/** The placed list of a chunk as last handed out: for which rule results, at which line. */
const lastPlaced = new WeakMap<ChunkRef, { local: readonly LocalFinding[]; line: number; list: Finding[] }>();
/**
 * Placed lists per rule-result list and place (uri and line): a document that moves back and forth (a line typed
 * above it and removed) finds its earlier list again. A few places per list at most.
 */
const placedByPlace = new WeakMap<readonly LocalFinding[], Map<string, Finding[]>>();

/**
 * The document findings of a chunk at its current place, suppression comments applied. The cached objects are
 * shared: callers must not mutate them.
 */
export function placeDocumentFindings(chunk: ChunkRef, local: readonly LocalFinding[]): Finding[] {
  if (local.length === 0) return NO_FINDINGS;
  // The same chunk object (neither changed nor moved) with the same results: its list as last time.
  const last = lastPlaced.get(chunk);
  if (last && last.local === local && last.line === chunk.startLine) return last.list;
  let byPlace = placedByPlace.get(local);
  if (!byPlace) {
    byPlace = new Map();
    placedByPlace.set(local, byPlace);
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
    list.sort(compareFindings);
    // A document that keeps moving (lines typed above it) must not grow the cache without bound.
    if (byPlace.size >= 4) byPlace.clear();
    byPlace.set(place, list);
  }
  lastPlaced.set(chunk, { local, line: chunk.startLine, list });
  return list;
}

export function rangeOf(chunk: ChunkRef, start: number, end: number): Range {
  const lc = chunk.parse.lines;
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
      : x.live
        ? { message: x.message, live: x.live }
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

/** The deployment a workspace finding was judged in, as findings name it. */
export interface JudgedIn {
  label: string;
  source?: string;
  /** The workspace's only deployment, made by no file. */
  only?: boolean;
}

/**
 * A raw finding as a Finding at its chunks' current lines, with an optional message suffix (which deployment of a
 * shared base) and the deployment it was judged in: the same object while none of its chunks moved.
 */
const placedMemo = new WeakMap<
  RawFinding,
  { at: string | number; suffix: string; finding: Finding; moves: number }[]
>();
export function placeRaw(r: RawFinding, suffix = '', judged?: JudgedIn): Finding {
  // One entry per suffix (one, or one per deployment of a shared base) and deployment.
  const key = judged
    ? `${suffix}\u0000${judged.label}\u0000${judged.source ?? ''}\u0000${judged.only ? 1 : 0}`
    : suffix;
  let memo = placedMemo.get(r);
  // No chunk moved since it was placed: the same object, without looking at its chunks (thousands of findings).
  if (memo) for (const m of memo) if (m.suffix === key && m.moves === layout.moves) return m.finding;
  let at: string | number = r.chunk.startLine;
  for (const x of r.related) if (x.chunk) at = `${at},${x.chunk.startLine}`;
  if (!memo) {
    memo = [];
    placedMemo.set(r, memo);
  }
  const i = memo.findIndex((m) => m.suffix === key);
  if (i >= 0 && memo[i].at === at) {
    memo[i].moves = layout.moves;
    return memo[i].finding;
  }
  const finding = toFinding(suffix ? { ...r, message: r.message + suffix } : r);
  if (judged) {
    finding.deployment = judged.label;
    if (judged.source) finding.deploymentSource = judged.source;
    if (judged.only) finding.deploymentOnly = true;
  }
  const entry = { at, suffix: key, finding, moves: layout.moves };
  if (i >= 0) memo[i] = entry;
  else memo.push(entry);
  return finding;
}

/**
 * A rule's findings of one partition, placed: per file, sorted (compareFindings); `shared` are those of files in
 * several deployments, merged across deployments on every validation. Kept with the raw list for as long as the
 * deployments are the same and no chunk moved, so a partition that did not run again costs nothing to place.
 */
interface PlacedList {
  deployments: Deployments;
  moves: number;
  dep: string;
  byUri: Map<string, Finding[]>;
  shared: RawFinding[];
}
const placedLists = new WeakMap<readonly RawFinding[], PlacedList>();

/**
 * Places the workspace-rule findings of one validation: each file's findings as sorted segments appended to `out`
 * (per URI; files not in `out` are gone and get nothing). Objects in several deployments (a kustomize base, a file
 * shared by alternatives) get a finding once where every deployment agrees, else one per deployment, saying which.
 */
export class WorkspaceFindingSink {
  private readonly pending = new Map<string, { raw: RawFinding; deps: string[] }>();
  private readonly judged = new Map<string, JudgedIn>();
  constructor(
    private readonly deployments: Deployments,
    private readonly out: Map<string, (readonly Finding[])[]>,
  ) {}

  private judgedIn(deps: readonly string[]): JudgedIn {
    const key = deps.join('\u0000');
    let j = this.judged.get(key);
    if (!j) {
      const infos = deps.map((d) => this.deployments.info(d));
      const labels = deps.map((d) => this.deployments.label(d)).sort();
      j = { label: labels.join(', ') };
      if (deps.length === 1 && infos[0]?.source) j.source = infos[0].source;
      else if (this.deployments.single) j.only = true;
      this.judged.set(key, j);
    }
    return j;
  }

  /** The findings of one rule in one partition of deployment `dep` (a list that is never changed afterwards). */
  addList(list: readonly RawFinding[], dep: string): void {
    if (list.length === 0) return;
    let p = placedLists.get(list);
    if (!p || p.deployments !== this.deployments || p.moves !== layout.moves || p.dep !== dep) {
      const byUri = new Map<string, Finding[]>();
      const shared: RawFinding[] = [];
      const judged = this.judgedIn([dep]);
      for (const r of list) {
        if (!this.deployments.single && this.deployments.of(r.chunk.uri).length >= 2) {
          shared.push(r);
          continue;
        }
        const f = placeRaw(r, '', judged);
        const l = byUri.get(f.uri);
        if (l) l.push(f);
        else byUri.set(f.uri, [f]);
      }
      for (const l of byUri.values()) l.sort(compareFindings);
      p = { deployments: this.deployments, moves: layout.moves, dep, byUri, shared };
      placedLists.set(list, p);
    }
    for (const [uri, l] of p.byUri) this.out.get(uri)?.push(l);
    for (const r of p.shared) this.add(r, dep);
  }

  private add(r: RawFinding, dep: string): void {
    const key = `${r.code}\u0000${r.chunk.uri}\u0000${r.chunk.startOffset + r.start}\u0000${r.end - r.start}\u0000${r.message}`;
    const p = this.pending.get(key);
    if (p) p.deps.push(dep);
    else this.pending.set(key, { raw: r, deps: [dep] });
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const placed = new Map<string, Finding[]>();
    const listOf = (uri: string): Finding[] | undefined => {
      if (!this.out.has(uri)) return undefined;
      let l = placed.get(uri);
      if (!l) placed.set(uri, (l = []));
      return l;
    };
    // Findings that differ between deployments, grouped by where they are and by the deployment they are alternatives
    // of: a file beside N alternatives is judged N times, and its finding is shown once, not N times.
    const byPlace = new Map<string, { raw: RawFinding; dep: string }[]>();
    for (const { raw, deps } of this.pending.values()) {
      const all = this.deployments.of(raw.chunk.uri);
      const list = listOf(raw.chunk.uri);
      if (!list) continue;
      if (deps.length >= all.length) {
        list.push(placeRaw(raw, '', this.judgedIn(all)));
        continue;
      }
      for (const dep of deps) {
        const key = `${raw.code}\u0000${raw.chunk.uri}\u0000${raw.chunk.startOffset + raw.start}\u0000${raw.end - raw.start}\u0000${this.baseOf(dep)}`;
        const group = byPlace.get(key);
        if (group) group.push({ raw, dep });
        else byPlace.set(key, [{ raw, dep }]);
      }
    }
    for (const group of byPlace.values()) {
      const list = listOf(group[0].raw.chunk.uri);
      if (!list) continue;
      if (group.length === 1) {
        const { raw, dep } = group[0];
        list.push(placeRaw(raw, ` (in ${this.deployments.label(dep)})`, this.judgedIn([dep])));
        continue;
      }
      const first = group.reduce((a, b) => (this.deployments.label(b.dep) < this.deployments.label(a.dep) ? b : a));
      const others = group.length - 1;
      const suffix = ` (in ${this.deployments.label(first.dep)}, and ${others} other alternative${others === 1 ? '' : 's'})`;
      list.push(placeRaw(first.raw, suffix, this.judgedIn([first.dep])));
    }
    this.pending.clear();
    for (const [uri, l] of placed) this.out.get(uri)!.push(l.sort(compareFindings));
  }

  /** The deployment an alternative is a variant of (itself for any other deployment). */
  private baseOf(dep: string): string {
    const alt = this.deployments.info(dep)?.alternative;
    if (!alt) return dep;
    const cut = dep.lastIndexOf('#');
    return cut > 0 ? dep.slice(0, cut) : dep;
  }
}

/** True when a `# brokerkit-ignore` comment covers `code` on `line` (0-based, counted within the document). */
function suppressedOn(chunk: ChunkRef, line: number, code: string): boolean {
  const set = chunk.parse.suppress.get(line);
  return !!set && (set.has('*') || set.has(code));
}

/** The same for a finding made from chunk offset `start`. */
export function suppressedAt(chunk: ChunkRef, start: number, code: string): boolean {
  return chunk.parse.suppress.size > 0 && suppressedOn(chunk, chunk.parse.lines.linePos(start).line - 1, code);
}

export function zeroRange(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

/**
 * The order of a file's findings: by position, then code; findings at one place are ordered by everything else they
 * say, so the order never depends on the order rules ran in (an incremental validation gives a full run's list).
 */
export function compareFindings(a: Finding, b: Finding): number {
  // (Codes are kebab-case ASCII: a plain comparison orders them as localeCompare does, at a fraction of the cost.)
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a === b ? 0 : tieBreak(a, b))
  );
}

function tieBreak(a: Finding, b: Finding): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    a.range.end.line - b.range.end.line ||
    a.range.end.character - b.range.end.character ||
    cmp(a.message, b.message) ||
    cmp(a.severity, b.severity) ||
    cmp(a.deployment ?? '', b.deployment ?? '') ||
    cmp(a.deploymentSource ?? '', b.deploymentSource ?? '') ||
    cmp(JSON.stringify(a.related), JSON.stringify(b.related)) ||
    cmp(JSON.stringify(a.data ?? null), JSON.stringify(b.data ?? null))
  );
}

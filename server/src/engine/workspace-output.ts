// Step 5 of the workspace: each file's findings as one sorted list. A file's findings arrive as segments (the placed
// document findings of each chunk, the placed findings of each rule and partition, each a list that stays the same
// object while it is valid). A file whose segments are the very same objects as last time keeps its list; otherwise
// the list is patched: the findings of the segments that went are taken out, those of the new ones merged in. So a
// keystroke costs in proportion to what changed and one pass over the file, not a sort of all its findings.
//
// Owns: the last list and segments of each file.
// May not: place, filter or create findings (every finding it hands out came in a segment).
import type { Finding } from './types';
import { compareFindings } from './workspace-placement';

type Segment = readonly Finding[];

export class FileOutputs {
  private last = new Map<string, { segments: readonly Segment[]; list: Finding[] }>();

  /**
   * The sorted findings of `uri` made of `segments` (sorted runs, mostly). compareFindings is a total order, so the list is
   * the one a full sort of every segment gives. Callers must not mutate it.
   */
  assemble(uri: string, segments: readonly Segment[]): Finding[] {
    const prev = this.last.get(uri);
    let list: Finding[];
    if (prev && sameSegments(prev.segments, segments)) list = prev.list;
    else list = (prev && patched(prev, segments)) || merged(segments);
    this.last.set(uri, { segments, list });
    return list;
  }

  /** Forgets the files not in `keep` (removed from the workspace). */
  retain(keep: ReadonlyMap<string, unknown>): void {
    for (const uri of [...this.last.keys()]) if (!keep.has(uri)) this.last.delete(uri);
  }

  clear(): void {
    this.last.clear();
  }
}

function sameSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every segment's findings, sorted (the lists are sorted runs, which the sort merges). */
function merged(segments: readonly Segment[]): Finding[] {
  let n = 0;
  for (const s of segments) n += s.length;
  const out: Finding[] = new Array(n);
  let k = 0;
  for (const s of segments) for (let i = 0; i < s.length; i++) out[k++] = s[i];
  return out.sort(compareFindings);
}

/**
 * The previous list with the findings of the segments that are gone taken out and those of the new segments merged
 * in; undefined when most of the file changed (sorting everything is then as cheap).
 */
function patched(
  prev: { segments: readonly Segment[]; list: Finding[] },
  segments: readonly Segment[],
): Finding[] | undefined {
  // Segments come in a stable order (documents in file order, then rule lists in rule order): the ones kept at both
  // ends are skipped by identity, and only the middle is compared as multisets (a segment may also have moved).
  const a = prev.segments;
  let lo = 0;
  while (lo < a.length && lo < segments.length && a[lo] === segments[lo]) lo++;
  let hi = 0;
  while (hi < a.length - lo && hi < segments.length - lo && a[a.length - 1 - hi] === segments[segments.length - 1 - hi])
    hi++;
  const count = new Map<Segment, number>();
  for (let i = lo; i < a.length - hi; i++) count.set(a[i], (count.get(a[i]) ?? 0) + 1);
  const added: Finding[] = [];
  for (let i = lo; i < segments.length - hi; i++) {
    const s = segments[i];
    const c = count.get(s);
    if (c) count.set(s, c - 1);
    else for (let k = 0; k < s.length; k++) added.push(s[k]);
  }
  const removed = new Map<Finding, number>();
  let gone = 0;
  // The lines the removed findings are on: findings elsewhere need no lookup.
  let first = Infinity,
    last = -Infinity;
  for (const [s, c] of count)
    for (let k = 0; k < c; k++)
      for (const f of s) {
        removed.set(f, (removed.get(f) ?? 0) + 1);
        gone++;
        const line = f.range.start.line;
        if (line < first) first = line;
        if (line > last) last = line;
      }
  if (2 * (added.length + gone) > prev.list.length) return undefined;
  added.sort(compareFindings);
  if (added.length + gone <= FEW) return spliced(prev.list, removed, added);
  const out: Finding[] = new Array(prev.list.length - gone + added.length);
  let n = 0;
  let j = 0;
  for (const f of prev.list) {
    if (gone > 0) {
      const line = f.range.start.line;
      const r = line >= first && line <= last ? removed.get(f) : undefined;
      if (r) {
        if (r === 1) removed.delete(f);
        else removed.set(f, r - 1);
        gone--;
        continue;
      }
    }
    while (j < added.length && compareFindings(added[j], f) < 0) out[n++] = added[j++];
    out[n++] = f;
  }
  while (j < added.length) out[n++] = added[j++];
  // (Fewer when a removed finding was not in the list: never, as every list is made of its segments.)
  out.length = n;
  return out;
}

/** Up to this many findings in and out, the list is copied whole and patched where they go (found by binary search). */
const FEW = 32;

/**
 * `list` without the findings counted in `removed` and with `added` (sorted) merged in: a copy of the list (one block
 * copy, not a pass that visits every finding) changed at the places a binary search finds. compareFindings may call
 * two findings equal; the one to remove is then found by identity among its equals.
 */
function spliced(list: readonly Finding[], removed: Map<Finding, number>, added: readonly Finding[]): Finding[] {
  const out = list.slice();
  for (const [f, c] of removed)
    for (let k = 0; k < c; k++) {
      let i = bound(out, f, false);
      while (i < out.length && out[i] !== f && compareFindings(out[i], f) === 0) i++;
      if (out[i] === f) out.splice(i, 1);
    }
  // Each after the findings it equals, as the merge in patched() places them.
  for (const f of added) out.splice(bound(out, f, true), 0, f);
  return out;
}

/** Where `f` goes in sorted `list`: before the findings equal to it, or with `after`, after them. */
function bound(list: readonly Finding[], f: Finding, after: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareFindings(list[mid], f);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

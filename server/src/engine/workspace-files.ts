// Step 1 of the workspace: texts into documents. The file store holds every file's text and splits it into
// documents (chunks), each parsed once and kept for as long as its text is unchanged: an edit re-parses the edited
// document only, and the documents around it keep their chunk objects (moved to their new line when text above them
// changed), so everything cached against a chunk or its parse stays valid.
//
// Owns: the files, their chunks and each chunk's resource; the counters that say when the set of files or a
// kustomization changed. It is the only code that creates or moves a chunk.
// May not: run rules, know about deployments or findings (later steps read the files; they never change them).
import { ChunkRef, Resplit, Split, newlines, parseChunk, resplit, splitDocuments } from './parse';
import { Resource, toResource } from './resources';
import { isKustomizationUri } from './deployments';
import { BINARY_HEAD, SkipOptions, SkipReason, looksBinary, skipReason, unprintable, utf8Length } from './not-checked';
import { ItemChunk, isItemChunk, itemChunks } from './list-items';

export type { SkipReason };

export interface FileState {
  readonly uri: string;
  readonly text: string;
  readonly chunks: readonly ChunkRef[];
  /** Why the file is not parsed, if it is not (not-checked.ts). */
  readonly skipped?: SkipReason;
  /** Its size in bytes, for a file over the size limit that was never read (`text` is then empty). */
  readonly bytes?: number;
  /** The Kubernetes objects of the file's documents, in order. */
  readonly resources: readonly Resource[];
  /**
   * The lines (0-based, inclusive) of the documents this version parsed anew where an earlier version was replaced:
   * the documents just edited. Absent for a file's first version, or when no document was parsed again.
   */
  readonly edited?: { readonly startLine: number; readonly endLine: number };
  /** Which version of the file this is (unique in the process): what a step's per-file cache is checked against. */
  readonly serial?: number;
  /**
   * What this version kept of the version `serial` `from`: its first `before` and last `after` chunks are the very
   * chunk objects at the very same lines (an edit inside one document, no line added or removed).
   */
  readonly kept?: { readonly from: number; readonly before: number; readonly after: number };
}

/** A chunk as the store holds it: moved (index and start) when text above it changes; readonly to everyone else. */
interface Chunk {
  readonly uri: string;
  index: number;
  startLine: number;
  startOffset: number;
  readonly parse: ChunkRef['parse'];
  /** The object the document describes (undefined: not a Kubernetes object); set once, right after the chunk is made. */
  resource: Resource | undefined;
  /** A list document's items, each the object it is (list-items.ts); set with `resource`. */
  items?: { chunk: ItemChunk; resource: Resource | undefined }[];
}

interface StoredFile extends FileState {
  readonly chunks: Chunk[];
  readonly resources: Resource[];
  /** The text has `{{` somewhere: whether it is a template depends on all of it (edit() then declines). */
  readonly braces?: boolean;
  /** Its size in UTF-8 bytes, once counted (an edit near the size limit counts it, later edits carry it on). */
  readonly utf8Bytes?: number;
}

/** Appends the objects a document describes (itself, or a list's items) to `out`. */
function objectsOf(c: Chunk, out: Resource[]): void {
  if (c.resource) out.push(c.resource);
  if (c.items) for (const it of c.items) if (it.resource) out.push(it.resource);
}

/**
 * A copy of `list` with [from, to) replaced by `mid`. Lists of tens of thousands of entries: one copy of the whole, then
 * one splice (each array of that size V8 allocates costs about as much as copying it; growing one entry by entry,
 * several times more).
 */
function replaced<T>(list: readonly T[], from: number, to: number, mid: readonly T[]): T[] {
  if (mid.length > SPREAD_MAX) return list.slice(0, from).concat(mid, list.slice(to));
  const out = list.slice();
  out.splice(from, to - from, ...mid);
  return out;
}

/** The most entries passed to splice as arguments (the engine's limit on arguments is far higher). */
const SPREAD_MAX = 10000;

/** The place of a document among a file's chunks (a list item's: its list's). Undefined for an object of no document. */
function documentOf(r: Resource): number | undefined {
  const c = r.chunk;
  if (!c) return undefined;
  return isItemChunk(c) ? c.list.index : c.index;
}

/**
 * Where in a file's objects (in document order) those of document `index` and after begin: a binary search. Undefined
 * when an object has no document (the caller then gathers them all).
 */
function firstObjectAt(objects: readonly Resource[], index: number): number | undefined {
  let lo = 0;
  let hi = objects.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = documentOf(objects[mid]);
    if (at === undefined) return undefined;
    if (at < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What the store needs from the engine's options. */
export interface FileOptions extends SkipOptions {
  readonly defaultNamespace: string;
}

/**
 * Bumped whenever a kept chunk changes its line (text typed above it): placed findings that were made before are
 * then checked against their chunks' lines; while it stays the same, every placed finding is still where it was.
 */
export const layout = { moves: 0 };

let serials = 0;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  /** Bumped when a file is added or removed (what the deployments' list of files depends on). */
  fileSetVersion = 0;
  /** Bumped when a kustomization is added, changed or removed (what deployment membership depends on). */
  kustomizationVersion = 0;
  /** Bumped whenever a file's objects may have changed (which files are alternatives depends on them). */
  objectsVersion = 0;

  /** The chunks the build under way made anew (in file order). */
  private made: Chunk[] = [];

  constructor(private readonly options: () => FileOptions) {}

  /** Adds or replaces a file. Documents whose text did not change keep their chunk (and parse). */
  set(uri: string, text: string): FileState {
    const old = this.files.get(uri);
    if (old && old.text === text) return old;
    return this.store(uri, this.build(uri, text, old, true), !old);
  }

  /** A file the host did not read because it is over the size limit: known, not checked, reported. */
  setTooLarge(uri: string, bytes: number): FileState {
    const old = this.files.get(uri);
    if (old?.skipped === 'too-large' && old.bytes === bytes) return old;
    const state = { uri, text: '', chunks: [], skipped: 'too-large' as const, bytes, resources: [], serial: ++serials };
    return this.store(uri, state, !old);
  }

  /**
   * Makes every file's chunks and resources again under new options (the namespace assumed, the size limit):
   * new chunk objects, so no result cached against the old ones is reused; parses of unchanged text are kept.
   */
  rebuildAll(): void {
    for (const f of [...this.files.values()])
      if (f.bytes === undefined) this.store(f.uri, this.build(f.uri, f.text, f, false), false);
  }

  delete(uri: string): boolean {
    if (!this.files.delete(uri)) return false;
    this.fileSetVersion++;
    if (isKustomizationUri(uri)) this.kustomizationVersion++;
    return true;
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }
  get(uri: string): FileState | undefined {
    return this.files.get(uri);
  }
  uris(): IterableIterator<string> {
    return this.files.keys();
  }
  all(): IterableIterator<FileState> {
    return this.files.values();
  }

  /** All workspace resources (every document of every file), in file order. */
  resources(): Resource[] {
    const out: Resource[] = [];
    for (const f of this.files.values()) for (const r of f.resources) out.push(r);
    return out;
  }

  private store(uri: string, state: StoredFile, added: boolean): StoredFile {
    if (added) this.fileSetVersion++;
    if (!sameObjects(this.files.get(uri)?.resources, state.resources)) this.objectsVersion++;
    if (isKustomizationUri(uri)) this.kustomizationVersion++;
    this.files.set(uri, state);
    return state;
  }

  /**
   * An edit of a file the store holds (offsets in its current text), applied to the documents it touches: the whole
   * new text is never built (that is left to whoever reads `text`, once). Undefined, and nothing changed, when the edit
   * could change more than those documents: when it could make the file one that is not checked (too large, binary, a
   * template) or the file already has braces that could be template actions; the caller then sets the whole text.
   */
  edit(uri: string, start: number, end: number, insert: string): FileState | undefined {
    const old = this.files.get(uri);
    if (!old || old.skipped || old.bytes !== undefined || old.braces || old.chunks.length === 0) return undefined;
    const chunks = old.chunks;
    const last = chunks[chunks.length - 1];
    const oldLength = last.startOffset + last.parse.text.length;
    if (start < 0 || end < start || end > oldLength || !plainText(insert)) return undefined;
    const newLength = oldLength + insert.length - (end - start);
    const max = this.options().maxFileSize;
    // The documents holding the edit, and one more on each side: the edit may join them or split them, but the
    // boundaries around those are made by text it does not touch.
    const lo = Math.max(0, chunkAt(chunks, start) - 1);
    const hi = Math.min(chunks.length - 1, chunkAt(chunks, end) + 1);
    const from = chunks[lo].startOffset;
    let before = '';
    for (let k = lo; k <= hi; k++) before += chunks[k].parse.text;
    // Braces brought together could make a template action.
    if (before.charCodeAt(start - from - 1) === 123 || before.charCodeAt(end - from) === 123) return undefined;
    // The size limit: three UTF-8 bytes per character at most, so under a third of it the bytes need no counting;
    // nearer, the new size is the old one less the bytes removed plus those inserted (the old one counted once).
    let utf8Bytes = old.utf8Bytes;
    if (newLength * 3 > max || utf8Bytes !== undefined) {
      if (utf8Bytes === undefined) {
        utf8Bytes = 0;
        for (const c of chunks) utf8Bytes += utf8Length(c.parse.text); // (never joins the whole text)
      }
      utf8Bytes += utf8Length(insert) - utf8Length(before.slice(start - from, end - from));
      if (utf8Bytes > max) return undefined; // the whole text is set, and the file reported as too large
    }
    const region = before.slice(0, start - from) + insert + before.slice(end - from);
    // Whether a text looks binary is judged on its first 8 KB: judged again when the edit is inside them.
    if (start < BINARY_HEAD) {
      let head = '';
      for (let k = 0; k < lo && head.length < BINARY_HEAD; k++) head += chunks[k].parse.text;
      head += region;
      for (let k = hi + 1; k < chunks.length && head.length < BINARY_HEAD; k++) head += chunks[k].parse.text;
      if (looksBinary(head.slice(0, BINARY_HEAD))) return undefined;
    }
    const splits = splitDocuments(region).map((x) => ({
      text: x.text,
      startLine: x.startLine + chunks[lo].startLine,
      startOffset: x.startOffset + from,
    }));
    const inc: Resplit = {
      from: lo,
      to: hi + 1,
      splits,
      lineDelta: newlines(region, 0, region.length) - newlines(before, 0, before.length),
      offsetDelta: newLength - oldLength,
    };
    return this.store(uri, this.assemble(uri, old, inc, true, undefined, false, utf8Bytes), false);
  }

  /** `keepObjects`: unchanged documents keep their chunk objects (false after an options change). */
  private build(uri: string, text: string, old: StoredFile | undefined, keepObjects: boolean): StoredFile {
    const skipped = skipReason(uri, text, this.options());
    if (skipped) return { uri, text, chunks: [], skipped, resources: [], serial: ++serials };
    // Usually one document was edited: the documents before it stay as they are, the ones after it move, and only
    // the edited region is split and matched again.
    const inc = keepObjects && old && !old.skipped ? resplit(old.text, old.chunks, text) : undefined;
    return this.assemble(uri, old, inc, keepObjects, text, text.includes('{{'));
  }

  /**
   * A new version of a file from the documents of its old version and what changed (`inc`), or from `text` split
   * anew. `text`: the new text when the caller has it, else it is joined from the documents when first read.
   */
  private assemble(
    uri: string,
    old: StoredFile | undefined,
    inc: Resplit | undefined,
    keepObjects: boolean,
    text: string | undefined,
    braces: boolean,
    utf8Bytes?: number,
  ): StoredFile {
    const serial = ++serials;
    let chunks: Chunk[] = [];
    this.made = [];
    let kept: FileState['kept'];
    let resources: Resource[] | undefined;
    if (inc && old) {
      if (old.serial !== undefined)
        kept = { from: old.serial, before: inc.from, after: inc.lineDelta === 0 ? old.chunks.length - inc.to : 0 };
      // The objects of the documents before and after the re-split ones are the old ones: found by where their
      // documents were (before anything moves), copied, not gathered again from tens of thousands of documents.
      const a = firstObjectAt(old.resources, inc.from);
      const b = firstObjectAt(old.resources, inc.to);
      const mid: Chunk[] = [];
      this.place(uri, inc.splits, old.chunks.slice(inc.from, inc.to), mid, true, undefined, inc.from);
      chunks = replaced(old.chunks, inc.from, inc.to, mid);
      if (a !== undefined && b !== undefined) {
        const objects: Resource[] = [];
        for (const c of mid) objectsOf(c, objects);
        resources = replaced(old.resources, a, b, objects);
      }
      const moved = inc.from + mid.length !== inc.to || inc.lineDelta !== 0 || inc.offsetDelta !== 0;
      for (let k = inc.from + mid.length; moved && k < chunks.length; k++) {
        const m = chunks[k];
        m.index = k;
        if (inc.lineDelta !== 0) layout.moves++;
        m.startLine += inc.lineDelta;
        m.startOffset += inc.offsetDelta;
      }
    } else {
      this.place(uri, splitDocuments(text ?? ''), keepObjects ? (old?.chunks ?? []) : [], chunks, keepObjects, old);
    }
    let edited: { startLine: number; endLine: number } | undefined;
    if (old && keepObjects)
      for (const c of this.made) {
        const endLine = c.startLine + Math.max(0, c.parse.lines.lineStarts.length - 1);
        edited = edited ? { startLine: edited.startLine, endLine } : { startLine: c.startLine, endLine };
      }
    this.made = [];
    if (!resources) {
      resources = [];
      for (const c of chunks) objectsOf(c, resources);
    }
    // Joined from the documents when first asked: their chunks live on into later versions, but their texts never
    // change, and this version's list of chunks is never changed after this.
    let joined = text;
    const state = {
      uri,
      get text(): string {
        if (joined === undefined) joined = chunks.map((c) => c.parse.text).join('');
        return joined;
      },
      chunks,
      resources,
      serial,
      ...(braces ? { braces } : {}),
      ...(utf8Bytes !== undefined ? { utf8Bytes } : {}),
      ...(edited ? { edited } : {}),
      ...(kept ? { kept } : {}),
    };
    return state;
  }

  /**
   * Appends chunks for `splits` to `out`, taking over an old chunk (same text, at the same place or shifted by the
   * documents inserted or deleted) where there is one; other documents are parsed.
   */
  private place(
    uri: string,
    splits: Split[],
    oldChunks: readonly Chunk[],
    out: Chunk[],
    keepObjects: boolean,
    old?: StoredFile,
    /** The index of the first document placed (the documents before it are not in `out`). */
    first = 0,
  ): void {
    /** Old chunks already given to a new place (by their position in `oldChunks`). */
    const taken = new Uint8Array(oldChunks.length);
    // Documents after an inserted or deleted one are `delta` places further on.
    const delta = splits.length - oldChunks.length;
    for (let i = 0; i < splits.length; i++) {
      const s = splits[i];
      let chunk: Chunk | undefined;
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
        chunk.index = first + out.length;
        if (chunk.startLine !== s.startLine) layout.moves++;
        chunk.startLine = s.startLine;
        chunk.startOffset = s.startOffset;
      } else {
        // Options changed (keepObjects false): new objects, but the parse of the same text is kept.
        const again = !keepObjects && old?.chunks[i]?.parse.text === s.text ? old.chunks[i].parse : undefined;
        const parse = again ?? parseChunk(s.text);
        chunk = {
          uri,
          index: first + out.length,
          startLine: s.startLine,
          startOffset: s.startOffset,
          parse,
          resource: undefined,
        };
        // The resource points at its chunk (findings are placed through it): made once the chunk exists. A list
        // stands for its items, each a resource at its own item chunk.
        const ns = this.options().defaultNamespace;
        const items = itemChunks(chunk);
        if (items.length > 0) {
          chunk.items = items.map((it) => ({ chunk: it, resource: toResource(it.parse.value, 'workspace', ns, it) }));
        } else chunk.resource = toResource(parse.value, 'workspace', ns, chunk);
        this.made.push(chunk);
      }
      out.push(chunk);
    }
  }
}

/** True when two object lists are the very same objects (an edit that left every document's parse alone). */
function sameObjects(a: readonly Resource[] | undefined, b: readonly Resource[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The document (index) holding `offset`: the last one starting at or before it. */
function chunkAt(chunks: readonly Chunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].startOffset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Text an edit may insert without changing whether the file is checked: printable, no braces. */
function plainText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (unprintable(c) || c === 123 /* { */) return false;
  }
  return true;
}

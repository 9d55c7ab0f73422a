// The editor's documents, kept as pieces. A one-character edit of a large file would otherwise build the whole new text
// as one string: V8 copies it on first read, and a string over 128 KB lives in the large-object space, whose fresh
// pages made that copy cost about 1 ms per 300 KB here (45% of a keystroke in a 5,000-document file). Here an edit
// replaces only the piece it falls in; the whole text is joined when a feature asks for it, once per version. The
// edit is kept for the store (store.ts), which hands it to the engine instead of the text (workspace-files.ts).
//
// Same behaviour as vscode-languageserver-textdocument's TextDocument (test/unit/edit-document.test.ts compares them
// over random edits): lines end at \n, \r\n or \r; positions past a line's end, or inside its line break, stop at the
// end of its content; offsets past the text stop at its end.
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import type { Position, Range, TextDocument } from 'vscode-languageserver-textdocument';

/** Pieces are cut at this size when a document is opened, and a piece that outgrows twice that is cut again. */
const PIECE = 32 * 1024;

/** One edit, in offsets of the text before it. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export class EditDocument implements TextDocument {
  private pieces: string[];
  private joined: string | undefined;
  private length: number;
  /** Offset of each line's first character. */
  private lines: number[];
  /**
   * What changed since the store last asked: nothing, one edit (handed over alone), or more (several edits, or a
   * whole-text change: the store takes the whole text). Never a growing list: documents the server does not serve
   * are edited but never asked.
   */
  private since: TextEdit | 'none' | 'more' = 'none';

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private _version: number,
    text: string,
  ) {
    this.pieces = cut(text);
    this.joined = text;
    this.length = text.length;
    this.lines = lineStarts(text, 0, true);
  }

  get version(): number {
    return this._version;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  getText(range?: Range): string {
    if (range) return this.slice(this.offsetAt(range.start), this.offsetAt(range.end));
    if (this.joined === undefined) this.joined = this.pieces.join('');
    return this.joined;
  }

  /** The one edit made since the last call, or undefined when there was none, or more than one, or a whole text. */
  takeEdit(): TextEdit | undefined {
    const e = this.since;
    this.since = 'none';
    return typeof e === 'object' ? e : undefined;
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.length));
    // The last line starting at or before the offset.
    let lo = 0;
    let hi = this.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid] > offset) hi = mid;
      else lo = mid + 1;
    }
    const line = lo - 1;
    return { line, character: this.beforeBreak(offset, this.lines[line]) - this.lines[line] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lines.length) return this.length;
    if (position.line < 0) return 0;
    const start = this.lines[position.line];
    if (position.character <= 0) return start;
    const next = position.line + 1 < this.lines.length ? this.lines[position.line + 1] : this.length;
    return this.beforeBreak(Math.min(start + position.character, next), start);
  }

  /** The range of a line's content (past the last line: the last line; before the first: an empty range at 0). */
  getLineRange(line: number): Range {
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (line >= this.lines.length) {
      const last = this.lines.length - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.length - this.lines[last] } };
    }
    const start = this.lines[line];
    const end = this.beforeBreak(line + 1 < this.lines.length ? this.lines[line + 1] : this.length, start);
    return { start: { line, character: 0 }, end: { line, character: end - start } };
  }

  /** The line break that ends a line ('' for the last line or one out of range). */
  getEOLCharacters(line: number): string {
    if (line < 0 || line >= this.lines.length) return '';
    const next = line + 1 < this.lines.length ? this.lines[line + 1] : this.length;
    return this.slice(this.beforeBreak(next, this.lines[line]), next);
  }

  /** Applies the editor's changes (LSP: each in positions of the text left by the ones before it). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || change.range === undefined) {
        this.pieces = cut(change.text);
        this.joined = change.text;
        this.length = change.text.length;
        this.lines = lineStarts(change.text, 0, true);
        this.since = 'more';
        continue;
      }
      let { start: a, end: b } = change.range;
      if (a.line > b.line || (a.line === b.line && a.character > b.character)) [a, b] = [b, a];
      const start = this.offsetAt(a);
      const end = this.offsetAt(b);
      this.replace(start, end, change.text, a.line, b.line);
      this.since = this.since === 'none' ? { start, end, text: change.text } : 'more';
    }
    this._version = version;
  }

  /** The character code at `offset` (NaN outside the text), found without joining the pieces. */
  charCodeAt(offset: number): number {
    if (offset < 0 || offset >= this.length) return NaN;
    if (this.joined !== undefined) return this.joined.charCodeAt(offset);
    let at = 0;
    for (const p of this.pieces) {
      if (offset < at + p.length) return p.charCodeAt(offset - at);
      at += p.length;
    }
    return NaN;
  }

  /** The text between two offsets, in either order (as String.prototype.substring). */
  private slice(from: number, to: number): string {
    if (from > to) [from, to] = [to, from];
    if (this.joined !== undefined) return this.joined.slice(from, to);
    let out = '';
    let at = 0;
    for (const p of this.pieces) {
      const end = at + p.length;
      if (end > from && at < to) out += p.slice(Math.max(0, from - at), Math.min(p.length, to - at));
      at = end;
      if (at >= to) break;
    }
    return out;
  }

  /** An offset inside a line break moved back to the end of the line's content. */
  private beforeBreak(offset: number, lineStart: number): number {
    while (offset > lineStart) {
      const c = this.charCodeAt(offset - 1);
      if (c !== 10 && c !== 13) break;
      offset--;
    }
    return offset;
  }

  private replace(start: number, end: number, text: string, startLine: number, endLine: number): void {
    // The pieces holding `start` and `end` are replaced by one: their outer parts with the new text between.
    let i = 0;
    let at = 0;
    while (i < this.pieces.length - 1 && at + this.pieces[i].length <= start) at += this.pieces[i++].length;
    let j = i;
    let atJ = at;
    while (j < this.pieces.length - 1 && atJ + this.pieces[j].length < end) atJ += this.pieces[j++].length;
    const merged = this.pieces[i].slice(0, start - at) + text + this.pieces[j].slice(end - atJ);
    const parts =
      merged.length > 2 * PIECE ? cut(merged) : merged.length === 0 && this.pieces.length > 1 ? [] : [merged];
    this.pieces.splice(i, j - i + 1, ...parts);
    if (this.pieces.length === 0) this.pieces.push('');
    this.joined = undefined;
    this.length += text.length - (end - start);
    // Line starts: a \r\n split or joined at either end of the edit changes lines outside it; count again then.
    const newEnd = start + text.length;
    const crlfAt = (k: number) => this.charCodeAt(k - 1) === 13 && this.charCodeAt(k) === 10;
    if (crlfAt(start) || crlfAt(newEnd)) {
      this.lines = lineStarts(this.getText(), 0, true);
      return;
    }
    const added = lineStarts(text, start, false);
    const lines = this.lines;
    if (endLine - startLine === added.length) {
      for (let k = 0; k < added.length; k++) lines[startLine + 1 + k] = added[k];
    } else {
      lines.splice(startLine + 1, endLine - startLine, ...added);
    }
    const delta = text.length - (end - start);
    if (delta !== 0) for (let k = startLine + 1 + added.length; k < lines.length; k++) lines[k] += delta;
  }
}

/** A text in pieces of PIECE characters (slices share the text's characters: nothing is copied). */
function cut(text: string): string[] {
  if (text.length <= 2 * PIECE) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += PIECE) out.push(text.slice(i, i + PIECE));
  return out;
}

/** Where the lines of `text` start (each after \n, \r\n or \r), shifted by `offset`; with the first line's 0 if asked. */
function lineStarts(text: string, offset: number, withFirst: boolean): number[] {
  const out = withFirst ? [0] : [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 || c === 10) {
      if (c === 13 && i + 1 < text.length && text.charCodeAt(i + 1) === 10) i++;
      out.push(offset + i + 1);
    }
  }
  return out;
}

/** The documents TextDocuments keeps: EditDocument instead of the library's TextDocument. */
export const editDocuments: TextDocumentsConfiguration<EditDocument> = {
  create: (uri, languageId, version, content) => new EditDocument(uri, languageId, version, content),
  update: (doc, changes, version) => {
    doc.update(changes, version);
    return doc;
  },
};

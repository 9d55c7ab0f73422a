// What BrokerKit does not check, and why. A file that is not checked is never silently skipped: it gets one
// information finding that says why and what to do, the same in the editor and on the command line.
//   - over the size limit (brokerkit.maxFileSize / --max-file-size): not read at all;
//   - binary or not text (an executable, an image, UTF-16 without its byte order mark);
//   - a Helm or Go template: `{{ }}` actions where YAML has no scalar (a line that is all template, a value that
//     starts with `{{`), or any `{{` in a file under a chart's `templates/` folder. Braces inside a quoted or plain
//     string are data: `message: "{{.SiteName}} is online"` in a ConfigMap does not hide the rest of the file;
//   - a document nested too deep to check safely (checked per document: the other documents of the file are checked).
import { Lexer } from 'yaml';
import type { Finding } from './types';

export type SkipReason = 'too-large' | 'binary' | 'helm-template';

/** Deepest nesting of collections checked; deeper documents get `nesting-too-deep` (real manifests stay under 50). */
export const MAX_NESTING = 256;

/** The finding code of each reason a whole file is not checked, and the words the command-line summary uses. */
export const NOT_CHECKED: Record<SkipReason | 'too-deep', { code: string; label: string; labels?: string }> = {
  'too-large': { code: 'file-too-large', label: 'over the size limit' },
  binary: { code: 'binary-file', label: 'binary' },
  'helm-template': { code: 'helm-template', label: 'Helm template', labels: 'Helm templates' },
  'too-deep': { code: 'nesting-too-deep', label: 'too deeply nested' },
};

export interface SkipOptions {
  readonly maxFileSize: number;
  /** True for a file under a Helm chart's `templates/` folder (the host looks for the Chart.yaml). */
  readonly chartTemplate?: (uri: string) => boolean;
}

/** Why a file's text is not checked at all, or undefined when it is. */
export function skipReason(uri: string, text: string, o: SkipOptions): SkipReason | undefined {
  if (text.length > o.maxFileSize || (text.length * 3 > o.maxFileSize && utf8Length(text) > o.maxFileSize))
    return 'too-large';
  if (looksBinary(text)) return 'binary';
  if (text.includes('{{') && (o.chartTemplate?.(uri) || hasTemplateActions(text))) return 'helm-template';
  return undefined;
}

/**
 * True when a text may be one the engine reports as not checked (a skip reason, or a document nested too deep): the
 * language server hands such files to the engine even when nothing in them looks like ours. Errs on the side of yes.
 */
export function mayNotBeChecked(uri: string, text: string, o: SkipOptions): boolean {
  return skipReason(uri, text, o) !== undefined || (mayNestDeep(text) && nestingDepth(text) > MAX_NESTING);
}

/**
 * False when a text cannot nest past MAX_NESTING (so nestingDepth need not look): without flow brackets or compact
 * nested items (`- - `, `- ? `), that many levels need lines indented by hundreds of columns.
 */
export function mayNestDeep(text: string): boolean {
  return text.length > (MAX_NESTING * MAX_NESTING) / 2 || MAYBE_DEEP.test(text);
}
const MAYBE_DEEP = /[[{]|[-?][ \t]+[-?][ \t]/;

/** Text from a file's bytes as YAML allows them: UTF-8, or UTF-16 announced by its byte order mark. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  // A UTF-8 byte order mark is dropped, as editors drop it from the text they show (and send to the server): the
  // columns of the first line are the editor's.
  return new TextDecoder('utf-8').decode(bytes);
}

/** Bytes of a text in UTF-8 (what the size limit counts, as on disk). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair: 2 UTF-16 units, 4 bytes.
      i++;
      n += 2;
    } else n += 2;
  }
  return n;
}

/** How far into a text looksBinary() counts unprintable characters. */
export const BINARY_HEAD = 8192;

/**
 * Binary, or not text YAML can hold: a NUL character (executables, images, UTF-16 read as UTF-8), or in the first
 * 8 KB more than a few characters that are neither printable nor whitespace (control characters, and U+FFFD where the
 * bytes were not UTF-8).
 */
export function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const head = Math.min(text.length, BINARY_HEAD);
  let bad = 0;
  for (let i = 0; i < head; i++) if (unprintable(text.charCodeAt(i))) bad++;
  return bad > 8 && bad * 100 > head;
}

/** A character that is neither printable nor whitespace: a control character, DEL, or U+FFFD (bytes not UTF-8). */
export function unprintable(c: number): boolean {
  return (c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || c === 0x7f;
}

/**
 * True when `{{` appears where YAML has no scalar: as a flow mapping inside a flow mapping, which YAML cannot mean and
 * which is how a Go template action reads to a YAML lexer. Inside quoted, plain and block scalars and comments the
 * braces are the text's own.
 */
export function hasTemplateActions(text: string): boolean {
  let previous = '';
  for (const token of new Lexer().lex(text)) {
    if (token === '{' && previous === '{') return true;
    previous = token;
  }
  return false;
}

/**
 * An upper bound of how deeply a document nests collections, from its text (the parser is never asked to build what
 * would exhaust the stack): block levels by indentation and `- ` items, plus open flow brackets, outside quotes and
 * comments. Stops counting once past `limit`.
 */
export function nestingDepth(text: string, limit = MAX_NESTING): number {
  const indents: number[] = [];
  let flow = 0;
  let max = 0;
  let quote = '';
  let lineStart = 0;
  while (lineStart <= text.length) {
    let eol = text.indexOf('\n', lineStart);
    if (eol < 0) eol = text.length;
    let i = lineStart;
    if (!quote && flow === 0) {
      // Block structure: the line's indentation, then each `- ` (and `? `) opens one more level.
      while (i < eol && text.charCodeAt(i) === 32) i++;
      const c = text.charCodeAt(i);
      if (i < eol && c !== 35 /* # */ && c !== 13) {
        const indent = i - lineStart;
        while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        let dashes = 0;
        while ((text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || i + 1 === eol)) {
          dashes++;
          i += 2;
          while (i < eol && text.charCodeAt(i) === 32) i++;
        }
        max = Math.max(max, indents.length + dashes);
      }
    }
    for (; i < eol; i++) {
      const ch = text[i];
      if (quote) {
        if (quote === '"' && ch === '\\') i++;
        else if (ch === quote) {
          if (quote === "'" && text[i + 1] === "'") i++;
          else quote = '';
        }
        continue;
      }
      if (ch === '#' && (i === lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      if ((ch === '"' || ch === "'") && (i === lineStart || /[\s,[{:-]/.test(text[i - 1]))) quote = ch;
      else if (ch === '[' || ch === '{') {
        flow++;
        max = Math.max(max, indents.length + flow);
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
    }
    if (max > limit) return max;
    lineStart = eol + 1;
  }
  return max;
}

/** The one finding of a file that is not checked (`bytes`: its size on disk, when it was not read). */
export function notCheckedFinding(uri: string, reason: SkipReason, o: SkipOptions, bytes: number): Finding {
  const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const base = { uri, range: at, severity: 'info' as const, related: [] };
  switch (reason) {
    case 'too-large':
      return {
        ...base,
        code: NOT_CHECKED[reason].code,
        message: `Not checked: this file is ${size(bytes)}, over the limit of ${size(o.maxFileSize)} (the setting brokerkit.maxFileSize, or --max-file-size for brokerkit check). Raise the limit to check it.`,
      };
    case 'binary':
      return {
        ...base,
        code: NOT_CHECKED[reason].code,
        message:
          'Not checked: this file is binary, not YAML text (or text in an encoding other than UTF-8; save it as UTF-8).',
      };
    case 'helm-template':
      return {
        ...base,
        code: NOT_CHECKED[reason].code,
        message:
          'Not checked: this file is a template (Helm, or another `{{ }}` template language), not YAML until it is rendered. Check what it renders; for a Helm chart: `helm template <release> <chart> | brokerkit check -`.',
      };
  }
}

function size(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  return `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * Why a file was not checked at all: its skip reason, or 'too-deep' when every one of its documents was too deeply
 * nested to check (a file with some such documents is checked, with a note at each).
 */
export function notCheckedReason(file: {
  readonly skipped?: SkipReason;
  readonly chunks: readonly { readonly parse: { readonly problems: readonly { code?: string }[] } }[];
}): SkipReason | 'too-deep' | undefined {
  if (file.skipped) return file.skipped;
  const deep = (c: (typeof file.chunks)[number]) =>
    c.parse.problems.some((p) => p.code === NOT_CHECKED['too-deep'].code);
  return file.chunks.length > 0 && file.chunks.every(deep) ? 'too-deep' : undefined;
}

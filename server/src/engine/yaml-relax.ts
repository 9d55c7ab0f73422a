// Where the `yaml` library is stricter than the Go YAML parser Kubernetes reads manifests with, the text is read as
// Kubernetes reads it. Known case: a single- or double-quoted scalar continued on a line indented no deeper than its
// key (`key: 'some long\nkey-level text'`, as dumps and hand-folded annotations have it). YAML 1.2 wants the
// continuation indented deeper; go-yaml (libyaml's scanner) and PyYAML read a quoted scalar up to its closing quote
// whatever the indentation, and so does `kubectl apply`. The `yaml` library reports "Missing closing quote".
//
// The text handed to the library is the same length as the original (offsets, and so every range, stay exact): the
// line breaks inside such a scalar become spaces, and the scalar's value is then set to what the original folds to.
// Pure; only called for a document the library reported errors in.
import { CST, Document, Parser, isScalar, parseDocument, visit } from 'yaml';

/** A quoted scalar whose line breaks were turned into spaces: its range in the text. */
interface Joined {
  start: number;
  end: number;
}

const MAX_ROUNDS = 20;

/**
 * The text with every quoted scalar that runs over under-indented lines put on one line (same length), and where;
 * undefined when there is none (or a closing quote is missing for good: that is an error for Kubernetes too).
 */
export function relaxQuoted(text: string): { text: string; joined: Joined[] } | undefined {
  if (!text.includes("'") && !text.includes('"')) return undefined;
  let src = text;
  const joined: Joined[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const open = unterminated(src);
    if (open.length === 0) break;
    let changed = false;
    let after = -1;
    for (const start of open) {
      if (start < after) continue; // inside a scalar joined in this round
      const end = closingQuote(src, start);
      if (end === undefined) continue;
      src = src.slice(0, start) + src.slice(start, end).replace(/[\r\n]/g, ' ') + src.slice(end);
      joined.push({ start, end: end + 1 });
      after = end + 1;
      changed = true;
    }
    if (!changed) break;
  }
  return joined.length ? { text: src, joined } : undefined;
}

/** Offsets of quoted scalars the library's lexer ended at a line break before their closing quote. */
function unterminated(text: string): number[] {
  const out: number[] = [];
  for (const tok of new Parser().parse(text)) {
    if (tok.type !== 'document') continue;
    CST.visit(tok, (item) => {
      for (const t of [item.key, item.value]) {
        if (!t || (t.type !== 'single-quoted-scalar' && t.type !== 'double-quoted-scalar')) continue;
        if (closingQuote(t.source, 0) === undefined) out.push(t.offset);
      }
    });
  }
  return out.sort((a, b) => a - b);
}

/**
 * The offset of the quote closing the quoted scalar that opens at `start`, read as go-yaml reads it: `''` is a quote
 * in single quotes, a backslash escapes in double quotes, and a document marker (`---` or `...` at a line start)
 * ends the document first.
 */
function closingQuote(text: string, start: number): number | undefined {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' && /^(---|\.\.\.)(\s|$)/.test(text.slice(i + 1, i + 5))) return undefined;
    if (q === '"' && c === '\\') i++;
    else if (c === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return undefined;
}

/** What a quoted scalar's source folds to (its continuation lines indented, as YAML 1.2 wants them). */
function foldedValue(source: string): unknown {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const indented = lines.map((l, i) => (i === 0 ? l : `  ${l.replace(/^[ \t]+/, '')}`)).join('\n');
  const doc = parseDocument(`v: ${indented}\n`);
  return doc.errors.length ? undefined : (doc.toJS() as { v: unknown }).v;
}

/**
 * Parses `text` as the library would, unless the library reports errors that reading quoted scalars as Kubernetes
 * does removes: then the relaxed parse, with the joined scalars' true values. Its ranges are offsets into the original
 * text (the relaxation keeps every character in place). The relaxed parse is taken only when it has fewer errors.
 */
export function parseRelaxed(
  text: string,
  first: Document.Parsed,
  options: Parameters<typeof parseDocument>[1],
): Document.Parsed | undefined {
  if (first.errors.length === 0 || !first.errors.some((e) => e.code === 'MISSING_CHAR')) return undefined;
  const relaxed = relaxQuoted(text);
  if (!relaxed) return undefined;
  const doc = parseDocument(relaxed.text, options) as Document.Parsed;
  if (doc.errors.length >= first.errors.length) return undefined;
  const starts = new Map(relaxed.joined.map((j) => [j.start, j]));
  visit(doc, {
    Scalar(_key, node) {
      const j = node.range ? starts.get(node.range[0]) : undefined;
      if (!j || !isScalar(node)) return;
      const v = foldedValue(text.slice(j.start, j.end));
      if (typeof v === 'string') node.value = v;
    },
  });
  return doc;
}

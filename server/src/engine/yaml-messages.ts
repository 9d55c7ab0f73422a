// The `yaml-syntax` messages, in BrokerKit's words. The YAML library reports an error code, a position and a sentence
// of its own; the sentence never reaches the user. Each code (and, where one code covers several mistakes, the text
// at the position) gets a message that names what is wrong at the offending token and how to fix it.
import type { ErrorCode } from 'yaml';

/** The offending token as the message quotes it: the text at the error, one line, at most 40 characters. */
function tokenAt(text: string, start: number, end: number): string {
  let t = text.slice(start, Math.max(end, start + 1));
  const nl = t.search(/\r?\n/);
  if (nl >= 0) t = t.slice(0, nl);
  t = t.trim();
  if (t === '') return '';
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

function quoted(token: string): string {
  return token ? `'${token}'` : 'this';
}

export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
}

/**
 * A syntax error with the library's `code` at [start, end) of `text` (`library`: its own words, used only to tell
 * apart the mistakes one code covers): our message, at the offending token (an unclosed quote is reported at its
 * opening quote, not at the end of the document where the library notices it).
 */
export function syntaxProblem(
  code: ErrorCode,
  library: string,
  text: string,
  start: number,
  end: number,
): SyntaxProblem {
  if (code === 'MISSING_CHAR' && /closing ["']quote/i.test(library)) {
    const open = text.lastIndexOf(/closing "/.test(library) ? '"' : "'", Math.min(start, text.length - 1));
    if (open >= 0) return { start: open, end: open + 1, message: syntaxMessage(code, library, text, open, open + 1) };
  }
  // Blank space before the token is not the token.
  if (text.charCodeAt(start) === 32) {
    let i = start;
    while (text.charCodeAt(i) === 32) i++;
    if (i < text.length && text[i] !== '\n' && text[i] !== '\r') {
      end = Math.max(end, i + 1);
      start = i;
    }
  }
  if (code === 'BAD_DQ_ESCAPE') end = Math.max(end, Math.min(text.length, start + 2));
  return { start, end, message: syntaxMessage(code, library, text, start, end) };
}

function syntaxMessage(code: ErrorCode, library: string, text: string, start: number, end: number): string {
  const token = tokenAt(text, start, end);
  const at = quoted(token);
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'A tab indents this line; YAML indents with spaces only.';
    case 'BAD_INDENT':
      if (/sequence items/i.test(library))
        return 'This list item is not at the column of the items above it; the items of one list start at one column.';
      if (/block scalar/i.test(library) || /indentation indicator/i.test(library))
        return 'This line of the block text (| or >) is indented less than its first line.';
      if (/flow/i.test(library))
        return `The brackets ([ or {) opened above are still open at ${at}: close them (] or }) on their line, or indent this line deeper than the key that holds them.`;
      return `${at} is not indented like the lines around it: keys of one mapping start at one column, and a nested value is indented deeper than its key.`;
    case 'MISSING_CHAR':
      if (/quote/i.test(library)) return 'This quoted string is never closed: add the closing quote.';
      if (/between .* items|Missing ,/i.test(library))
        return `A comma is missing before ${at} between the items inside brackets.`;
      if (/space after :/i.test(library)) return `A space is missing after the colon in ${at} (write 'key: value').`;
      if (/followed by map values|Implicit map keys/i.test(library))
        return `${at} looks like a key but has no ':' after it, or is a value on a line of its own.`;
      if (/without - indicator/i.test(library)) return `${at} is a list item without its '- '.`;
      if (/white space/i.test(library))
        return `${at} needs a space before it ('#' starts a comment only after a space).`;
      if (/directives-end|doc-start/i.test(library))
        return `${at} needs a line of its own after '---' (a document marker stands alone on its line).`;
      return `Something is missing before ${at}: check the quotes, commas and colons around it.`;
    case 'MULTILINE_IMPLICIT_KEY':
      return `${at} is a key that runs over more than one line: a ':' or a closing quote is probably missing above it.`;
    case 'UNEXPECTED_TOKEN':
      if (/Block scalar header/i.test(library))
        return `Only a comment may follow the block text indicator (| or >) on its line, not ${at}.`;
      if (/empty item/i.test(library)) return 'An empty entry between two commas inside brackets.';
      if (/Unexpected , /i.test(library)) return "A ',' here ends nothing: remove it.";
      return `${at} is not expected here: check the indentation and the ':' or '- ' before it.`;
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `${at} starts a list or mapping where a key is expected: check the indentation of this line and the line above.`;
    case 'BLOCK_IN_FLOW':
      return `${at} is written in block style inside brackets ([ ] or { }): close the brackets first, or write the value in one style.`;
    case 'BAD_SCALAR_START':
      return `A value cannot start with ${at}: put it in quotes.`;
    case 'BAD_DQ_ESCAPE':
      return `${at} holds a backslash escape that YAML does not know: write '\\\\' for a backslash, or use single quotes.`;
    case 'DUPLICATE_KEY':
      return `The key ${at} appears twice in this mapping; the API server rejects duplicate fields. Keep one.`;
    case 'KEY_OVER_1024_CHARS':
      return 'This key is longer than 1024 characters, the most a key may have on one line.';
    case 'NON_STRING_KEY':
      return `${at} is a key made of a list or mapping; Kubernetes keys are strings.`;
    case 'BAD_ALIAS':
      return `${at} is an anchor or alias with an empty name, or a name ending in ':'.`;
    case 'ALIAS_PROPS':
      return `The alias ${at} cannot carry a tag or an anchor.`;
    case 'BAD_PROP_ORDER':
      return `${at} must come after the '-' or '?' of its entry, not before it.`;
    case 'MULTIPLE_ANCHORS':
      return 'This value has two anchors (&name); one is allowed.';
    case 'MULTIPLE_TAGS':
      return 'This value has two tags (!tag); one is allowed.';
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_COLLECTION_TYPE':
      return `The tag ${at} does not fit this value (Kubernetes manifests need no tags: remove it).`;
    case 'BAD_DIRECTIVE':
      return `${at} is not a directive YAML knows (%YAML 1.2 or %TAG).`;
    case 'MULTIPLE_DOCS':
      return `A second document starts at ${at}: separate documents with a '---' line.`;
    case 'RESOURCE_EXHAUSTION':
      return 'This document expands its aliases into too much data to check.';
    default:
      return `The YAML cannot be read from ${at} on.`;
  }
}

/** The message for a document that parsed but could not be turned into data (aliases that expand too far). */
export function unreadableMessage(err: unknown, maxAliasCount: number): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/alias/i.test(msg))
    return `Not checked: this document's aliases (*name) expand more than ${maxAliasCount} times, which a real manifest never needs.`;
  return 'This document cannot be turned into data (its anchors and aliases do not resolve).';
}

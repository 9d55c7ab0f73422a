// Reading the structure of YAML from its lines, for text that is being typed and often does not parse: which key path
// a line belongs to, which keys a block mapping already has. Block style only (what Kubernetes manifests use);
// flow collections are treated as values.

export interface LineInfo {
  indent: number;
  /** The line starts a sequence item (`- `). */
  dash: boolean;
  dashCol: number;
  /** Column where the content (after any dash) starts. */
  contentCol: number;
  key?: string;
  /** Text after `key:` (trimmed, comment removed). */
  value?: string;
  /** The key has no value on this line (so its value is a nested block). */
  opens: boolean;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s+|$)(.*)$/;

export function lineInfo(text: string): LineInfo | undefined {
  const m = /^( *)(-(?: +|$))?(.*)$/.exec(text.replace(/\r$/, ''));
  if (!m) return undefined;
  const indent = m[1].length;
  const dash = m[2] !== undefined;
  const content = m[3];
  if (!dash && (content.trim() === '' || content.trimStart().startsWith('#'))) return undefined;
  if (!dash && /^(---|\.\.\.)(\s|$)/.test(content) && indent === 0) return undefined;
  const contentCol = indent + (m[2]?.length ?? 0);
  const info: LineInfo = { indent, dash, dashCol: indent, contentCol, opens: false };
  const k = KEY.exec(content);
  if (k) {
    info.key = unquote(k[1].trim());
    const value = k[2].replace(/(^|\s)#.*$/, '').trim();
    info.value = value;
    info.opens = value === '';
  }
  return info;
}

function unquote(s: string): string {
  if (s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s);
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  return s;
}

/** First and last line (inclusive) of the YAML document that holds `line`. */
export function documentBounds(lines: string[], line: number): { start: number; end: number } {
  let start = line;
  while (start > 0 && !/^---(\s|$)/.test(lines[start]) && !/^\.\.\.(\s|$)/.test(lines[start - 1])) start--;
  if (/^---(\s|$)/.test(lines[start]) && start < line) start++;
  let end = line;
  while (end + 1 < lines.length && !/^---(\s|$)/.test(lines[end + 1])) end++;
  return { start, end };
}

/**
 * The key path of the block mapping whose keys start at `col`, for a mapping that contains line `line`
 * (numbers for sequence items). `line` itself may be the first line of a sequence item.
 */
export function pathOfMap(lines: string[], line: number, col: number, top = 0): (string | number)[] {
  for (let l = line; l >= top; l--) {
    const info = lineInfo(lines[l] ?? '');
    if (!info) continue;
    if (info.dash && info.contentCol === col) {
      // Our mapping is the sequence item that starts here: find its index and the key that owns the sequence.
      let index = 0;
      let owner = -1;
      for (let u = l - 1; u >= top; u--) {
        const o = lineInfo(lines[u] ?? '');
        if (!o) continue;
        if (o.dash && o.dashCol === info.dashCol) {
          index++;
          continue;
        }
        if (o.indent > info.dashCol || (o.dash && o.contentCol > info.dashCol)) continue;
        owner = u;
        break;
      }
      if (owner < 0) return [index];
      const o = lineInfo(lines[owner])!;
      if (o.key === undefined) return [index];
      return [...pathOfMap(lines, owner, o.contentCol, top), o.key, index];
    }
    if (info.key !== undefined && info.contentCol < col && info.opens) {
      return [...pathOfMap(lines, l, info.contentCol, top), info.key];
    }
    if (info.contentCol < col || (info.dash && info.dashCol < col && info.contentCol > col)) {
      // A line less indented than our mapping that does not open it: malformed; stop here.
      if (l !== line) return [];
    }
  }
  return [];
}

/** Keys already present in the block mapping at column `col` around `line` (the line itself excluded). */
export function siblingKeys(
  lines: string[],
  line: number,
  col: number,
  bounds: { start: number; end: number },
): Set<string> {
  const keys = new Set<string>();
  const here = lineInfo(lines[line] ?? '');
  const startsItem = !!here?.dash && here.contentCol === col;
  if (!startsItem) {
    for (let l = line - 1; l >= bounds.start; l--) {
      const info = lineInfo(lines[l] ?? '');
      if (!info) continue;
      if (info.contentCol < col) break;
      if (info.contentCol === col && info.key !== undefined) keys.add(info.key);
      if (info.dash && info.contentCol === col) break; // the first line of our sequence item
    }
  }
  for (let l = line + 1; l <= bounds.end; l++) {
    const info = lineInfo(lines[l] ?? '');
    if (!info) continue;
    if (info.contentCol < col || (info.dash && info.dashCol < col)) break;
    if (info.contentCol === col && info.key !== undefined && !info.dash) keys.add(info.key);
  }
  return keys;
}

/**
 * Column where a comment starts on a line (-1 when none): a `#` at the start of the line or after a space or tab,
 * outside quotes. (Inside a block scalar a `#` is text; callers that know they are in one do not ask.)
 */
export function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) {
        if (quote === "'" && line[i + 1] === "'") i++;
        else quote = '';
      }
      continue;
    }
    if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return i;
    // A quote opens a quoted scalar only where a scalar can start (not inside a word: `it's` is plain text).
    if ((ch === '"' || ch === "'") && (i === 0 || /[\s,[{:-]/.test(line[i - 1]))) quote = ch;
  }
  return -1;
}

/** Where the text before the cursor is inside a flow collection (`{port: 1883, protocol: ` or `[a, b`). */
export interface FlowAt {
  /** Column of the outermost `{` or `[` that is still open. */
  open: number;
  /** Path from the outermost open collection to the innermost one (keys of mappings, indexes of sequences). */
  path: (string | number)[];
  /** The innermost collection is a mapping and the cursor is after `key:` (a value), or at a key. */
  kind: 'value' | 'key' | 'item';
  /** The key whose value is typed (kind 'value'). */
  key?: string;
  /** Keys the innermost mapping already has before the cursor. */
  keys: Set<string>;
  /** Column where the word being typed starts. */
  partialStart: number;
}

/** The flow context at the end of `prefix` (the line up to the cursor), or undefined outside flow collections. */
export function flowAt(prefix: string): FlowAt | undefined {
  interface Frame {
    open: '{' | '[';
    col: number;
    index: number;
    segStart: number;
    key?: string;
    afterColon: boolean;
    keys: Set<string>;
  }
  const stack: Frame[] = [];
  let quote = '';
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i];
    if (quote) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) {
        if (quote === "'" && prefix[i + 1] === "'") i++;
        else quote = '';
      }
      continue;
    }
    const top = stack[stack.length - 1];
    if (ch === '"' || ch === "'") {
      if (i === 0 || /[\s,[{:]/.test(prefix[i - 1])) quote = ch;
    } else if (ch === '{' || ch === '[') {
      // Outside any flow collection, `{` only opens one where a value starts (after `key: `, `- ` or at the start).
      if (!top && !/^\s*(?:-\s+)*(?:(?:"[^"]*"|'[^']*'|[^\s#'"{[][^#]*?)\s*:\s+)?$/.test(prefix.slice(0, i))) return;
      stack.push({ open: ch, col: i, index: 0, segStart: i + 1, afterColon: false, keys: new Set() });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (!top) {
      continue;
    } else if (ch === ',') {
      top.index++;
      top.key = undefined;
      top.afterColon = false;
      top.segStart = i + 1;
    } else if (ch === ':' && top.open === '{' && !top.afterColon && /[\s,{}[\]]/.test(prefix[i + 1] ?? ' ')) {
      top.key = prefix
        .slice(top.segStart, i)
        .trim()
        .replace(/^(["'])(.*)\1$/, '$2');
      top.afterColon = true;
      top.keys.add(top.key);
      top.segStart = i + 1;
    } else if (ch === '#' && /\s/.test(prefix[i - 1] ?? '')) {
      return undefined; // a comment
    }
  }
  if (stack.length === 0 || quote) return undefined;
  const path: (string | number)[] = [];
  for (let k = 0; k < stack.length - 1; k++) {
    const f = stack[k];
    if (f.open === '[') path.push(f.index);
    else if (f.key !== undefined) path.push(f.key);
    else return undefined; // a collection as a key: nothing to offer
  }
  const top = stack[stack.length - 1];
  const partial = /[^\s,{[:]*$/.exec(prefix)![0];
  const partialStart = prefix.length - partial.length;
  if (top.open === '[')
    return { open: stack[0].col, path: [...path, top.index], kind: 'item', keys: top.keys, partialStart };
  if (top.afterColon) return { open: stack[0].col, path, kind: 'value', key: top.key, keys: top.keys, partialStart };
  return { open: stack[0].col, path, kind: 'key', keys: top.keys, partialStart };
}

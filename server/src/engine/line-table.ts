// Line starts of a text, kept compact: every document of a workspace has a table, and the fast YAML path maps CRLF
// offsets with one. Pure; imports nothing.

/** How many line feeds `text` has in [from, to). */
export function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where the lines of a text start (0, then after every newline), with the positions `yaml`'s LineCounter gives:
 * linePos() is 1-based in line and column. Kept in a typed array, because every document of a workspace has one.
 */
export class LineTable {
  readonly lineStarts: Uint16Array | Uint32Array;
  constructor(text: string) {
    const n = newlines(text, 0, text.length) + 1;
    const starts = text.length <= 0xffff ? new Uint16Array(n) : new Uint32Array(n);
    for (let i = text.indexOf('\n'), k = 1; i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
    this.lineStarts = starts;
  }

  /** The 1-based line and column of `offset` (as LineCounter.linePos). */
  linePos(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid] < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1] + 1 };
  }
}

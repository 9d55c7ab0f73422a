// The language server's documents (server/src/lsp/edit-document.ts) against the library's TextDocument, which every
// LSP server and client of the ecosystem uses: the same text, lines, positions and offsets after random edits, with
// \n, \r\n and lone \r line breaks, multi-byte characters, edits inside line breaks, and whole-text changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { EditDocument } from '../../server/src/lsp/edit-document';
import { rng } from '../helpers/rng';

const ALPHABET = ['a', 'b', ' ', '-', ':', '\n', '\n', '\r\n', '\r', 'é', '😀', '---\n', 'key: value\n'];

function randomText(r: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

function compare(ours: EditDocument, lib: TextDocument, r: () => number, what: string): void {
  // Positions first: the whole text is joined only when asked for, so these read the pieces.
  assert.equal(ours.lineCount, lib.lineCount, what);
  const len = lib.getText().length;
  for (let k = 0; k < 20; k++) {
    const offset = Math.floor(r() * (len + 3)) - 1;
    assert.deepEqual(ours.positionAt(offset), lib.positionAt(offset), `${what}: positionAt(${offset})`);
    const position = { line: Math.floor(r() * (lib.lineCount + 2)) - 1, character: Math.floor(r() * 12) - 1 };
    assert.equal(ours.offsetAt(position), lib.offsetAt(position), `${what}: offsetAt(${JSON.stringify(position)})`);
    const end = { line: position.line + Math.floor(r() * 3), character: Math.floor(r() * 12) };
    assert.equal(
      ours.getText({ start: position, end }),
      lib.getText({ start: position, end }),
      `${what}: getText of a range`,
    );
    const line = Math.floor(r() * (lib.lineCount + 2)) - 1;
    assert.deepEqual(ours.getLineRange(line), lib.getLineRange(line), `${what}: getLineRange(${line})`);
    assert.equal(ours.getEOLCharacters(line), lib.getEOLCharacters(line), `${what}: getEOLCharacters(${line})`);
  }
  // Most steps compare the whole text; the others leave it unjoined, so the next edit works on pieces only.
  if (r() < 0.7) assert.equal(ours.getText(), lib.getText(), what);
}

/** A random change in positions of `lib`'s current text (sometimes reversed, past the end, or the whole text). */
function randomChange(r: () => number, lib: TextDocument): TextDocumentContentChangeEvent {
  if (r() < 0.02) return { text: randomText(r, Math.floor(r() * 300)) };
  const len = lib.getText().length;
  const a = lib.positionAt(Math.floor(r() * (len + 1)));
  const b = r() < 0.5 ? a : lib.positionAt(Math.floor(r() * (len + 1)));
  // Positions not at a character (past a line's end, past the last line) are the client's to send too.
  const odd = r() < 0.1 ? { line: a.line, character: a.character + 40 } : a;
  const text = r() < 0.3 ? '' : randomText(r, Math.floor(r() * (r() < 0.1 ? 200 : 6)));
  return { range: r() < 0.5 ? { start: odd, end: b } : { start: b, end: odd }, text };
}

test('random edits: the same text, lines, positions and offsets as the library TextDocument', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    // Large enough for several pieces (32 K characters each) in some runs.
    const initial = randomText(r, seed % 4 === 0 ? 150_000 : Math.floor(r() * 400));
    const ours = new EditDocument('file:///a.yaml', 'yaml', 1, initial);
    const lib = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
    for (let step = 0; step < 60; step++) {
      const changes = Array.from({ length: r() < 0.2 ? 3 : 1 }, () => {
        const c = randomChange(r, lib);
        TextDocument.update(lib, [c], lib.version + 1);
        return c;
      });
      ours.update(changes, lib.version);
      assert.equal(ours.version, lib.version);
      compare(ours, lib, r, `seed ${seed}, step ${step}`);
    }
  }
});

test('one edit is handed over, in offsets of the text before it; several, or a whole-text change, hand over none', () => {
  const doc = new EditDocument('file:///a.yaml', 'yaml', 1, 'a: 1\nb: 2\n');
  doc.update([{ range: { start: { line: 1, character: 3 }, end: { line: 1, character: 4 } }, text: '22' }], 2);
  assert.deepEqual(doc.takeEdit(), { start: 8, end: 9, text: '22' });
  assert.equal(doc.takeEdit(), undefined);
  // Two changes in one event (or in two events before the store asks): none handed over, and nothing kept for them.
  doc.update(
    [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# x\n' },
      { range: { start: { line: 2, character: 3 }, end: { line: 2, character: 5 } }, text: '3' },
    ],
    3,
  );
  assert.equal(doc.takeEdit(), undefined);
  assert.equal(doc.getText(), '# x\na: 1\nb: 3\n');
  // The next edit is again handed over alone, in offsets of the text the edits before it left.
  doc.update([{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, text: 'c' }], 4);
  assert.deepEqual(doc.takeEdit(), { start: 9, end: 10, text: 'c' });
  doc.update([{ text: 'c: 3\n' }], 5);
  assert.equal(doc.takeEdit(), undefined);
  doc.update([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: 'd' }], 6);
  doc.update([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: 'e' }], 7);
  assert.equal(doc.takeEdit(), undefined);
  assert.equal(doc.getText(), 'e: 3\n');
});

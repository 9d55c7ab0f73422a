// One parse per document version, shared by every feature: opening a file parses each of its documents once; a
// one-character edit parses the edited document once; validation, and then what hover, completion, navigation,
// symbols, the CodeLens and the quick fixes read (the Document, node lookups, edits), parse nothing more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../../server/src/engine/workspace';
import { locate, locateIn, parseCounts } from '../../server/src/engine/parse';
import { chunkAt, nodeAt, nodeAtPath, offsetIn } from '../../server/src/lsp/yaml-nav';
import { addKey, replaceValue } from '../../server/src/lsp/yaml-edit';
import { documents, file } from '../../bench/corpus';

// Every call of the library's parser, counted where the engine calls it (its exports are looked up at each call), so a
// parse that parseCounts does not see is caught too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlModule = require('yaml') as Record<string, unknown>;
let libraryCalls = 0;
for (const name of ['parseDocument', 'parseAllDocuments', 'parse']) {
  const real = yamlModule[name] as (...a: unknown[]) => unknown;
  yamlModule[name] = (...a: unknown[]) => {
    libraryCalls++;
    return real(...a);
  };
}

const parses = () => {
  assert.equal(libraryCalls, parseCounts.library, 'every library parse is counted');
  return parseCounts.fast + parseCounts.library;
};

/** What the editor features read from every document of a file. */
function readLikeTheFeatures(ws: Workspace, uri: string): void {
  const f = ws.getFile(uri)!;
  for (const c of f.chunks) {
    const doc = c.parse.doc;
    assert.ok(doc.contents, 'a Document to read');
    locate(doc, ['metadata', 'name']);
    locateIn(c.parse, ['spec', 'ports', 0, 'port']);
    nodeAt(c, Math.min(20, c.parse.text.length));
    nodeAtPath(c, ['metadata']);
    addKey(c, ['metadata'], 'labels', { a: 'b' });
    replaceValue(c, ['metadata', 'name'], 'x');
  }
  const c = chunkAt(f, 3)!;
  offsetIn(c, { line: 3, character: 2 });
}

for (const crlf of [false, true]) {
  test(`one parse per document version, read by every feature (${crlf ? 'CRLF' : 'LF'})`, () => {
    const n = 200;
    const eol = (t: string) => (crlf ? t.replace(/\n/g, '\r\n') : t);
    const text = eol(file(n));
    const uri = 'file:///ws/big.yaml';
    const ws = new Workspace();
    libraryCalls = parseCounts.library;
    const before = parses();
    ws.setFile(uri, text);
    ws.validate();
    assert.equal(parses() - before, n, 'opening parses every document once');
    const fastBefore = parseCounts.fast;
    readLikeTheFeatures(ws, uri);
    assert.equal(parses() - before, n, 'the features parse nothing');
    // A one-character edit in document 57.
    const docs = documents(n);
    const at = eol(docs.slice(0, 57).join('---\n') + '---\n').length + eol(docs[57]).indexOf('name: ') + 6;
    let edited = text.slice(0, at) + 'x' + text.slice(at);
    for (let k = 0; k < 5; k++) {
      const b = parses();
      ws.setFile(uri, edited);
      ws.validate();
      readLikeTheFeatures(ws, uri);
      assert.equal(parses() - b, 1, `edit ${k}: one parse`);
      edited = edited.slice(0, at) + 'y' + edited.slice(at);
    }
    assert.ok(parseCounts.fast > fastBefore, 'the edited document took the fast path');
  });
}

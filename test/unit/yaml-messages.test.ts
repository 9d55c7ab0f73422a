// `yaml-syntax` findings are in BrokerKit's words, at the offending token: the YAML library's own sentences never
// reach the user. Checked on hand-made mistakes (one per kind of error) and on thousands of broken variants of the
// repository's examples (characters deleted, tabs and quotes inserted), against what the library itself says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { validate } from '../../server/src/engine';
import { ROOT, yamlFiles } from '../helpers/corpus';

/** The library's messages for a text, without the position it appends. */
function libraryMessages(text: string): string[] {
  return parseDocument(text, { prettyErrors: false, uniqueKeys: true }).errors.map((e) =>
    e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim(),
  );
}

/**
 * A first line that makes the file BrokerKit's to judge (syntax errors are reported only where they can hide what
 * BrokerKit checks); findings are given back at the lines of `text`.
 */
const OURS = '# apiVersion: mqttbroker.iotoperations.azure.com/v1\n';

function syntaxFindings(text: string) {
  return validate({ 'file:///ws/x.yaml': OURS + text })
    .filter((f) => f.code === 'yaml-syntax')
    .map((f) => ({
      ...f,
      range: {
        start: { ...f.range.start, line: f.range.start.line - 1 },
        end: { ...f.range.end, line: f.range.end.line - 1 },
      },
    }));
}

function assertOurWords(text: string): number {
  const lib = libraryMessages(text);
  const ours = syntaxFindings(text);
  for (const f of ours) {
    for (const m of lib)
      assert.ok(
        !f.message.includes(m),
        `the library's "${m}" reached the user in "${f.message}" for ${JSON.stringify(text)}`,
      );
    assert.doesNotMatch(f.message, /YAML\.parseAllDocuments|at line \d+, column \d+/);
  }
  return ours.length;
}

const CASES: { text: string; at: string; says: RegExp }[] = [
  { text: 'a: [1, 2\nb: 1\n', at: 'b', says: /brackets .* still open/ },
  { text: 'a: "x\nb: 1\n', at: '"', says: /quoted string is never closed/ },
  { text: "a: 'x\n", at: "'", says: /quoted string is never closed/ },
  { text: 'a:\n\t- 1\n', at: '\t', says: /tab indents/ },
  { text: 'a: 1\na: 2\n', at: 'a: 2', says: /key 'a' appears twice/ },
  { text: 'a: @x\n', at: '@', says: /cannot start with '@'/ },
  { text: 'a: "\\q"\n', at: '\\q', says: /backslash escape/ },
  { text: 'a: |x\n  s\n', at: 'x', says: /block text indicator/ },
  { text: 'key\nb: 1\n', at: 'key', says: /key that runs over more than one line/ },
  { text: 'a: b: c\n', at: 'b: c', says: /list or mapping where a key is expected/ },
  { text: '- a\nb: 1\n', at: 'b: 1', says: /'b' is not expected here/ },
  { text: 'a:\n  - 1\n - 2\n', at: '- 2', says: /./ },
];

for (const c of CASES) {
  test(`yaml-syntax in our words: ${JSON.stringify(c.text)}`, () => {
    const f = syntaxFindings(c.text);
    assert.ok(f.length >= 1, 'reported');
    assert.match(f[0].message, c.says);
    const offset = c.text.indexOf(c.at);
    const before = c.text.slice(0, offset);
    const line = before.split('\n').length - 1;
    const character = offset - (before.lastIndexOf('\n') + 1);
    assert.deepEqual(f[0].range.start, { line, character }, 'at the offending token');
    assert.ok(assertOurWords(c.text) >= 1);
    // One finding per line: the tokens after a mistake are not reported again.
    const lines = f.map((x) => x.range.start.line);
    assert.equal(new Set(lines).size, lines.length);
  });
}

test('no library message reaches the user on thousands of broken examples', () => {
  const texts = yamlFiles(join(ROOT, 'examples')).map((p) => readFileSync(p, 'utf8'));
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let broken = 0;
  for (let i = 0; i < 3000; i++) {
    const t = texts[rand(texts.length)];
    const at = rand(t.length);
    const edits = [
      () => t.slice(0, at) + t.slice(at + 1),
      () => t.slice(0, at) + '\t' + t.slice(at),
      () => t.slice(0, at) + '"' + t.slice(at),
      () => t.slice(0, at) + '[' + t.slice(at),
      () => t.slice(0, at) + ': ' + t.slice(at),
      () => t.slice(0, at) + '\n  x' + t.slice(at),
    ];
    broken += assertOurWords(edits[rand(edits.length)]()) > 0 ? 1 : 0;
  }
  assert.ok(broken > 500, `${broken} broken variants checked`);
});

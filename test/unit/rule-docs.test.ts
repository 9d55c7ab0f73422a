// Every rule code has a page, docs/rules/<code>.md, with the same sections in the same order; its examples are real
// (the engine reports the code on the example marked `yaml fails`, and nothing worse than information on the one marked
// `yaml passes`); and every
// link leads to a public https page on an expected host, or to another rule page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules, engineCodes, SOURCE_HOSTS, SOURCE_LABELS } from '../../server/src/engine';
import { check } from '../helpers/engine';
import { ROOT } from '../helpers/corpus';

const DOCS = join(ROOT, 'docs', 'rules');
const metas = [...engineCodes, ...allRules];
const SECTIONS = ['What it checks', 'Why it matters', 'Example', 'Quick fixes', 'Silencing it', 'Sources'];

function page(code: string): string {
  return readFileSync(join(DOCS, `${code}.md`), 'utf8');
}

/** The sections of a page by `## ` heading, in order. */
function sections(text: string): { title: string; body: string }[] {
  const out: { title: string; body: string }[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    if (!inFence && line.startsWith('## ')) out.push({ title: line.slice(3).trim(), body: '' });
    else if (out.length) out[out.length - 1].body += line + '\n';
  }
  return out;
}

function fences(body: string): { info: string; text: string }[] {
  return [...body.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1].trim(), text: m[2] }));
}

test('every rule code has exactly one page, and every page is a rule code', () => {
  const pages = readdirSync(DOCS)
    .filter((n) => n.endsWith('.md'))
    .map((n) => n.slice(0, -3))
    .sort();
  const codes = metas.map((m) => m.code).sort();
  assert.deepEqual(
    codes.filter((c) => !pages.includes(c)),
    [],
    'rule codes without a page in docs/rules',
  );
  assert.deepEqual(
    pages.filter((p) => !codes.includes(p)),
    [],
    'pages in docs/rules that are no rule code',
  );
});

test('each page names its code and default severity and has the sections in order', () => {
  for (const m of metas) {
    const text = page(m.code);
    assert.ok(text.startsWith(`# ${m.code}\n`), `${m.code}: the page starts with '# ${m.code}'`);
    assert.ok(text.includes(`**Default severity:** ${m.severity}`), `${m.code}: default severity ${m.severity}`);
    const titles = sections(text).map((s) => s.title);
    assert.deepEqual(titles, SECTIONS, `${m.code}: sections`);
    for (const s of sections(text)) assert.ok(s.body.trim().length > 0, `${m.code}: '${s.title}' is empty`);
    const silencing = sections(text).find((s) => s.title === 'Silencing it')!.body;
    assert.ok(silencing.includes(`--ignore ${m.code}`), `${m.code}: silencing names --ignore ${m.code}`);
  }
});

test('each page has a failing example and its fix; the checkable ones are what the engine says', () => {
  let checked = 0;
  for (const m of metas) {
    const example = sections(page(m.code)).find((s) => s.title === 'Example')!.body;
    const blocks = fences(example);
    assert.ok(blocks.length >= 2, `${m.code}: a failing example and its fix`);
    for (const b of blocks) {
      if (b.info !== 'yaml fails' && b.info !== 'yaml passes') continue;
      const findings = check({ [`${m.code}.yaml`]: b.text });
      if (b.info === 'yaml fails')
        assert.ok(
          findings.some((f) => f.code === m.code),
          `${m.code}: the failing example reports it`,
        );
      else {
        const bad = findings.filter((f) => f.code === m.code || f.severity === 'error' || f.severity === 'warning');
        assert.deepEqual(
          bad.map((f) => `${f.code}: ${f.message}`),
          [],
          `${m.code}: the fixed example is clean`,
        );
      }
      checked++;
    }
  }
  // Most pages show complete objects; only certificates, cluster state and settings are shown another way.
  assert.ok(checked >= 60, `checked examples: ${checked}`);
});

test('each page lists the public sources of its rule, and the rule lists the same', () => {
  for (const m of metas) {
    const body = sections(page(m.code)).find((s) => s.title === 'Sources')!.body;
    const linked = [...body.matchAll(/\]\((https:[^)\s]+)\)/g)].map((x) => x[1]);
    assert.deepEqual([...linked].sort(), [...m.sources].sort(), `${m.code}: Sources section = rule metadata`);
    for (const u of m.sources) assert.ok(SOURCE_LABELS[u], `${m.code}: ${u} has a label in engine/sources.ts`);
  }
});

test('every link in the pages is a public https page on an expected host, or another rule page', () => {
  for (const m of metas) {
    const text = page(m.code);
    const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z0-9-]+\.md$/.test(target)) {
        assert.ok(existsSync(join(DOCS, target)), `${m.code}: link to ${target}`);
        continue;
      }
      const u = new URL(target);
      assert.equal(u.protocol, 'https:', `${m.code}: ${target}`);
      assert.ok(SOURCE_HOSTS.has(u.host), `${m.code}: ${target} is on an expected host`);
    }
    for (const [url] of text.matchAll(/\bhttps?:\/\/[^\s)>\]`'"]+/g)) {
      const u = new URL(url);
      assert.equal(u.protocol, 'https:', `${m.code}: ${url}`);
      assert.ok(SOURCE_HOSTS.has(u.host), `${m.code}: ${url} is on an expected host`);
    }
  }
});

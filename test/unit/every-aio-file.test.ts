// Nothing BrokerKit is given leaves it unchecked without a word: `brokerkit check` over the examples and the
// real-world manifests sees every AIO object a file holds (as a document of its own or as an item of a List), or the
// file gets a finding that says why it was not read (a not-checked note, a syntax error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { AIO_GROUP, LEGACY_AIO_GROUP, NOT_CHECKED, Workspace } from '../../server/src/engine';
import { distDir } from '../helpers/engine';

const ROOTS = ['examples', 'test/fixtures/real-world'];
const AIO_API = /^(?:mqttbroker|mq)\.iotoperations\.azure\.com\//;

/** AIO objects a file holds, read with the YAML library: documents, and the items of list documents. */
function aioObjects(text: string): number {
  let n = 0;
  const isAio = (v: unknown) =>
    typeof (v as { apiVersion?: unknown })?.apiVersion === 'string' &&
    AIO_API.test((v as { apiVersion: string }).apiVersion);
  for (const doc of parseAllDocuments(text, { logLevel: 'silent' })) {
    let v: unknown;
    try {
      v = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    const items = (v as { kind?: unknown; items?: unknown })?.items;
    if (
      typeof (v as { kind?: unknown })?.kind === 'string' &&
      /List$/.test((v as { kind: string }).kind) &&
      Array.isArray(items)
    )
      n += items.filter((it) => isAio(it) || (isAio(v) && !(it as { apiVersion?: unknown })?.apiVersion)).length;
    else if (isAio(v)) n++;
  }
  return n;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

test('every file of the examples and real-world fixtures that holds an AIO object is checked, or says why not', () => {
  const r = spawnSync(process.execPath, [join(distDir(), 'cli.js'), 'check', ...ROOTS, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  const said = new Map<string, string[]>();
  for (const f of JSON.parse(r.stdout) as { file: string; code: string }[])
    said.set(resolve(f.file), [...(said.get(resolve(f.file)) ?? []), f.code]);
  const why = new Set(['yaml-syntax', ...Object.values(NOT_CHECKED).map((n) => n.code)]);
  // The CLI's summary accounts for every file it was given.
  const text = spawnSync(process.execPath, [join(distDir(), 'cli.js'), 'check', ...ROOTS], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const m = /(\d+) files?: (\d+) checked, (\d+) not checked/.exec(text.stderr);
  assert.ok(m, text.stderr);
  assert.equal(Number(m[2]) + Number(m[3]), Number(m[1]));

  const ws = new Workspace();
  let aioFiles = 0;
  for (const file of ROOTS.flatMap((d) => yamlFiles(d))) {
    const text = readFileSync(file, 'utf8');
    const written = aioObjects(text);
    if (written === 0) continue;
    aioFiles++;
    const state = ws.setFile(pathToFileURL(resolve(file)).href, text);
    const seen = state.resources.filter((x) => x.group === AIO_GROUP || x.group === LEGACY_AIO_GROUP).length;
    const reasons = (said.get(resolve(file)) ?? []).filter((c) => why.has(c));
    assert.ok(
      seen === written || reasons.length > 0,
      `${file}: ${written} AIO objects written, ${seen} checked, and no finding says why (${said.get(resolve(file)) ?? 'no findings'})`,
    );
  }
  assert.ok(aioFiles >= 40, `only ${aioFiles} files with AIO objects`);
});

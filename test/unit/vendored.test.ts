// What the repository holds from other projects says where it comes from and under which licence: every vendored
// file is listed in its folder's SOURCES.md with repository, path and commit, only licences that allow
// redistribution occur, and each MIT repository's licence text (its copyright notice) is kept beside the files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CORPUS, CRDS, yamlFiles } from '../helpers/corpus';

interface Row {
  file: string;
  repo: string;
  commit: string;
  licence: string;
}

/** The table rows of the real-world SOURCES.md: | `file` | [owner/repo](url) | path | `commit` | licence |. */
function corpusRows(): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(join(CORPUS, 'SOURCES.md'), 'utf8').split('\n')) {
    const m =
      /^\| `([^`]+)` \| \[([^\]]+)\]\(https:\/\/github\.com\/([^)]+)\) \| .+ \| `([0-9a-f]{40})` \| ([^|]+) \|$/.exec(
        line,
      );
    if (!m) continue;
    assert.equal(m[2], m[3], `${m[1]}: link and name of the repository agree`);
    rows.push({ file: m[1], repo: m[2], commit: m[4], licence: m[5].trim() });
  }
  return rows;
}

test('every real-world fixture is listed in SOURCES.md with repository, commit and a licence that allows it', () => {
  const rows = corpusRows();
  const listed = new Set(rows.map((r) => r.file));
  const files = yamlFiles(CORPUS).map((p) => relative(CORPUS, p).split('\\').join('/'));
  assert.ok(files.length > 80, 'the corpus is there');
  assert.deepEqual(
    files.filter((f) => !listed.has(f)),
    [],
    'files without a SOURCES.md row',
  );
  assert.deepEqual(
    rows.filter((r) => !existsSync(join(CORPUS, r.file))).map((r) => r.file),
    [],
    'rows without a file',
  );
  for (const r of rows) {
    assert.ok(['MIT', 'CC-BY-4.0'].includes(r.licence), `${r.file}: licence ${r.licence}`);
    assert.equal(r.file.split('/')[0], r.repo.replace('/', '__'), `${r.file}: folder = repository`);
    if (r.licence === 'MIT') {
      const text = join(CORPUS, 'LICENSES', `${r.repo.replace('/', '__')}.txt`);
      assert.ok(existsSync(text), `${r.repo}: licence text in LICENSES/`);
      const body = readFileSync(text, 'utf8');
      assert.match(body, /MIT License/);
      assert.match(body, /Copyright \(c\)/);
      assert.match(body, /Permission is hereby granted, free of charge/);
    }
  }
});

test('every vendored CRD is described in schemas/crds/SOURCES.md and its licences are kept', () => {
  const sources = readFileSync(join(CRDS, 'SOURCES.md'), 'utf8');
  const crds = readdirSync(CRDS).filter((n) => n.endsWith('.yaml'));
  assert.equal(crds.length, 7);
  for (const n of crds) assert.ok(sources.includes(`\`${n}\``), `${n} is in SOURCES.md`);
  assert.match(sources, /Azure\/iot-operations-sdks/);
  assert.match(sources, /2c7b645aec9f521fb493861449a06d9ecb8a0efb/);
  assert.match(readFileSync(join(CRDS, 'LICENSES', 'Azure__iot-operations-sdks.txt'), 'utf8'), /MIT License/);
  assert.match(
    readFileSync(join(CRDS, 'LICENSES', 'cert-manager__cert-manager.txt'), 'utf8'),
    /Apache License\s+Version 2\.0/,
  );
});

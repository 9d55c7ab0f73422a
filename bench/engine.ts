// npm run bench: engine figures (full validation and re-validation after a one-document edit) for 10, 1,000 and
// 5,000-document files and a 2,000-file workspace. Medians of several runs; written to .bench/engine.md.
import { performance } from 'node:perf_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Workspace } from '../server/src/engine';
import { documents, editOne } from './corpus';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

interface Row {
  case: string;
  docs: number;
  full: number;
  edit: number;
  findings: number;
}
const rows: Row[] = [];

function fileCase(n: number, runs: number): void {
  const docs = documents(n);
  const text = docs.join('---\n');
  const fulls: number[] = [];
  let ws!: Workspace;
  let findings = 0;
  for (let r = 0; r < runs; r++) {
    fulls.push(
      time(() => {
        ws = new Workspace();
        ws.setFile('file:///bench/big.yaml', text);
        findings = ws.validate().get('file:///bench/big.yaml')!.length;
      }),
    );
  }
  const edits: number[] = [];
  for (let r = 0; r < Math.max(20, runs * 4); r++) {
    const edited = editOne(text, docs, Math.floor(n / 2), r);
    edits.push(
      time(() => {
        ws.setFile('file:///bench/big.yaml', edited);
        ws.validate();
      }),
    );
  }
  rows.push({ case: `one file, ${n} documents`, docs: n, full: median(fulls), edit: median(edits), findings });
}

function workspaceCase(files: number, runs: number): void {
  const perFile = 3;
  const texts = Array.from({ length: files }, (_, i) => documents(perFile, i + 1).join('---\n'));
  const fulls: number[] = [];
  let ws!: Workspace;
  let findings = 0;
  for (let r = 0; r < runs; r++) {
    fulls.push(
      time(() => {
        ws = new Workspace();
        texts.forEach((t, i) => ws.setFile(`file:///bench/ws/f${i}.yaml`, t));
        findings = [...ws.validate().values()].reduce((n, l) => n + l.length, 0);
      }),
    );
  }
  const edits: number[] = [];
  const docs = documents(perFile, 1001);
  const base = texts[1000];
  for (let r = 0; r < 20; r++) {
    const edited = editOne(base, docs, 0, r);
    edits.push(
      time(() => {
        ws.setFile('file:///bench/ws/f1000.yaml', edited);
        ws.validate();
      }),
    );
  }
  rows.push({
    case: `${files} files x ${perFile} documents`,
    docs: files * perFile,
    full: median(fulls),
    edit: median(edits),
    findings,
  });
}

fileCase(10, 9);
fileCase(1000, 7);
fileCase(5000, 5);
workspaceCase(2000, 5);

const targets: Record<string, string> = { '1000': 'full ≤ 400 ms, edit ≤ 10 ms', '5000': 'edit ≤ 25 ms' };
const lines = [
  `# Engine benchmark (${new Date().toISOString()}, node ${process.version}, medians)`,
  '',
  '| case | documents | full validation (ms) | re-validation after a one-document edit (ms) | findings | target |',
  '|---|---:|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.case} | ${r.docs} | ${r.full.toFixed(1)} | ${r.edit.toFixed(2)} | ${r.findings} | ${r.case.startsWith('one file') ? (targets[String(r.docs)] ?? '') : ''} |`,
  ),
];
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/engine.md', lines.join('\n') + '\n');
console.log(lines.join('\n'));

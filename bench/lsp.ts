// npm run bench:lsp — our language server against yaml-language-server (given a JSON schema for BrokerListener),
// driven over stdio by the same client code (test/helpers/lsp-client.ts) on the same corpus (bench/corpus.ts), in
// the same run. Medians (p50) and p90 of several runs; the server's memory is read from /proc. Writes .bench/lsp.md.
//
//   BENCH_QUICK=1   fewer samples (a smoke run)
//   BENCH_ONLY=ours|yls   one server only
//   BENCH_STEPS=crowd1k,crowd5k   only these measurements (keys of Result)
//   BENCH_PROF=DIR   our server writes a CPU profile (--cpu-prof) into DIR
//   BENCH_EDITS=N   N edits per edit measurement (a longer run, so that a profile is mostly edits)
//   BENCH_NODE_ARGS='--flag ...'   extra Node.js/V8 options for our server (trying GC or JIT settings)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LspClient, pathToFileUri } from '../test/helpers/lsp-client';
import { crowdedDocuments, documents } from './corpus';

const QUICK = process.env.BENCH_QUICK === '1';
const LOAD_AT_START = loadavg();
const ROOT = resolve(__dirname, '..', '..'); // out/bench -> repo root
const DIST = resolve(process.env.BROKERKIT_DIST || join(ROOT, 'dist'));

interface ServerSpec {
  name: string;
  command: string[];
  settings: Record<string, unknown>;
  /** Samples per measurement (yaml-language-server is slow: fewer samples keep the run short). */
  samples: { init: number; edit1k: number; edit5k: number; open5k: number; workspace: number; editBig: number };
}

const schemaUri = pathToFileUri(join(ROOT, 'schemas', 'brokerlistener.json'));

const SERVERS: ServerSpec[] = [
  {
    name: 'brokerkit',
    command: [
      process.execPath,
      ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
      ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
      join(DIST, 'server.js'),
      '--stdio',
    ],
    settings: { brokerkit: {} },
    // Edits are a typing session: a server that has been up a while is past the JIT's warm-up, and the session's p50
    // is what a user feels; the first FIRST_EDITS keystrokes after opening are reported on their own (firstP50).
    samples: QUICK
      ? { init: 3, edit1k: 60, edit5k: 40, open5k: 1, workspace: 1, editBig: 20 }
      : { init: 9, edit1k: 300, edit5k: 200, open5k: 5, workspace: 3, editBig: 60 },
  },
  {
    name: 'yaml-language-server',
    command: [
      process.execPath,
      join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'),
      '--stdio',
    ],
    settings: {
      yaml: {
        validate: true,
        hover: true,
        completion: true,
        format: { enable: false },
        schemaStore: { enable: false }, // no network
        schemas: { [schemaUri]: ['*.yaml'] },
      },
    },
    samples: QUICK
      ? { init: 3, edit1k: 5, edit5k: 3, open5k: 1, workspace: 1, editBig: 1 }
      : { init: 9, edit1k: 11, edit5k: 7, open5k: 3, workspace: 3, editBig: 3 },
  },
];

/** Documents of the benchmark corpus in a file just under the default size limit of 16 MiB (15.99 MiB). */
const BIG_DOCS = 54000;

/** The keystrokes right after opening (past the first few), reported apart from the whole session. */
const FIRST_EDITS = 41;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))];
}

function memOf(pid: number | undefined): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

async function start(s: ServerSpec, rootPath: string): Promise<LspClient> {
  return LspClient.start({
    command: s.command[0],
    args: s.command.slice(1),
    rootPath,
    settings: s.settings,
    timeoutMs: 600000,
  });
}

/** The publish for `uri` that answers version `v` (servers that send no version: the next publish after the change). */
function diagnosed(c: LspClient, uri: string, v: number) {
  return c.nextDiagnostics(uri, (p) => p.version === undefined || p.version === v);
}

async function initialize(s: ServerSpec, dir: string): Promise<{ spawnToReady: number; roundTrip: number }> {
  const spawn: number[] = [];
  const rt: number[] = [];
  for (let i = 0; i < s.samples.init; i++) {
    const t0 = performance.now();
    const c = await start(s, dir);
    spawn.push(performance.now() - t0);
    rt.push(c.initializeMs);
    await c.shutdown();
  }
  return { spawnToReady: pct(spawn, 0.5), roundTrip: pct(rt, 0.5) };
}

/**
 * One-character edits in the middle document of an n-document file; each waits for that version's diagnostics.
 * 'replace': overwrite the first character of a name (nothing moves). 'type': insert a character, then delete it,
 * alternately (the text after the edit moves by one). 'newline': add an empty line after that name line, then remove it
 * (every document below moves down one line and back, so every diagnostic below changes).
 */
async function edits(
  s: ServerSpec,
  dir: string,
  n: number,
  count: number,
  mode: 'replace' | 'type' | 'newline' = 'replace',
  corpus: (n: number) => string[] = documents,
): Promise<{
  p50: number;
  p90: number;
  /** p50 of the first FIRST_EDITS measured keystrokes (the JIT of both processes still warming up). */
  firstP50: number;
  rss: number;
  peak: number;
  first: number;
  findings: number;
  /** The first publish's diagnostics (for the replay server). */
  published: unknown[];
}> {
  const docs = corpus(n);
  if (process.env.BENCH_EDITS) count = Number(process.env.BENCH_EDITS);
  const text = docs.join('---\n');
  const uri = pathToFileUri(join(dir, `edit-${n}.yaml`));
  const c = await start(s, dir);
  try {
    const t0 = performance.now();
    const first = diagnosed(c, uri, 1);
    await c.open(uri, text);
    const published = (await first).diagnostics;
    // Every finding: the ones shown, and the ones a "N more ... not shown" note stands for.
    const findings = published.reduce(
      (n, d) => n + Number(/^(\d+) more .* not shown/.exec(String(d.message))?.[1] ?? 1),
      0,
    );
    const openMs = performance.now() - t0;
    // Where the middle document's `name: ` value starts: change its first character back and forth.
    const lines = text.split('\n');
    const mid = docs.slice(0, Math.floor(n / 2)).reduce((k, d) => k + d.split('\n').length, 0);
    let line = mid;
    while (!/^ {2}name: /.test(lines[line])) line++;
    const at = { line, character: 8 };
    const end = { line, character: lines[line].length };
    const times: number[] = [];
    // The first edits run while the JIT is still warming up (a server that has been up a while is past that).
    const warmup = Math.min(10, Math.max(2, Math.floor(count / 3)));
    for (let i = 0; i < count + warmup; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      const v = c.version(uri) + 1;
      const done = diagnosed(c, uri, v);
      const t = performance.now();
      const change =
        mode === 'replace'
          ? { range: { start: at, end: { line, character: 9 } }, text: ch }
          : mode === 'type'
            ? i % 2 === 0
              ? { range: { start: at, end: at }, text: ch }
              : { range: { start: at, end: { line, character: 9 } }, text: '' }
            : i % 2 === 0
              ? { range: { start: end, end }, text: '\n' }
              : { range: { start: end, end: { line: line + 1, character: 0 } }, text: '' };
      await c.change(uri, [change]);
      await done;
      if (i >= warmup) times.push(performance.now() - t);
    }
    const mem = memOf(c.proc.pid);
    return {
      p50: pct(times, 0.5),
      p90: pct(times, 0.9),
      firstP50: pct(times.slice(0, FIRST_EDITS), 0.5),
      rss: mem.rss,
      peak: mem.peak,
      first: openMs,
      findings,
      published,
    };
  } finally {
    await c.shutdown();
  }
}

async function openLarge(s: ServerSpec, dir: string, n: number, runs: number): Promise<{ p50: number; peak: number }> {
  const text = documents(n).join('---\n');
  const times: number[] = [];
  let peak = 0;
  for (let r = 0; r < runs; r++) {
    const uri = pathToFileUri(join(dir, `open-${n}-${r}.yaml`));
    const c = await start(s, dir);
    try {
      const done = diagnosed(c, uri, 1);
      const t = performance.now();
      await c.open(uri, text);
      await done;
      times.push(performance.now() - t);
      peak = Math.max(peak, memOf(c.proc.pid).peak);
    } finally {
      await c.shutdown();
    }
  }
  return { p50: pct(times, 0.5), peak };
}

/** A folder of `files` files (3 documents each): start the server on it, open every file, wait for all diagnostics. */
async function workspace(s: ServerSpec, files: number, runs: number): Promise<{ p50: number; peak: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'brokerkit-bench-ws-'));
  const texts: [string, string][] = [];
  for (let i = 0; i < files; i++) {
    const p = join(dir, `d${Math.floor(i / 100)}`, `f${i}.yaml`);
    mkdirSync(join(dir, `d${Math.floor(i / 100)}`), { recursive: true });
    const t = documents(3, i + 1).join('---\n');
    writeFileSync(p, t);
    texts.push([pathToFileUri(p), t]);
  }
  const times: number[] = [];
  let peak = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const c = await start(s, dir);
      try {
        const waits = texts.map(([u]) => diagnosed(c, u, 1));
        for (const [u, text] of texts) await c.open(u, text);
        await Promise.all(waits);
        times.push(performance.now() - t);
        peak = Math.max(peak, memOf(c.proc.pid).peak);
      } finally {
        await c.shutdown();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { p50: pct(times, 0.5), peak };
}

interface Result {
  init: { spawnToReady: number; roundTrip: number };
  /** The initialize round trip of bench/bare-server.ts (Node.js start-up and nothing else): the floor. */
  initFloor: { spawnToReady: number; roundTrip: number };
  /** One-character edits of a one-document file: the LSP round trip with next to no engine work (the floor). */
  e1: Awaited<ReturnType<typeof edits>>;
  e1k: Awaited<ReturnType<typeof edits>>;
  /** The same edits answered by bench/replay-server.ts with our 1,000-document publish: the transport + client floor. */
  floor1k: Awaited<ReturnType<typeof edits>>;
  e5k: Awaited<ReturnType<typeof edits>>;
  type5k: Awaited<ReturnType<typeof edits>>;
  newline5k: Awaited<ReturnType<typeof edits>>;
  open5k: Awaited<ReturnType<typeof openLarge>>;
  ws: Awaited<ReturnType<typeof workspace>>;
  /** The crowded corpus (listeners sharing brokers: thousands of findings). */
  crowd1k: Awaited<ReturnType<typeof edits>>;
  crowd5k: Awaited<ReturnType<typeof edits>>;
  /** A file just under the default size limit (brokerkit.maxFileSize, 16 MiB): opened, then edited. */
  big: Awaited<ReturnType<typeof edits>>;
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const results = new Map<string, Result>();
  const dir = mkdtempSync(join(tmpdir(), 'brokerkit-bench-'));
  try {
    // Measurement by measurement, both servers back to back, so that machine load hits both alike.
    const servers = SERVERS.filter(
      (s) => !only || (only === 'ours' ? s.name === 'brokerkit' : s.name === 'yaml-language-server'),
    );
    const partial = new Map<string, Partial<Result>>(servers.map((s) => [s.name, {}]));
    const steps = process.env.BENCH_STEPS?.split(',');
    const step = async <K extends keyof Result>(key: K, label: string, fn: (s: ServerSpec) => Promise<Result[K]>) => {
      if (steps && !steps.includes(key)) return;
      for (const s of servers) {
        process.stderr.write(`[${s.name}] ${label}\n`);
        partial.get(s.name)![key] = await fn(s);
      }
    };
    await step('init', 'initialize', (s) => initialize(s, dir));
    const ours = partial.get('brokerkit');
    if (ours?.init) {
      const bare: ServerSpec = {
        ...SERVERS[0],
        name: 'bare',
        command: [process.execPath, join(__dirname, 'bare-server.js')],
      };
      process.stderr.write('[bare] initialize: a Node.js process that loads nothing\n');
      ours.initFloor = await initialize(bare, dir);
    }
    await step('e1', 'edits, 1 document (round-trip floor)', (s) => edits(s, dir, 1, s.samples.edit1k));
    await step('e1k', 'edits, 1,000 documents', (s) => edits(s, dir, 1000, s.samples.edit1k));
    // The floor under the 1,000-document keystroke: a server that does no work and sends our publish for each edit.
    const ourPublish = ours?.e1k?.published;
    if (ours && ourPublish && (!steps || steps.includes('floor1k'))) {
      const file = join(dir, 'published-1000.json');
      writeFileSync(file, JSON.stringify(ourPublish));
      const replay: ServerSpec = {
        ...SERVERS[0],
        name: 'replay',
        command: [process.execPath, join(__dirname, 'replay-server.js'), file],
      };
      process.stderr.write('[replay] edits, 1,000 documents: our publish from a server doing no work\n');
      ours.floor1k = await edits(replay, dir, 1000, replay.samples.edit1k);
    }
    await step('e5k', 'edits, 5,000 documents', (s) => edits(s, dir, 5000, s.samples.edit5k));
    await step('type5k', 'typing, 5,000 documents', (s) => edits(s, dir, 5000, s.samples.edit5k, 'type'));
    await step('newline5k', 'line breaks, 5,000 documents', (s) => edits(s, dir, 5000, s.samples.edit5k, 'newline'));
    await step('open5k', 'open, 5,000 documents', (s) => openLarge(s, dir, 5000, s.samples.open5k));
    await step('crowd1k', 'edits, 1,000 crowded documents', (s) =>
      edits(s, dir, 1000, s.samples.edit1k, 'replace', crowdedDocuments),
    );
    await step('crowd5k', 'edits, 5,000 crowded documents', (s) =>
      edits(s, dir, 5000, s.samples.edit5k, 'replace', crowdedDocuments),
    );
    await step('ws', 'workspace', (s) => workspace(s, QUICK ? 500 : 2000, s.samples.workspace));
    await step('big', `a ${BIG_DOCS.toLocaleString('en')}-document file at the size limit`, (s) =>
      edits(s, dir, BIG_DOCS, s.samples.editBig),
    );
    for (const [name, r] of partial) results.set(name, r as Result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(results);
}

function report(results: Map<string, Result>): void {
  const ours = results.get('brokerkit');
  const yls = results.get('yaml-language-server');
  const f = (x: number | undefined, d = 1) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
  const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
  const ok = (b: boolean | undefined) => (b === undefined ? '' : b ? '✅' : '❌');
  const rows: string[][] = [];
  const verdicts: string[] = [];
  /** A row; `bound` is the target: at most `max` (in the row's unit) or at most `ratio` × yaml-language-server. */
  const row = (
    what: string,
    a: number | undefined,
    b: number | undefined,
    unit: string,
    bound?: { max: number } | { ratio: number },
  ) => {
    const target = !bound ? '' : 'max' in bound ? `≤ ${bound.max} ${unit}` : `≤ ${bound.ratio}× yaml-language-server`;
    const pass =
      !bound || a === undefined
        ? undefined
        : 'max' in bound
          ? a <= bound.max
          : b === undefined
            ? undefined
            : a <= bound.ratio * b;
    rows.push([what, `${f(a)} ${unit}`, `${f(b)} ${unit}`, ratio(a, b), target, ok(pass)]);
    if (pass !== undefined) verdicts.push(`- ${pass ? 'PASS' : 'FAIL'}: ${what}: ${f(a)} ${unit} (target ${target})`);
  };
  row('initialize round trip (request → result)', ours?.init?.roundTrip, yls?.init?.roundTrip, 'ms', { max: 150 });
  row(
    'the same from a Node.js process that loads nothing and answers initialize (start-up floor)',
    ours?.initFloor?.roundTrip,
    undefined,
    'ms',
  );
  row('one-char edit → diagnostics, 1 doc (LSP round-trip floor), p50', ours?.e1?.p50, yls?.e1?.p50, 'ms');
  row('process spawn → initialize result', ours?.init?.spawnToReady, yls?.init?.spawnToReady, 'ms');
  row('one-char edit → diagnostics, 1,000 docs, p50', ours?.e1k?.p50, yls?.e1k?.p50, 'ms', { max: 5 });
  row('one-char edit → diagnostics, 1,000 docs, p90', ours?.e1k?.p90, yls?.e1k?.p90, 'ms');
  row(
    `the first ${FIRST_EDITS} measured keystrokes, right after opening (JIT warming up), p50`,
    ours?.e1k?.firstP50,
    yls?.e1k?.firstP50,
    'ms',
  );
  row(
    `the same edits answered with our 1,000-doc publish (${ours?.e1k ? `${(JSON.stringify(ours.e1k.published).length / 1024).toFixed(0)} KB` : '–'}) by a server doing no work (transport + client floor), p50`,
    ours?.floor1k?.p50,
    undefined,
    'ms',
  );
  row(`the same floor over the first ${FIRST_EDITS} keystrokes, p50`, ours?.floor1k?.firstP50, undefined, 'ms');
  row('one-char edit → diagnostics, 5,000 docs, p50', ours?.e5k?.p50, yls?.e5k?.p50, 'ms', { max: 15 });
  row('one-char edit → diagnostics, 5,000 docs, p90', ours?.e5k?.p90, yls?.e5k?.p90, 'ms');
  row(
    `the first ${FIRST_EDITS} measured keystrokes, right after opening, p50`,
    ours?.e5k?.firstP50,
    yls?.e5k?.firstP50,
    'ms',
  );
  row('typing (insert / delete a character), 5,000 docs, p50', ours?.type5k?.p50, yls?.type5k?.p50, 'ms');
  row(
    'line break added / removed (everything below moves), 5,000 docs, p50',
    ours?.newline5k?.p50,
    yls?.newline5k?.p50,
    'ms',
  );
  row('server RSS after the 5,000-doc edits', ours?.e5k?.rss, yls?.e5k?.rss, 'MB', { max: 400 });
  row('open → diagnostics, 5,000 docs', ours?.open5k?.p50, yls?.open5k?.p50, 'ms', { ratio: 0.5 });
  const many = (r?: { findings: number }) => (r ? r.findings.toLocaleString('en') : '–');
  row(
    `one-char edit → diagnostics, 1,000 crowded docs (${many(ours?.crowd1k)} findings), p50`,
    ours?.crowd1k?.p50,
    yls?.crowd1k?.p50,
    'ms',
    { max: 30 },
  );
  row(
    `one-char edit → diagnostics, 5,000 crowded docs (${many(ours?.crowd5k)} findings), p50`,
    ours?.crowd5k?.p50,
    yls?.crowd5k?.p50,
    'ms',
    { max: 60 },
  );
  row('one-char edit → diagnostics, 5,000 crowded docs, p90', ours?.crowd5k?.p90, yls?.crowd5k?.p90, 'ms');
  row('server RSS after the 5,000 crowded-doc edits', ours?.crowd5k?.rss, yls?.crowd5k?.rss, 'MB', { max: 500 });
  const n = QUICK ? '500' : '2,000';
  row(`${n}-file workspace fully diagnosed (start → every file)`, ours?.ws?.p50, yls?.ws?.p50, 'ms', { ratio: 0.5 });
  row(`${n}-file workspace: server peak RSS`, ours?.ws?.peak, yls?.ws?.peak, 'MB', { max: 300 });
  const big = `${BIG_DOCS.toLocaleString('en')}-doc file at the size limit (16 MiB, ${many(ours?.big)} findings)`;
  row(`${big}: open → diagnostics`, ours?.big?.first, yls?.big?.first, 'ms');
  row(`${big}: one-char edit → diagnostics, p50`, ours?.big?.p50, yls?.big?.p50, 'ms', { max: 60 });
  row(`${big}: server RSS after the edits`, ours?.big?.rss, yls?.big?.rss, 'MB', { max: 500 });
  const lines = [
    `# Language server benchmark (${new Date().toISOString()}, node ${process.version}${QUICK ? ', QUICK' : ''})`,
    '',
    'Same client code (test/helpers/lsp-client.ts) and corpus (bench/corpus.ts) for both servers, one run. yaml-language-server 1.25.0 is given',
    'the BrokerListener JSON schema (schemas/brokerlistener.json) for `*.yaml`; its schema store is off (no network). Times are medians',
    `unless marked p90. The ratio is brokerkit / yaml-language-server. Edits: brokerkit ${SERVERS[0].samples.edit1k} (1,000 docs) and`,
    `${SERVERS[0].samples.edit5k} (5,000 docs) keystrokes in one session after a few unmeasured ones; yaml-language-server ${SERVERS[1].samples.edit1k} and ${SERVERS[1].samples.edit5k} (each of its keystrokes takes seconds).`,
    '',
    '| measurement | brokerkit | yaml-language-server | ratio | target | |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Targets: ${verdicts.filter((v) => v.startsWith('- PASS')).length} of ${verdicts.length} met.`,
    ...verdicts,
    '',
    `Load average (1, 5, 15 min) at the start: ${LOAD_AT_START.map((x) => x.toFixed(2)).join(' ')}; at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}.`,
    `Open → first diagnostics of the 1,000-document file while setting up the edit run: brokerkit ${f(ours?.e1k?.first)} ms, yaml-language-server ${f(yls?.e1k?.first)} ms.`,
  ];
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'lsp.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

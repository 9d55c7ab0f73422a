// npm run bench:tls — the TLS and certificate rules on a 5,000-document file in which every tenth document is a
// manual-TLS Secret with a real certificate chain (made by openssl) or the listener that uses it. Measures full
// validation, re-validation after editing a listener, and after editing a Secret (one certificate re-read), with
// only the TLS rules on, beside the engine alone (every rule ignored; document rules still run but are cached) so
// the difference is what these rules cost. Medians; written to .bench/tls.md.
import { performance } from 'node:perf_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Workspace, allRules } from '../server/src/engine';
import { documents } from './corpus';
import { CertFactory, TLS_RULE_CODES as TLS_CODES, manualListener, secretYaml } from '../test/helpers/tls-certs';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const ca = new CertFactory();
let chainPem = '';
let keyPem = '';
try {
  const root = ca.root('Bench Root CA', 'ec');
  const inter = ca.issue('Bench Intermediate CA', 'ec', root, { ca: true });
  const server = ca.issue('mqtts-endpoint', 'ec', inter, { dns: ['*.bench.svc', 'mqtts-endpoint'] });
  chainPem = server.crt + inter.crt;
  keyPem = server.key;
} finally {
  ca.dispose();
}

function build(n: number): string[] {
  const docs = documents(n);
  for (let i = 8; i < n; i += 20) {
    const ns = `tls-${i}`;
    docs[i] = secretYaml(`secret-${i}`, chainPem, keyPem, { namespace: ns });
    docs[i + 1] = manualListener(`secret-${i}`, {
      name: `listener-${i}`,
      namespace: ns,
      serviceName: 'mqtts-endpoint',
      port: 8885,
    });
  }
  return docs;
}

function edit(text: string, docs: string[], index: number, variant: number, needle: string): string {
  const start = docs.slice(0, index).reduce((n, d) => n + d.length + 4, 0);
  const at = start + docs[index].indexOf(needle) + needle.length;
  return text.slice(0, at) + String.fromCharCode(97 + (variant % 26)) + text.slice(at + 1);
}

interface Row {
  case: string;
  ms: number;
}
const rows: Row[] = [];
const n = 5000;
const docs = build(n);
const text = docs.join('---\n');
const uri = 'file:///bench/tls.yaml';
const onlyTls = { ignore: allRules.map((r) => r.code).filter((c) => !TLS_CODES.has(c)) };

const baseline = { ignore: allRules.map((r) => r.code) };
for (const [label, options] of [
  ['engine alone (every rule ignored)', baseline],
  ['TLS rules only', onlyTls],
] as const) {
  let ws!: Workspace;
  const fulls: number[] = [];
  let findings = 0;
  for (let r = 0; r < 5; r++) {
    fulls.push(
      time(() => {
        ws = new Workspace(options);
        ws.setFile(uri, text);
        findings = ws.validate().get(uri)!.length;
      }),
    );
  }
  rows.push({ case: `${label}: full validation (${findings} findings)`, ms: median(fulls) });
  const listenerIndex = 8 + 20 * 120 + 1;
  const secretIndex = 8 + 20 * 121;
  const e1: number[] = [];
  const e2: number[] = [];
  for (let r = 0; r < 21; r++) {
    const a = edit(text, docs, listenerIndex, r, 'name: listener-');
    e1.push(
      time(() => {
        ws.setFile(uri, a);
        ws.validate();
      }),
    );
    const b = edit(text, docs, secretIndex, r, 'name: secret-');
    e2.push(
      time(() => {
        ws.setFile(uri, b);
        ws.validate();
      }),
    );
  }
  rows.push({ case: `${label}: re-validation after editing a listener`, ms: median(e1) });
  rows.push({ case: `${label}: re-validation after editing a TLS Secret`, ms: median(e2) });
}

const lines = [
  `# TLS rules benchmark (${new Date().toISOString()}, node ${process.version}, medians)`,
  '',
  `One file of ${n} documents; ${Math.floor((n - 8) / 20)} manual-TLS Secrets with a real EC chain, each used by a listener. Target: re-validation ≤ 25 ms.`,
  '',
  '| case | ms |',
  '|---|---:|',
  ...rows.map((r) => `| ${r.case} | ${r.ms.toFixed(2)} |`),
];
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/tls.md', lines.join('\n') + '\n');
console.log(lines.join('\n'));

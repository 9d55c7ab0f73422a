// npm run bench:schema — the structure rules (schema, enum-spelling, api-version, legacy-field) on 1,000 BrokerListener
// documents in one file: full engine validation (every rule, parse included) and the four rules alone on parsed
// documents, medians of several runs, plus the one-time ajv compile. Written to .bench/schema.md.
import { performance } from 'node:perf_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Workspace, defaultEngineOptions, type Resource } from '../server/src/engine';
import { allRules } from '../server/src/engine/rules';
import type { DocumentRule } from '../server/src/engine/rule';
import { validateAgainst } from '../server/src/engine/schema';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Listeners of every flavour the rules meet: valid, lowerCamel spellings, rejected values, legacy fields. */
function listener(i: number): string {
  const v = i % 5;
  return `apiVersion: mqttbroker.iotoperations.azure.com/${i % 10 === 9 ? 'v1beta1' : 'v1'}
kind: BrokerListener
metadata:
  name: listener-${i}
  namespace: team-${Math.floor(i / 3)}
spec:
  brokerRef: default
  serviceType: ${['LoadBalancer', 'loadBalancer', 'NodePort', 'ClusterIP', 'LoadBalancer'][v]}
  ports:
  - port: ${1883 + (i % 100)}
    protocol: ${['Mqtt', 'mqtt', 'MQTT', 'WebSockets', 'Mqtt'][v]}
  - port: ${v === 2 ? '"8883"' : 8883}
    authenticationRef: default
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: {name: azure-iot-operations-aio-certificate-issuer, kind: ClusterIssuer, group: cert-manager.io}
        privateKey: {algorithm: ${['Ec256', 'ec384', 'ECDSA', 'Rsa2048', 'Ec521'][v]}, rotationPolicy: Always${v === 2 ? ', size: 384' : ''}}
        san: {dns: [listener-${i}.example.com], ip: [10.0.${i % 250}.1]}
        duration: 2160h
        renewBefore: 240h
${v === 4 ? '      manual:\n        secretSecret: x\n' : ''}`;
}

const N = 1000;
const text = Array.from({ length: N }, (_, i) => listener(i)).join('---\n');

// The first validation compiles the BrokerListener schema (lazily, once).
const sample = {
  apiVersion: 'mqttbroker.iotoperations.azure.com/v1',
  kind: 'BrokerListener',
  spec: { ports: [{ port: 1 }] },
};
let t = performance.now();
validateAgainst('BrokerListener', sample);
const compileMs = performance.now() - t;
t = performance.now();
validateAgainst('BrokerListener', sample);
const secondMs = performance.now() - t;

// Wall clock and this process's CPU time (user + system): on a shared, loaded machine the CPU time is the fairer figure.
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const full: number[] = [];
const fullCpu: number[] = [];
let findings = 0;
for (let r = 0; r < 9; r++) {
  const ws = new Workspace();
  const c = process.cpuUsage();
  t = performance.now();
  ws.setFile('file:///bench/listeners.yaml', text);
  findings = ws.validate().get('file:///bench/listeners.yaml')!.length;
  full.push(performance.now() - t);
  fullCpu.push(cpuMs(process.cpuUsage(c)));
}

const ws = new Workspace();
ws.setFile('file:///bench/listeners.yaml', text);
const resources: Resource[] = ws.resources();
const mine = ['schema', 'enum-spelling', 'api-version', 'legacy-field'].map(
  (c) => allRules.find((r) => r.code === c) as DocumentRule,
);
const perRule: Record<string, number[]> = {};
const perRuleCpu: Record<string, number[]> = {};
let reported = 0;
for (let r = 0; r < 15; r++) {
  for (const rule of mine) {
    const ctx = {
      options: defaultEngineOptions,
      report: () => {
        reported++;
      },
    };
    const c = process.cpuUsage();
    t = performance.now();
    for (const res of resources) if (rule.applies(res)) rule.check(res, ctx);
    (perRule[rule.code] ??= []).push(performance.now() - t);
    (perRuleCpu[rule.code] ??= []).push(cpuMs(process.cpuUsage(c)));
  }
}
const mineTotal = Object.values(perRule).reduce((s, xs) => s + median(xs), 0);
const mineCpu = Object.values(perRuleCpu).reduce((s, xs) => s + median(xs), 0);
const fullMedian = median(full);
const fullCpuMedian = median(fullCpu);

const lines = [
  `# Structure rules benchmark (${new Date().toISOString()}, node ${process.version}, medians)`,
  '',
  `${N} BrokerListener documents in one file (${resources.length} parsed), ${findings} findings from all rules, ${reported / 15} from the structure rules per pass.`,
  '',
  `Load average when run: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} cores.`,
  '',
  '| measure | wall ms | CPU ms | per document (µs, wall) |',
  '|---|---:|---:|---:|',
  `| full validation, all rules, parse included (target ≤ 400 ms) | ${fullMedian.toFixed(1)} | ${fullCpuMedian.toFixed(1)} | ${((fullMedian * 1000) / N).toFixed(0)} |`,
  ...mine.map(
    (r) =>
      `| rule \`${r.code}\` alone | ${median(perRule[r.code]).toFixed(2)} | ${median(perRuleCpu[r.code]).toFixed(2)} | ${((median(perRule[r.code]) * 1000) / N).toFixed(1)} |`,
  ),
  `| the four structure rules together | ${mineTotal.toFixed(2)} | ${mineCpu.toFixed(2)} | ${((mineTotal * 1000) / N).toFixed(1)} |`,
  `| ajv compile of the BrokerListener schema (once, first use) | ${compileMs.toFixed(1)} | | |`,
  `| one validation after that | ${secondMs.toFixed(3)} | | |`,
  '',
  `Share of the structure rules in full validation: ${((100 * mineTotal) / fullMedian).toFixed(1)} % (wall), ${((100 * mineCpu) / fullCpuMedian).toFixed(1)} % (CPU).`,
];
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/schema.md', lines.join('\n') + '\n');
console.log(lines.join('\n'));

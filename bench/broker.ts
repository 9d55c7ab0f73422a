// npm run bench:broker: the dev broker's ready time (process start to the `ready` event, server certificate issued on
// every run, CA made once), its TLS QoS 1 throughput with an MQTT.js publisher and subscriber (100-byte payloads),
// 1,000 concurrent MQTT.js clients on TLS each subscribing and publishing QoS 1 (every message counted), and the
// broker's memory (RSS) while one subscriber stops reading and others publish; each against Debian's mosquitto started
// here in the same run. Medians; written to .bench/broker.md and .bench/broker.json.
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import mqtt, { MqttClient } from 'mqtt';

const DIST = path.resolve(process.env.BROKERKIT_DIST || 'dist');
const MESSAGES = Number(process.env.BENCH_MESSAGES || 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const READY_RUNS = Number(process.env.BENCH_READY_RUNS || 7);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 1000);
const CLIENT_MESSAGES = Number(process.env.BENCH_CLIENT_MESSAGES || 10);
const STALL_MESSAGES = Number(process.env.BENCH_STALL_MESSAGES || 50000);
const MANY_ROUNDS = Number(process.env.BENCH_MANY_ROUNDS || 3);
const HANDSHAKES = Number(process.env.BENCH_HANDSHAKES || 300);
/** BENCH_ONLY=ready,throughput,handshake,many,stall runs only those scenarios (the report leaves the others out). */
const ONLY = new Set(
  (process.env.BENCH_ONLY || 'ready,throughput,handshake,many,stall').split(',').map((x) => x.trim()),
);
const PROTOCOLS = (process.env.BENCH_PROTOCOLS || '5,3.1.1').split(',').map((x) => x.trim());
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerkit-bench-'));

const progress = (m: string) => process.stderr.write(`[bench:broker] ${m}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

function listenerYaml(port: number, tlsPort: number): string {
  return `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: bench
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  - port: ${port}
  - port: ${tlsPort}
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: { name: bench-issuer, kind: Issuer }
        privateKey: { algorithm: Ec256, rotationPolicy: Always }
`;
}

interface Started {
  child: ChildProcess;
  readyMs: number;
  events: any[];
  stop(): Promise<void>;
}

/** Starts the dev broker CLI and resolves at its `ready` line, with the wall time from spawn. */
function startDevBroker(file: string, stateDir: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [path.join(DIST, 'cli.js'), 'dev-broker', file, '--json', '--state-dir', stateDir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const events: any[] = [];
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const e = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        events.push(e);
        if (e.event === 'ready')
          resolve({ child, readyMs: performance.now() - t0, events, stop: () => stopChild(child, 'SIGTERM') });
        if (e.event === 'error') reject(new Error(e.message));
      }
    });
    child.on('exit', (code) => reject(new Error(`dev broker exited with ${code}`)));
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Debian's mosquitto with the dev broker's own certificate: TLS listener, `user root`, `max_queued_messages 0`. */
function startMosquitto(
  port: number,
  certFile: string,
  keyFile: string,
  queueLines = ['max_queued_messages 0'],
): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const conf = path.join(work, `mosquitto-${port}.conf`);
  fs.writeFileSync(
    conf,
    [
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'persistence false',
      ...queueLines,
      'log_dest stderr',
      'log_type information',
      `listener ${port} 127.0.0.1`,
      `certfile ${certFile}`,
      `keyfile ${keyFile}`,
      'allow_anonymous true',
      '',
    ].join('\n'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (d: Buffer) => {
      out += d;
      if (/mosquitto version \S+ running/.test(out)) resolve({ child, stop: () => stopChild(child, 'SIGTERM') });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`mosquitto exited with ${code}: ${out}`)));
  });
}

/** One round: the subscriber waits for every message; the publisher sends them all at QoS 1 and awaits every PUBACK. */
async function throughput(url: string, ca: Buffer, version: 4 | 5): Promise<{ rate: number }> {
  // The same in-flight window on both brokers. MQTT 3.1.1: 20 (mosquitto's max_inflight_messages default, the dev
  // broker's window). MQTT 5: the client states Receive Maximum 65535; without it the dev broker takes the protocol's
  // default (65535) but mosquitto 2.0 falls back to its max_inflight_messages (20), which is not the same test.
  const opts = {
    ca,
    protocolVersion: version,
    reconnectPeriod: 0,
    clean: true,
    ...(version === 5 ? { properties: { receiveMaximum: 65535 } } : {}),
  } as const;
  const sub: MqttClient = await mqtt.connectAsync(url, {
    ...opts,
    clientId: `bench-sub-${Math.random().toString(36).slice(2)}`,
  });
  const pub: MqttClient = await mqtt.connectAsync(url, {
    ...opts,
    clientId: `bench-pub-${Math.random().toString(36).slice(2)}`,
  });
  const topic = `bench/${Math.random().toString(36).slice(2)}`;
  await sub.subscribeAsync(topic, { qos: 1 });
  const payload = Buffer.alloc(100, 0x61);
  let got = 0;
  const allReceived = new Promise<void>((resolve) =>
    sub.on('message', () => {
      if (++got === MESSAGES) resolve();
    }),
  );
  const t0 = performance.now();
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < MESSAGES; i++) acks.push(pub.publishAsync(topic, payload, { qos: 1 }));
  await Promise.all([allReceived, Promise.all(acks)]);
  const ms = performance.now() - t0;
  await Promise.all([pub.endAsync(), sub.endAsync()]);
  return { rate: MESSAGES / (ms / 1000) };
}

/**
 * HANDSHAKES TLS handshakes one after another (a plain TLS client, no MQTT): the latency of one handshake (connect to
 * `secureConnect`) and the CPU each side spends on it, so the broker's share of the many-clients figure is known.
 */
async function handshakes(port: number, ca: Buffer): Promise<{ latencies: number[] }> {
  const latencies: number[] = [];
  for (let i = 0; i < HANDSHAKES; i++) {
    const t0 = performance.now();
    const s = tls.connect({ port, host: 'localhost', ca });
    await new Promise<void>((resolve, reject) => {
      s.once('secureConnect', () => resolve());
      s.once('error', reject);
    });
    latencies.push(performance.now() - t0);
    // A clean close (not a reset right after the handshake, which the dev broker would log as a failed handshake).
    await new Promise<void>((resolve) => s.end(() => s.destroy()).once('close', () => resolve()));
  }
  return { latencies };
}

/**
 * 1,000 (CLIENTS) MQTT.js clients on TLS at once: each subscribes to its own topic at QoS 1, then every client publishes
 * CLIENT_MESSAGES QoS 1 messages to the next client's topic. Returns the time from the first connect to the last
 * delivery and the messages that never arrived (after every PUBACK and a quiet second).
 */
async function manyClients(url: string, ca: Buffer): Promise<{ ms: number; delivered: number; lost: number }> {
  const t0 = performance.now();
  const run = Math.random().toString(36).slice(2);
  const clients: MqttClient[] = [];
  let delivered = 0;
  const expected = CLIENTS * CLIENT_MESSAGES;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  // Connect in batches of 50 so the handshakes do not all time out on two cores.
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, CLIENTS - i) }, (_, k) =>
        mqtt.connectAsync(url, {
          ca,
          protocolVersion: 5,
          reconnectPeriod: 0,
          clean: true,
          connectTimeout: 120000,
          keepalive: 0,
          clientId: `many-${run}-${i + k}`,
        }),
      ),
    );
    clients.push(...batch);
  }
  await Promise.all(clients.map((c, i) => c.subscribeAsync(`many/${run}/${i}`, { qos: 1 })));
  for (const c of clients)
    c.on('message', () => {
      if (++delivered === expected) resolveAll();
    });
  const payload = Buffer.alloc(100, 0x62);
  const acks: Promise<unknown>[] = [];
  clients.forEach((c, i) => {
    for (let m = 0; m < CLIENT_MESSAGES; m++)
      acks.push(c.publishAsync(`many/${run}/${(i + 1) % CLIENTS}`, payload, { qos: 1 }));
  });
  await Promise.all(acks);
  const quiet = new Promise<void>((r) => setTimeout(r, 30000).unref());
  await Promise.race([all, quiet]);
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return { ms, delivered, lost: expected - delivered };
}

/** CPU time (user + system, ms) a process has used so far. */
function cpuMs(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** Runs `fn` and returns its result with the CPU time the broker process `pid` and this bench process used meanwhile. */
async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<T & { brokerCpuMs: number; benchCpuMs: number }> {
  const b0 = cpuMs(pid);
  const m0 = process.cpuUsage();
  const r = await fn();
  const m = process.cpuUsage(m0);
  return { ...r, brokerCpuMs: cpuMs(pid) - b0, benchCpuMs: (m.user + m.system) / 1000 };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * A subscriber that stops reading (its TLS socket paused) while a publisher sends STALL_MESSAGES QoS 1 messages of 1 KiB
 * to it and to a healthy subscriber. Returns the broker's RSS before and at its peak, and what the healthy one got.
 */
async function stalledMemory(
  url: string,
  ca: Buffer,
  pid: number,
): Promise<{ baseMiB: number; peakMiB: number; healthyGot: number }> {
  const opts = { ca, protocolVersion: 5 as const, reconnectPeriod: 0, clean: true, keepalive: 0 };
  const topic = `stall/${Math.random().toString(36).slice(2)}`;
  const stalled = await mqtt.connectAsync(url, { ...opts, clientId: 'stalled-' + topic.slice(6) });
  const healthy = await mqtt.connectAsync(url, { ...opts, clientId: 'healthy-' + topic.slice(6) });
  const pub = await mqtt.connectAsync(url, { ...opts, clientId: 'pub-' + topic.slice(6) });
  await stalled.subscribeAsync(topic, { qos: 1 });
  await healthy.subscribeAsync(topic, { qos: 1 });
  stalled.stream.pause();
  (stalled.stream as unknown as { _handle?: { readStop?(): void } })._handle?.readStop?.();
  const baseMiB = rssMiB(pid);
  let peakMiB = baseMiB;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(pid))), 50);
  let healthyGot = 0;
  const done = new Promise<void>((r) =>
    healthy.on('message', () => {
      if (++healthyGot === STALL_MESSAGES) r();
    }),
  );
  const payload = Buffer.alloc(1024, 0x63);
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < STALL_MESSAGES; i++) {
    acks.push(pub.publishAsync(topic, payload, { qos: 1 }));
    if (i % 1000 === 999) await Promise.all(acks.splice(0));
  }
  await Promise.all(acks);
  await Promise.race([done, new Promise<void>((r) => setTimeout(r, 60000).unref())]);
  clearInterval(sampler);
  peakMiB = Math.max(peakMiB, rssMiB(pid));
  stalled.stream.destroy();
  await Promise.all([healthy.endAsync(true), pub.endAsync(true), stalled.endAsync(true)]);
  return { baseMiB, peakMiB, healthyGot };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'cli.js'))) throw new Error(`no ${DIST}/cli.js: run node esbuild.mjs first`);
  const stateDir = path.join(work, 'state');
  const file = path.join(work, 'listener.yaml');
  const [plain, tlsPort] = [await freePort(), await freePort()];
  fs.writeFileSync(file, listenerYaml(plain, tlsPort));

  // Ready time. The first start also makes the dev CA (reported apart); every later start issues a new server
  // certificate (the stored one is removed) with the CA already there.
  progress('ready time');
  const first = await startDevBroker(file, stateDir);
  const firstMs = first.readyMs;
  await first.stop();
  const ready: number[] = [],
    inProcess: number[] = [];
  for (let i = 0; i < (ONLY.has('ready') ? READY_RUNS : 0); i++) {
    fs.rmSync(path.join(stateDir, 'servers'), { recursive: true, force: true });
    const s = await startDevBroker(file, stateDir);
    ready.push(s.readyMs);
    inProcess.push(s.events.find((e) => e.event === 'ready').ms);
    await s.stop();
  }

  // Throughput: the dev broker and mosquitto serve the same certificate; rounds alternate between them.
  const dev = await startDevBroker(file, stateDir);
  const tlsEvent = dev.events.find((e) => e.event === 'listening' && e.tls);
  const ca = fs.readFileSync(tlsEvent.caFile);
  const serverDir = path.join(
    stateDir,
    'servers',
    fs.readdirSync(path.join(stateDir, 'servers')).find((d) => d.includes('ports1'))!,
  );
  const mosqPort = await freePort();
  progress('starting mosquitto');
  const mosq = await startMosquitto(mosqPort, path.join(serverDir, 'tls.crt'), path.join(serverDir, 'tls.key'));
  const [devPid, mosqPid] = [dev.child.pid!, mosq.child.pid!];
  const loadBefore = os.loadavg();
  type Cpu = { brokerCpuMs: number; benchCpuMs: number };
  const many: Record<'dev' | 'mosquitto', (Awaited<ReturnType<typeof manyClients>> & Cpu)[]> = {
    dev: [],
    mosquitto: [],
  };
  const hs: Record<'dev' | 'mosquitto', { latencies: number[] } & Cpu> = {} as never;
  const stall: Record<string, Awaited<ReturnType<typeof stalledMemory>>> = {};
  const protocols = (
    [
      ['MQTT 5', 5],
      ['MQTT 3.1.1', 4],
    ] as const
  ).filter(([label]) => ONLY.has('throughput') && PROTOCOLS.includes(label.slice(5)));
  type Round = { rate: number } & Cpu;
  const results: Record<string, { dev: Round[]; mosquitto: Round[] }> = {};
  for (const [label] of protocols) results[label] = { dev: [], mosquitto: [] };
  try {
    for (const [label, version] of protocols) {
      progress(`throughput ${label}`);
      await throughput(`mqtts://localhost:${tlsPort}`, ca, version); // warm-up
      await throughput(`mqtts://localhost:${mosqPort}`, ca, version);
      for (let r = 0; r < ROUNDS; r++) {
        results[label].dev.push(await withCpu(devPid, () => throughput(`mqtts://localhost:${tlsPort}`, ca, version)));
        results[label].mosquitto.push(
          await withCpu(mosqPid, () => throughput(`mqtts://localhost:${mosqPort}`, ca, version)),
        );
      }
    }
    if (ONLY.has('handshake')) {
      progress(`${HANDSHAKES} TLS handshakes each`);
      await handshakes(tlsPort, ca); // warm-up
      await handshakes(mosqPort, ca);
      hs.dev = await withCpu(devPid, () => handshakes(tlsPort, ca));
      hs.mosquitto = await withCpu(mosqPid, () => handshakes(mosqPort, ca));
    }
    // Rounds alternate between the brokers so a change in the machine's load falls on both.
    for (let r = 0; ONLY.has('many') && r < MANY_ROUNDS; r++) {
      progress(`${CLIENTS} clients, dev broker (round ${r + 1} of ${MANY_ROUNDS})`);
      many.dev.push(await withCpu(devPid, () => manyClients(`mqtts://localhost:${tlsPort}`, ca)));
      progress(`${CLIENTS} clients, mosquitto (round ${r + 1} of ${MANY_ROUNDS})`);
      many.mosquitto.push(await withCpu(mosqPid, () => manyClients(`mqtts://localhost:${mosqPort}`, ca)));
    }
    if (ONLY.has('stall')) await stalled();
  } finally {
    await dev.stop();
    await mosq.stop();
  }

  async function stalled(): Promise<void> {
    progress('stalled subscriber, dev broker');
    stall.dev = await stalledMemory(`mqtts://localhost:${tlsPort}`, ca, dev.child.pid!);
    // mosquitto with its default queue settings (max_queued_messages 1000) for a client that does not read.
    const mosqDefaultPort = await freePort();
    const mosqDefault = await startMosquitto(
      mosqDefaultPort,
      path.join(serverDir, 'tls.crt'),
      path.join(serverDir, 'tls.key'),
      [],
    );
    try {
      progress('stalled subscriber, mosquitto');
      stall.mosquitto = await stalledMemory(`mqtts://localhost:${mosqDefaultPort}`, ca, mosqDefault.child.pid!);
    } finally {
      await mosqDefault.stop();
    }
  }

  const loadAfter = os.loadavg();
  const rows = Object.entries(results).map(([label, r]) => {
    const d = median(r.dev.map((x) => x.rate)),
      m = median(r.mosquitto.map((x) => x.rate));
    return {
      label,
      dev: Math.round(d),
      mosquitto: Math.round(m),
      ratio: Number((d / m).toFixed(2)),
      met: d / m >= 1.2,
      devRounds: r.dev.map((x) => Math.round(x.rate)),
      mosquittoRounds: r.mosquitto.map((x) => Math.round(x.rate)),
      devCpuMsPerRound: Math.round(median(r.dev.map((x) => x.brokerCpuMs))),
      mosquittoCpuMsPerRound: Math.round(median(r.mosquitto.map((x) => x.brokerCpuMs))),
      benchCpuMsPerRound: Math.round(median([...r.dev, ...r.mosquitto].map((x) => x.benchCpuMs))),
    };
  });
  const manySummary = (xs: (Awaited<ReturnType<typeof manyClients>> & Cpu)[]) => ({
    ms: median(xs.map((x) => x.ms)),
    rounds: xs.map((x) => Math.round(x.ms)),
    delivered: Math.min(...xs.map((x) => x.delivered)),
    lost: Math.max(...xs.map((x) => x.lost)),
    brokerCpuMs: median(xs.map((x) => x.brokerCpuMs)),
    benchCpuMs: median(xs.map((x) => x.benchCpuMs)),
  });
  const manyDev = many.dev.length ? manySummary(many.dev) : undefined;
  const manyMosq = many.mosquitto.length ? manySummary(many.mosquitto) : undefined;
  const hsSummary = (h: { latencies: number[] } & Cpu) => ({
    p50Ms: Number(median(h.latencies).toFixed(2)),
    p90Ms: Number([...h.latencies].sort((a, b) => a - b)[Math.floor(h.latencies.length * 0.9)].toFixed(2)),
    brokerCpuMsEach: Number((h.brokerCpuMs / h.latencies.length).toFixed(2)),
    benchCpuMsEach: Number((h.benchCpuMs / h.latencies.length).toFixed(2)),
  });
  const hsDev = hs.dev ? hsSummary(hs.dev) : undefined;
  const hsMosq = hs.mosquitto ? hsSummary(hs.mosquitto) : undefined;
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    messages: MESSAGES,
    rounds: ROUNDS,
    readyFirstStartMs: Math.round(firstMs),
    readyMedianMs: Math.round(median(ready)),
    readyInProcessMedianMs: Math.round(median(inProcess)),
    readyRunsMs: ready.map(Math.round),
    loadAverage: { before: loadBefore, after: loadAfter },
    throughput: rows,
    handshakes: { count: HANDSHAKES, dev: hsDev, mosquitto: hsMosq },
    manyClients: { clients: CLIENTS, messagesEach: CLIENT_MESSAGES, dev: manyDev, mosquitto: manyMosq },
    stalledSubscriber: { messages: STALL_MESSAGES, payloadBytes: 1024, ...stall },
  };
  const fmtMany = (r: NonNullable<typeof manyDev>) =>
    `${(r.ms / 1000).toFixed(1)} s (${r.rounds.map((x) => (x / 1000).toFixed(1)).join(', ')}) | ${r.delivered} | ${r.lost} | ${(r.brokerCpuMs / 1000).toFixed(1)} s | ${(r.benchCpuMs / 1000).toFixed(1)} s`;
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const fmtStall = (r: { baseMiB: number; peakMiB: number; healthyGot: number }) =>
    `${r.baseMiB.toFixed(0)} MiB | ${r.peakMiB.toFixed(0)} MiB | ${r.healthyGot} of ${STALL_MESSAGES}`;
  const lines = [
    `# Dev broker benchmark (${report.date}, node ${report.node}, ${report.cpus} cores, medians)`,
    '',
    `Load average (1, 5, 15 min) at the start: ${fmtLoad(loadBefore)}; at the end: ${fmtLoad(loadAfter)}.`,
    '',
    ...(ready.length === 0
      ? []
      : [
          '## Ready time (`brokerkit dev-broker --json`, process start to the `ready` event; TLS Ec256 + plain port)',
          '',
          '| what | median | target |',
          '|---|---|---|',
          `| start with a new server certificate (CA exists) | ${report.readyMedianMs} ms (of which certificates + listening ${report.readyInProcessMedianMs} ms, the rest is node loading the CLI) | ≤ 1000 ms |`,
          `| first start ever (makes the dev CA too) | ${report.readyFirstStartMs} ms | - |`,
          '',
        ]),
    ...(rows.length === 0
      ? []
      : [
          `## TLS QoS 1 throughput (${MESSAGES} messages of 100 bytes, MQTT.js publisher + subscriber, ${ROUNDS} rounds each)`,
          '',
          'In-flight window the same on both brokers: MQTT 5 clients send Receive Maximum 65535 (without it mosquitto 2.0',
          'uses its max_inflight_messages, 20, and the dev broker the protocol default, 65535); MQTT 3.1.1: 20 on both.',
          '',
          '| protocol | dev broker msg/s | mosquitto msg/s | ratio | target | met? | broker CPU per round (dev / mosquitto) | rounds (dev / mosquitto) |',
          '|---|---|---|---|---|---|---|---|',
          ...rows.map(
            (r) =>
              `| ${r.label} | ${r.dev} | ${r.mosquitto} | ${r.ratio}× | ≥ 1.2× | ${r.met ? 'yes' : 'no'} | ${r.devCpuMsPerRound} / ${r.mosquittoCpuMsPerRound} ms | ${r.devRounds.join(', ')} / ${r.mosquittoRounds.join(', ')} |`,
          ),
          '',
          `The bench process (MQTT.js publisher + subscriber) used ${rows[0].benchCpuMsPerRound} ms of CPU per round (median).`,
          '',
        ]),
    ...(hsDev && hsMosq ? handshakeLines(hsDev, hsMosq) : []),
    ...(manyDev && manyMosq ? manyLines(manyDev, manyMosq) : []),
    ...(stall.dev ? stallLines() : []),
    'mosquitto: Debian package, config `user root`, `max_queued_messages 0`, TLS listener with the same certificate.',
    '',
  ];
  function handshakeLines(d: NonNullable<typeof hsDev>, m: NonNullable<typeof hsDev>): string[] {
    const row = (name: string, h: typeof d) =>
      `| ${name} | ${h.p50Ms} ms | ${h.p90Ms} ms | ${h.brokerCpuMsEach} ms | ${h.benchCpuMsEach} ms |`;
    return [
      `## TLS handshakes (${HANDSHAKES} one after another, ECDSA P-256 server certificate, no MQTT)`,
      '',
      '| broker | latency p50 | latency p90 | broker CPU per handshake | client (bench) CPU per handshake |',
      '|---|---|---|---|---|',
      row('dev broker', d),
      row('mosquitto', m),
      '',
    ];
  }
  function manyLines(d: NonNullable<typeof manyDev>, m: NonNullable<typeof manyDev>): string[] {
    const ratio = m.ms / d.ms;
    return [
      `## ${CLIENTS} concurrent MQTT.js clients on TLS (MQTT 5), each subscribing and publishing ${CLIENT_MESSAGES} QoS 1 messages (${MANY_ROUNDS} rounds each, alternating)`,
      '',
      '| broker | connect + subscribe + all delivered (rounds) | delivered | lost | broker CPU | bench CPU (one node process, all clients) |',
      '|---|---|---|---|---|---|',
      `| dev broker | ${fmtMany(d)} |`,
      `| mosquitto | ${fmtMany(m)} |`,
      '',
      `Target: every message delivered, none lost: ${d.lost === 0 && d.delivered === CLIENTS * CLIENT_MESSAGES ? 'met' : 'NOT met'}. ` +
        `Time ratio (mosquitto / dev broker): ${ratio.toFixed(2)}× (for information: most of the time is the bench's own TLS handshakes).`,
      '',
    ];
  }
  function stallLines(): string[] {
    return [
      `## Broker memory with a stalled subscriber (${STALL_MESSAGES} QoS 1 messages of 1 KiB published to it and to a healthy subscriber)`,
      '',
      '| broker | RSS before | RSS peak | healthy subscriber got |',
      '|---|---|---|---|',
      `| dev broker | ${fmtStall(stall.dev)} |`,
      `| mosquitto (default queue: max_queued_messages 1000) | ${fmtStall(stall.mosquitto)} |`,
      '',
    ];
  }
  fs.mkdirSync('.bench', { recursive: true });
  fs.writeFileSync('.bench/broker.md', lines.join('\n'));
  fs.writeFileSync('.bench/broker.json', JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(lines.join('\n'));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench:broker failed: ${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});

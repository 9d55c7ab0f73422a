// npm run bench:kube: the cluster views at scale. A Kubernetes API test server in its own process holds 10,000
// BrokerListeners (with their Services) and 10,000 Jobs in sc-system. Measured, as medians:
//  - first full tree data: connect, list everything both views need, build both trees (target ≤ 1 s);
//  - a watch event reaching the tree data: a change applied on the server → the rebuilt tree contains it (≤ 100 ms);
//  - tree build time alone, and memory after the initial sync.
// Written to .bench/kube.md and .bench/kube.json. Knobs: BENCH_LISTENERS, BENCH_JOBS, BENCH_RUNS, BENCH_SAMPLES, BENCH_PAGE
// (list page size; 500 by default, like client-go; 2,000 measured no faster).
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, listenersTree, serviceConnectorTree, ClusterSession, TreeBuilder } from '../server/src/kube';
import { demoObjects, job, listener, service } from '../test/kube-server';

const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 10_000);
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p90 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))];
};
const mb = (n: number) => Math.round(n / 1024 / 1024);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function seed(): any[] {
  const objs = demoObjects();
  for (let i = 0; i < LISTENERS; i++) {
    const ns = `bench-${String(Math.floor(i / 100)).padStart(3, '0')}`;
    const name = `listener-${String(i).padStart(5, '0')}`;
    const type = ['ClusterIp', 'LoadBalancer', 'NodePort'][i % 3];
    objs.push(
      listener(
        name,
        {
          brokerRef: 'default',
          serviceType: type,
          ports: [
            { port: 1883, protocol: 'Mqtt' },
            {
              port: 8883,
              authenticationRef: 'default',
              tls: {
                mode: 'Automatic',
                certManagerCertificateSpec: {
                  issuerRef: {
                    name: 'azure-iot-operations-aio-certificate-issuer',
                    kind: 'ClusterIssuer',
                    group: 'cert-manager.io',
                  },
                },
              },
            },
          ],
        },
        { runtimeStatus: { status: 'Running', description: 'All replicas are running.' } },
        ns,
      ),
    );
    objs.push(
      service(name, type === 'ClusterIp' ? 'ClusterIP' : type, [{ port: 1883 }, { port: 8883 }], {
        namespace: ns,
        ...(type === 'LoadBalancer' ? { externalIp: `20.0.${Math.floor(i / 250)}.${i % 250}` } : {}),
      }),
    );
  }
  for (let i = 0; i < JOBS; i++)
    objs.push(job(`job-${String(i).padStart(5, '0')}`, 'sc-system', i % 10 === 0 ? 'failed' : 'succeeded'));
  return objs;
}

interface Server {
  kubeconfig: string;
  send(msg: unknown): Promise<void>;
  stop(): void;
}

async function startServer(dir: string): Promise<Server> {
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed()));
  const kubeconfig = join(dir, 'kubeconfig');
  const cli = join(__dirname, '..', 'test', 'kube-server', 'cli.js');
  const child = spawn(process.execPath, [cli, '--seed', seedFile, '--kubeconfig-out', kubeconfig, '--control'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((r) => waiting.push(r));
  const first = JSON.parse(await next());
  if (!first.url) throw new Error('test server did not start');
  return {
    kubeconfig,
    send: async (msg) => {
      const answer = next();
      child.stdin!.write(JSON.stringify(msg) + '\n');
      const a = JSON.parse(await answer);
      if (!a.ok) throw new Error(a.error);
    },
    stop: () => child.kill(),
  };
}

function both(s: ClusterSession, b = new TreeBuilder()) {
  const snap = s.snapshot();
  return { l: b.listeners(snap), sc: b.serviceConnector(snap) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bk-bench-kube-'));
  const t0 = performance.now();
  const server = await startServer(dir);
  const startMs = performance.now() - t0;
  const first: number[] = [];
  let heapBase = 0;
  let heapAfter = 0;
  let rssAfter = 0;
  let session: ClusterSession | undefined;
  for (let r = 0; r < RUNS; r++) {
    session?.stop();
    gc();
    if (r === 0) heapBase = process.memoryUsage().heapUsed; // before any session: the baseline
    const t = performance.now();
    session = connect({
      kubeconfig: server.kubeconfig,
      ...(process.env.BENCH_PAGE ? { pageSize: Number(process.env.BENCH_PAGE) } : {}),
    }).session;
    session.need('listeners');
    session.need('serviceConnector');
    await Promise.all([session.settled('listeners'), session.settled('serviceConnector')]);
    const trees = both(session);
    first.push(performance.now() - t);
    if (trees.l[0].children!.length < 100) throw new Error('listeners tree incomplete');
    gc();
    heapAfter = process.memoryUsage().heapUsed;
    rssAfter = process.memoryUsage().rss;
  }
  if (!session) throw new Error('no runs');
  const live: ClusterSession = session;
  const snap = live.snapshot();
  const counts = {
    listeners: snap.resources.brokerlisteners!.items.length,
    services: snap.resources.services!.items.length,
    jobs: snap.resources.scjobs!.items.length,
  };

  const builds: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    both(live);
    builds.push(performance.now() - t);
  }
  // What a view does on each change: rebuild with its builder (unchanged listeners and jobs are reused).
  const builder = new TreeBuilder();
  both(live, builder);
  const rebuilds: number[] = [];

  const buildL: number[] = [];
  const buildSc: number[] = [];
  for (let i = 0; i < 10; i++) {
    let t = performance.now();
    listenersTree(live.snapshot());
    buildL.push(performance.now() - t);
    t = performance.now();
    serviceConnectorTree(live.snapshot());
    buildSc.push(performance.now() - t);
  }

  // A watch event → the rebuilt tree data contains it. The view rebuilds only the tree whose resources changed.
  const jobLat: number[] = [];
  const listenerLat: number[] = [];
  const listenerRebuilds: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const name = `bench-new-${i}`;
    const seen = new Promise<number>((resolve) => {
      const f = () => {
        const tb = performance.now();
        const tree = builder.serviceConnector(live.snapshot());
        rebuilds.push(performance.now() - tb);
        const jobs = tree.find((n) => n.id === 'sc/jobs')!;
        if (jobs.children!.some((n) => n.label === name)) {
          live.off('change', f);
          resolve(performance.now());
        }
      };
      live.on('change', f);
    });
    const t = performance.now();
    await server.send({ op: 'apply', object: job(name, 'sc-system', 'running') });
    jobLat.push((await seen) - t);
  }
  for (let i = 0; i < SAMPLES; i++) {
    const name = `listener-${String(i * 7).padStart(5, '0')}`;
    const ns = `bench-${String(Math.floor((i * 7) / 100)).padStart(3, '0')}`;
    const status = `Recovering ${i}`;
    const seen = new Promise<number>((resolve) => {
      const f = () => {
        const l = live
          .snapshot()
          .resources.brokerlisteners!.items.find((o) => o.metadata.name === name && o.metadata.namespace === ns);
        if (l?.status?.runtimeStatus?.status !== status) return;
        const tb = performance.now();
        builder.listeners(live.snapshot());
        listenerRebuilds.push(performance.now() - tb);
        live.off('change', f);
        resolve(performance.now());
      };
      live.on('change', f);
    });
    const obj = listener(
      name,
      { brokerRef: 'default', serviceType: 'ClusterIp', ports: [{ port: 1883 }] },
      { runtimeStatus: { status, description: 'bench' } },
      ns,
    );
    const t = performance.now();
    await server.send({ op: 'apply', object: obj });
    listenerLat.push((await seen) - t);
  }
  live.stop();
  server.stop();

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: require('node:os').cpus().length,
    loadAverage: require('node:os')
      .loadavg()
      .map((x: number) => +x.toFixed(1)),
    objects: counts,
    runs: RUNS,
    samples: SAMPLES,
    serverStartMs: Math.round(startMs),
    firstTreeDataMs: { median: Math.round(median(first)), all: first.map(Math.round) },
    treeBuildMs: {
      both: +median(builds).toFixed(1),
      listeners: +median(buildL).toFixed(1),
      serviceConnector: +median(buildSc).toFixed(1),
      rebuildServiceConnectorAfterJobEvent: +median(rebuilds).toFixed(1),
      rebuildListenersAfterListenerEvent: +median(listenerRebuilds).toFixed(1),
    },
    watchEventToTreeMs: {
      job: { median: +median(jobLat).toFixed(1), p90: +p90(jobLat).toFixed(1) },
      listener: { median: +median(listenerLat).toFixed(1), p90: +p90(listenerLat).toFixed(1) },
    },
    memoryMB: {
      heapForSession: mb(heapAfter - heapBase),
      heapUsed: mb(heapAfter),
      heapBefore: mb(heapBase),
      rss: mb(rssAfter),
    },
    debounceMs: 50,
  };
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/kube.json', JSON.stringify(result, null, 2) + '\n');
  const md = [
    '# Cluster views benchmark (npm run bench:kube)',
    '',
    `${result.date}, node ${result.node}, ${result.cpus} cores, load average ${result.loadAverage.join(' / ')} (a shared machine: figures scale with it). Test server in its own process; ${counts.listeners} BrokerListeners, ${counts.services} Services, ${counts.jobs} Jobs (plus the demo objects).`,
    '',
    '| measure | median | target |',
    '|---|---|---|',
    `| first full tree data (connect, list, both trees) | ${result.firstTreeDataMs.median} ms (runs: ${result.firstTreeDataMs.all.join(', ')}) | ≤ 1000 ms |`,
    `| watch event → Service Connector tree (new job) | ${result.watchEventToTreeMs.job.median} ms (p90 ${result.watchEventToTreeMs.job.p90}) | ≤ 100 ms |`,
    `| watch event → Broker Listeners tree (listener status) | ${result.watchEventToTreeMs.listener.median} ms (p90 ${result.watchEventToTreeMs.listener.p90}) | ≤ 100 ms |`,
    `| tree build from scratch: both / listeners / service connector | ${result.treeBuildMs.both} / ${result.treeBuildMs.listeners} / ${result.treeBuildMs.serviceConnector} ms | |`,
    `| tree rebuild after one watch event, reusing unchanged nodes: service connector (job) / listeners (listener) | ${result.treeBuildMs.rebuildServiceConnectorAfterJobEvent} / ${result.treeBuildMs.rebuildListenersAfterListenerEvent} ms | |`,
    `| memory held by a synced session with both trees (heap after − heap before the first connect) | ${result.memoryMB.heapForSession} MB (heap ${result.memoryMB.heapBefore} → ${result.memoryMB.heapUsed} MB; rss ${result.memoryMB.rss} MB) | reported |`,
    '',
    `Change events are throttled (the first after a quiet period at once, then at most one per ${result.debounceMs} ms); latencies are measured from the server-side change to the rebuilt tree data.`,
    '',
  ].join('\n');
  writeFileSync('.bench/kube.md', md);
  process.stdout.write(md);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

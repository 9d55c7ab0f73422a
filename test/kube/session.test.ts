// A session against the test server: tree data for both views, sc-job runs kept after deletion, problems as nodes,
// AIO missing, debounced updates with stable ids, and secret values never kept.
import * as net from 'node:net';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeTestServer, demoObjects, job, jobPod } from '../kube-server';
import { connect, listenersTree, serviceConnectorTree, ClusterSession, TreeNode } from '../../server/src/kube';
import { startDemoCluster, writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

const cleanup: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function setup(
  opts: ConstructorParameters<typeof KubeTestServer>[0] = {},
  session: Parameters<typeof connect>[0] = {},
  kc?: Parameters<KubeTestServer['kubeconfig']>[0],
) {
  const server = await startDemoCluster(opts);
  cleanup.push(() => server.stop());
  const dir = tempDir();
  const { session: s } = connect({
    kubeconfig: writeKubeconfig(server, dir, kc),
    backoffMs: 20,
    maxBackoffMs: 200,
    ...session,
  });
  cleanup.push(() => s.stop());
  return { server, session: s, dir };
}

function find(nodes: TreeNode[], pred: (n: TreeNode) => boolean): TreeNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const c = find(n.children ?? [], pred);
    if (c) return c;
  }
  return undefined;
}
function ids(nodes: TreeNode[], out: string[] = []): string[] {
  for (const n of nodes) {
    out.push(n.id);
    ids(n.children ?? [], out);
  }
  return out;
}

/** Resolves when the session's debounced change makes `pred` true. */
function whenTree(s: ClusterSession, pred: () => boolean, what: string): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      s.off('change', f);
      reject(new Error(`timed out waiting for ${what}`));
    }, 15_000);
    const f = () => {
      if (pred()) {
        clearTimeout(guard);
        s.off('change', f);
        resolve();
      }
    };
    s.on('change', f);
  });
}

test('no cluster I/O until a consumer needs something', async () => {
  const { server, session } = await setup();
  let requests = 0;
  server.events.on('request', () => requests++);
  const snap = session.snapshot();
  assert.deepEqual(snap.resources, {});
  assert.equal(requests, 0);
  const release = session.need('listeners');
  await session.settled('listeners');
  assert.ok(requests > 0);
  assert.deepEqual(
    Object.keys(session.snapshot().resources).sort(),
    [
      'brokerauthentications',
      'brokerauthorizations',
      'certificates',
      'clusterissuers',
      'issuers',
      'secrets',
      'services',
      'brokerlisteners',
    ].sort(),
  );
  release();
  assert.deepEqual(session.snapshot().resources, {}, 'released informers stop');
});

test('sc-job runs seen since connecting are kept after deletion, with the time of removal', async () => {
  const t = new Date(2025, 0, 15, 12, 3, 0).getTime();
  const { server, session } = await setup({}, { clock: () => t });
  session.need('serviceConnector');
  await session.settled('serviceConnector');
  const jobsGroup = () => serviceConnectorTree(session.snapshot()).find((n) => n.id === 'sc/jobs')!;
  assert.equal(jobsGroup().children!.filter((n) => n.contextValue?.startsWith('job')).length, 1);
  server.remove('batch/v1', 'Job', 'sc-system', 'sc-job');
  const next = job('sc-job', 'sc-system', 'succeeded');
  server.apply(next);
  await whenTree(
    session,
    () => jobsGroup().children!.filter((n) => n.contextValue?.startsWith('job')).length === 2,
    'the second run',
  );
  server.remove('batch/v1', 'Job', 'sc-system', 'sc-job');
  await whenTree(
    session,
    () => jobsGroup().children!.filter((n) => n.contextValue === 'job-removed').length === 2,
    'both runs removed',
  );
  const runs = jobsGroup()
    .children!.filter((n) => n.contextValue === 'job-removed')
    .map((n) => `${n.label}: ${n.description}`)
    .sort();
  assert.deepEqual(runs, ['sc-job: failed, removed at 12:03', 'sc-job: succeeded, removed at 12:03']);
  const failed = jobsGroup().children!.find((n) => n.description?.startsWith('failed'))!;
  assert.ok(
    find([failed], (n) => n.contextValue === 'diagnosis-fix'),
    'the diagnosis stays with the removed run',
  );
});

test('a job created on the server appears in the tree through the watch; ids stay stable', async () => {
  const { server, session } = await setup();
  session.need('serviceConnector');
  await session.settled('serviceConnector');
  const before = ids(serviceConnectorTree(session.snapshot()));
  const j = server.apply(job('sc-job-2', 'sc-system', 'running'));
  server.apply(jobPod(j, 'abcde', 'running'));
  await whenTree(
    session,
    () => !!find(serviceConnectorTree(session.snapshot()), (n) => n.label === 'sc-job-2-abcde'),
    'the new job and its pod',
  );
  const afterIds = ids(serviceConnectorTree(session.snapshot()));
  for (const id of before) assert.ok(afterIds.includes(id), `id ${id} kept`);
  const node = find(serviceConnectorTree(session.snapshot()), (n) => n.label === 'sc-job-2')!;
  assert.equal(node.description, 'active');
});

test('watch events are debounced: a burst of changes is one update', async () => {
  const { server, session } = await setup({}, { debounceMs: 200 });
  session.need('serviceConnector');
  await session.settled('serviceConnector');
  let changes = 0;
  session.on('change', () => changes++);
  const seen = new Promise<void>((r) => session.once('change', () => r()));
  for (let i = 0; i < 25; i++) server.apply(job(`burst-${i}`, 'sc-system', 'running'));
  await seen;
  await whenTree(session, () => session.snapshot().resources.scjobs!.items.length === 26, 'all 25 jobs');
  assert.ok(changes <= 3, `${changes} updates for 25 events`);
});

test('a forbidden resource is a node that names it and says how to fix it; the rest still shows', async () => {
  const { session } = await setup({}, {});
  const s2 = await setup();
  s2.server.faults.forbidden = [{ resource: 'jobs', group: 'batch', namespace: 'sc-system' }];
  s2.session.need('serviceConnector');
  await s2.session.settled('serviceConnector');
  const tree = serviceConnectorTree(s2.session.snapshot());
  const jobs = tree.find((n) => n.id === 'sc/jobs')!;
  const p = jobs.children![0];
  assert.equal(p.contextValue, 'problem');
  assert.equal(p.label, 'no permission to list jobs in sc-system');
  assert.match(p.children![0].label, /Ask a cluster admin for a Role allowing 'list' on 'jobs' in 'sc-system'/);
  assert.equal(p.level, 'error');
  assert.ok(
    find(tree, (n) => n.label === 'sc-extension'),
    'releases still shown',
  );
  session.stop();
});

test('port details are made when first read, once', async () => {
  const { session } = await setup();
  session.need('listeners');
  await session.settled('listeners');
  const tree = listenersTree(session.snapshot());
  const port = find(tree, (n) => n.contextValue === 'port')!;
  assert.equal(port.lazy, true);
  assert.equal(Object.getOwnPropertyDescriptor(port, 'children')!.get !== undefined, true, 'a getter, not built yet');
  const first = port.children!;
  assert.ok(first.length >= 4 && first.every((d) => d.contextValue === 'attribute'));
  assert.equal(port.children, first, 'made once');
  // JSON (inspect --json) and the text view still show them.
  assert.ok(JSON.parse(JSON.stringify(port)).children.length === first.length);
  session.stop();
});

test('AIO not installed: the listeners view says so instead of failing', async () => {
  const { session } = await setup({
    aio: false,
    objects: demoObjects().filter((o) => !o.apiVersion.startsWith('mqttbroker.')),
  });
  session.need('listeners');
  await session.settled('listeners');
  const tree = listenersTree(session.snapshot());
  const p = tree[0].children!.find((n) => n.contextValue === 'problem')!;
  assert.match(
    p.label,
    /Azure IoT Operations is not installed in this cluster \(the API group mqttbroker\.iotoperations\.azure\.com is missing\)/,
  );
  assert.equal(
    tree[0].children!.filter((n) => n.contextValue === 'problem').length,
    1,
    'reported once, not per AIO resource',
  );
});

test('an exec plugin waiting for a sign-in is one node with sign-in instructions', async () => {
  const dir = tempDir();
  const hang = join(dir, 'kubelogin.js');
  writeFileSync(hang, 'setInterval(() => {}, 1000);\n');
  const { session } = await setup(
    {},
    { client: { execTimeoutMs: 300 } },
    {
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: process.execPath,
          args: [hang, 'get-token'],
        },
      },
    },
  );
  session.need('listeners');
  await session.settled('listeners');
  const tree = listenersTree(session.snapshot());
  const probs = tree[0].children!.filter((n) => n.contextValue === 'problem');
  assert.equal(probs.length, 1);
  assert.match(probs[0].label, /probably waiting for an interactive sign-in/);
  assert.match(probs[0].tooltip ?? '', /get-token` in a terminal once to sign in/);
});

test(
  'a credential plugin still waiting for a sign-in is killed when the session stops (not left behind)',
  { timeout: 30_000 },
  async () => {
    // The plugin holds a connection to us: its end is the event that says the process is gone.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    cleanup.push(() => {
      probe.close();
    });
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const gone = new Promise<void>((r) =>
      probe.on('connection', (sock) => {
        started();
        sock.on('close', () => r());
        sock.resume();
      }),
    );
    const dir = tempDir();
    const plugin = join(dir, 'kubelogin.js');
    writeFileSync(
      plugin,
      `require('net').connect(${(probe.address() as net.AddressInfo).port}, '127.0.0.1'); setInterval(() => {}, 1000);\n`,
    );
    // A time limit far beyond the test's own: only stop() can end the plugin in time.
    const { session } = await setup(
      {},
      { client: { execTimeoutMs: 120_000 } },
      {
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: process.execPath,
            args: [plugin, 'get-token'],
          },
        },
      },
    );
    session.need('listeners');
    await running;
    session.stop();
    await gone;
  },
);

test('secret values and TLS private keys are never kept', async () => {
  const { session } = await setup();
  session.need('listeners');
  session.need('serviceConnector');
  session.need('facts');
  await Promise.all([session.settled('listeners'), session.settled('serviceConnector'), session.settled('facts')]);
  const all = JSON.stringify(session.snapshot());
  assert.doesNotMatch(all, /PRIVATE KEY|VE9QLVNFQ1JFVC|blob\.core\.windows\.net|aHR0cHM6Ly9kZW1vLmJsb2I/);
  const tls = session.snapshot().resources.secrets!.items.find((s) => s.metadata.name === 'test-ca');
  assert.deepEqual(Object.keys(tls.data), ['tls.crt']);
  assert.deepEqual(tls.dataKeys, ['tls.crt', 'tls.key']);
});

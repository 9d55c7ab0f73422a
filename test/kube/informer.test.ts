// The informer under every fault the test server can inject: it must end with exactly the server's objects, and never
// announce an object twice or lose a delete.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeTestServer, job } from '../kube-server';
import { loadKubeconfig } from '../../server/src/kube/config';
import { KubeClient, ClientOptions } from '../../server/src/kube/client';
import { Informer, Change } from '../../server/src/kube/informer';
import { writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

const servers: KubeTestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function cluster(n = 40): Promise<KubeTestServer> {
  const objects = Array.from({ length: n }, (_, i) =>
    job(`job-${String(i).padStart(3, '0')}`, 'sc-system', i % 3 ? 'succeeded' : 'failed'),
  );
  const s = await new KubeTestServer({ objects }).start();
  servers.push(s);
  return s;
}

function client(
  s: KubeTestServer,
  opts: ClientOptions = {},
  kubeconfig?: Parameters<KubeTestServer['kubeconfig']>[0],
): KubeClient {
  const dir = tempDir();
  const info = loadKubeconfig(writeKubeconfig(s, dir, kubeconfig));
  return new KubeClient(info.kc, info.currentContext, { requestTimeoutMs: 5000, ...opts });
}

/** An informer on sc-system jobs that also checks every event against its own bookkeeping. */
function informer(c: KubeClient) {
  const inf = new Informer(c, {
    path: '/apis/batch/v1/namespaces/sc-system/jobs',
    resource: 'jobs',
    namespace: 'sc-system',
    pageSize: 7,
    backoffMs: 20,
    maxBackoffMs: 200,
  });
  running.push(inf);
  const present = new Set<string>();
  const problems: string[] = [];
  inf.on('change', (c: Change) => {
    const k = c.object.metadata.name;
    if (c.type === 'add') {
      if (present.has(k)) problems.push(`duplicate add ${k}`);
      present.add(k);
    } else if (c.type === 'update') {
      if (!present.has(k)) problems.push(`update of unknown ${k}`);
    } else {
      if (!present.has(k)) problems.push(`delete of unknown ${k}`);
      present.delete(k);
    }
  });
  return { inf, present, problems };
}

const running: Informer[] = [];
after(() => {
  for (const i of running) i.stop();
});

/** Resolves once the server has an open watch (the informer's watch is registered). */
async function watching(s: KubeTestServer): Promise<void> {
  if (s.openWatches() >= 1) return;
  await s.nextWatch('jobs', 'ok');
}

function until(inf: Informer, pred: () => boolean, what: string): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}; state ${inf.state} ${inf.error?.message ?? ''}`));
    }, 15_000);
    const check = () => {
      if (pred()) {
        off();
        resolve();
      }
    };
    const off = () => {
      clearTimeout(guard);
      inf.off('change', check);
      inf.off('state', check);
      inf.off('synced', check);
    };
    inf.on('change', check);
    inf.on('state', check);
    inf.on('synced', check);
  });
}

function sameAsServer(s: KubeTestServer, inf: Informer, present: Set<string>): boolean {
  const want = s.list('batch/v1', 'Job', 'sc-system');
  if (want.length !== inf.objects.size || want.length !== present.size) return false;
  return want.every(
    (o) =>
      inf.objects.get(`sc-system/${o.metadata.name}`)?.metadata.resourceVersion === o.metadata.resourceVersion &&
      present.has(o.metadata.name),
  );
}

async function converge(s: KubeTestServer, t: ReturnType<typeof informer>, what: string) {
  await until(t.inf, () => sameAsServer(s, t.inf, t.present), what);
  assert.deepEqual(t.problems, []);
}

function mutate(s: KubeTestServer, tag: string) {
  s.apply(job(`new-${tag}-a`, 'sc-system', 'running'));
  s.apply(job(`new-${tag}-b`, 'sc-system', 'running'));
  const victim = s.list('batch/v1', 'Job', 'sc-system').find((o) => o.metadata.name.startsWith('job-'))!;
  s.remove('batch/v1', 'Job', 'sc-system', victim.metadata.name);
  const changed = s.list('batch/v1', 'Job', 'sc-system').find((o) => o.metadata.name.startsWith('job-'))!;
  changed.metadata.labels = { ...changed.metadata.labels, touched: tag };
  s.apply(changed);
  return victim.metadata.name;
}

test('lists in pages, then watches: adds, updates and deletes arrive once', async () => {
  const s = await cluster();
  const t = informer(client(s));
  t.inf.start();
  await t.inf.whenSynced();
  assert.equal(t.inf.objects.size, 40);
  assert.deepEqual(t.problems, []);
  await watching(s);
  mutate(s, 'plain');
  await converge(s, t, 'live events');
  assert.equal(t.inf.stats.lists, 1);
  t.inf.stop();
});

for (const how of ['end', 'destroy'] as const) {
  test(`a dropped watch (${how}) resumes from its resourceVersion without a re-list`, async () => {
    const s = await cluster();
    const t = informer(client(s));
    t.inf.start();
    await t.inf.whenSynced();
    await watching(s);
    const resumed = s.nextWatch('jobs');
    s.dropWatches(how);
    const victim = mutate(s, how);
    const w = await resumed;
    assert.equal(w.outcome, 'ok');
    assert.notEqual(w.resourceVersion, '');
    await converge(s, t, 'events after the drop');
    assert.ok(!t.inf.objects.has(`sc-system/${victim}`));
    assert.equal(t.inf.stats.lists, 1, 'no re-list needed');
    t.inf.stop();
  });
}

test('410 Gone after compaction: re-lists, deletes missed objects once, adds new ones once', async () => {
  const s = await cluster();
  const t = informer(client(s));
  t.inf.start();
  await t.inf.whenSynced();
  await watching(s);
  s.faults.hang = true; // hold the resume until the history is gone
  s.dropWatches('destroy');
  const victim = mutate(s, 'gone');
  s.compact();
  const gone = s.nextWatch('jobs', 'gone');
  s.release();
  await gone;
  await converge(s, t, 'the re-list');
  assert.ok(t.inf.stats.relists410 >= 1);
  assert.ok(t.inf.stats.lists >= 2);
  assert.ok(!t.present.has(victim));
  t.inf.stop();
});

test('a 410 ERROR event on an open watch triggers a re-list', async () => {
  const s = await cluster(10);
  const t = informer(client(s));
  t.inf.start();
  await t.inf.whenSynced();
  await watching(s);
  s.faults.goneWatches = 2;
  s.dropWatches();
  mutate(s, 'err410');
  await until(t.inf, () => t.inf.stats.relists410 === 2, 'two 410 re-lists');
  await converge(s, t, 'the re-list after two 410s');
  assert.equal(t.inf.stats.relists410, 2);
  t.inf.stop();
});

test('403 is an error state naming the resource and namespace; it recovers when permission is granted', async () => {
  const s = await cluster(5);
  s.faults.forbidden = [{ resource: 'jobs', group: 'batch', namespace: 'sc-system' }];
  const t = informer(client(s));
  t.inf.start();
  await until(t.inf, () => t.inf.state === 'error', 'the error state');
  assert.equal(t.inf.error?.kind, 'forbidden');
  assert.equal(t.inf.error?.message, 'no permission to list jobs in sc-system');
  assert.match(
    t.inf.error?.hint ?? '',
    /cannot list resource "jobs" in API group "batch" in the namespace "sc-system"/,
  );
  await assert.rejects(t.inf.whenSynced(), /no permission/);
  s.faults.forbidden = [];
  t.inf.retryNow();
  await converge(s, t, 'recovery');
  assert.equal(t.inf.state, 'synced');
  t.inf.stop();
});

test('401 is an unauthorized state with a sign-in hint', async () => {
  const s = await cluster(1);
  const t = informer(client(s, {}, { token: 'wrong' }));
  t.inf.start();
  await until(t.inf, () => t.inf.state === 'error', 'the error state');
  assert.equal(t.inf.error?.kind, 'unauthorized');
  assert.match(t.inf.error?.hint ?? '', /Sign in again/);
  t.inf.stop();
});

test('a server that does not answer is a timeout state; the informer recovers when it answers again', async () => {
  const s = await cluster(3);
  s.faults.hang = true;
  const t = informer(client(s, { requestTimeoutMs: 300 }));
  t.inf.start();
  await until(t.inf, () => t.inf.state === 'error', 'the timeout');
  assert.equal(t.inf.error?.kind, 'timeout');
  s.release();
  await converge(s, t, 'recovery after the timeout');
  t.inf.stop();
});

test('slow answers (latency) still converge', async () => {
  const s = await cluster(12);
  s.faults.latencyMs = 150;
  const t = informer(client(s));
  t.inf.start();
  await t.inf.whenSynced();
  mutate(s, 'slow');
  await converge(s, t, 'slow events');
  t.inf.stop();
});

test('an unreachable server is an unreachable state', async () => {
  const s = await cluster(1);
  const c = client(s);
  await s.stop();
  servers.splice(servers.indexOf(s), 1);
  const t = informer(c);
  t.inf.start();
  await until(t.inf, () => t.inf.state === 'error', 'the error state');
  assert.equal(t.inf.error?.kind, 'unreachable');
  assert.match(t.inf.error?.message ?? '', /cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  t.inf.stop();
});

test('stop() is silent: no error state, no events after it', async () => {
  const s = await cluster(3);
  const t = informer(client(s));
  t.inf.start();
  await t.inf.whenSynced();
  await watching(s);
  const states: string[] = [];
  t.inf.on('state', (st) => states.push(st));
  let after = 0;
  t.inf.stop();
  t.inf.on('change', () => after++);
  const closed = new Promise((r) => s.events.once('watch-closed', r));
  await closed;
  s.apply(job('after-stop', 'sc-system', 'running'));
  assert.deepEqual(states, ['stopped']);
  assert.equal(after, 0);
  assert.equal(t.inf.error, undefined);
});

test('an exec credential plugin that waits for a sign-in times out with instructions; a working one is used', async () => {
  const s = await cluster(2);
  const dir = tempDir();
  const hang = join(dir, 'hang.js');
  writeFileSync(
    hang,
    'process.stderr.write("To sign in, open https://microsoft.com/devicelogin and enter a code\\n"); setInterval(() => {}, 1000);\n',
  );
  const t = informer(
    client(
      s,
      { execTimeoutMs: 400 },
      {
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: process.execPath,
            args: [hang],
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ),
  );
  t.inf.start();
  await until(t.inf, () => t.inf.state === 'error', 'the sign-in error');
  assert.equal(t.inf.error?.kind, 'signin');
  assert.match(
    t.inf.error?.message ?? '',
    /did not finish within 0 s; it is probably waiting for an interactive sign-in/,
  );
  assert.match(t.inf.error?.hint ?? '', /in a terminal once to sign in/);
  t.inf.stop();

  const good = join(dir, 'good.js');
  writeFileSync(
    good,
    `const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO); if (info.spec.interactive !== false) process.exit(3);
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: ${JSON.stringify(s.token)}, expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));\n`,
  );
  const t2 = informer(
    client(
      s,
      { execTimeoutMs: 5000 },
      {
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [good] } },
      },
    ),
  );
  t2.inf.start();
  await t2.inf.whenSynced();
  assert.equal(t2.inf.objects.size, 2);
  t2.inf.stop();
});

test('a server that ends every watch at once: no error state, no hot loop, events flow once it stops', async () => {
  const s = await cluster(4);
  const t = informer(client(s));
  t.inf.start();
  await t.inf.whenSynced();
  await watching(s);
  s.faults.endWatchesAtOnce = true;
  const ended: number[] = [];
  const counted = new Promise<void>((resolve) => {
    const f = (e: { outcome: string }) => {
      if (e.outcome === 'ended') {
        ended.push(Date.now());
        if (ended.length === 4) {
          s.events.off('watch', f);
          resolve();
        }
      }
    };
    s.events.on('watch', f);
  });
  s.dropWatches();
  await counted;
  assert.equal(t.inf.state, 'synced');
  // Backoff between the quick ends: 20, 40 ms... (backoffMs 20) rather than a tight loop.
  assert.ok(ended[3] - ended[1] >= 20, `watches were retried ${ended[3] - ended[1]} ms apart`);
  s.faults.endWatchesAtOnce = false;
  mutate(s, 'after-quick-ends');
  await converge(s, t, 'events after the quick ends');
  t.inf.stop();
});

// Keeps the Kubernetes API test server honest: the real kubectl (the machine's and Debian's 1.20) drives it through
// discovery, get/list with selectors, logs, events, create/patch/delete, errors and watch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeTestServer } from '../kube-server';
import { job } from '../kube-server';
import { kubectlEnv, kubectls, run, startDemoCluster, waitForOutput, writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

let server: KubeTestServer;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  server = await startDemoCluster();
  dir = tempDir();
  env = kubectlEnv(writeKubeconfig(server, dir), dir);
});
after(async () => {
  await server.stop();
});

for (const k of kubectls()) {
  const kc = (...args: string[]) => run(k.bin, args, env);

  test(`${k.name}: discovery lists the AIO and cert-manager resources`, async () => {
    const r = await kc('api-resources', '-o', 'name');
    assert.equal(r.code, 0, r.stderr);
    for (const n of [
      'brokerlisteners.mqttbroker.iotoperations.azure.com',
      'clusterissuers.cert-manager.io',
      'jobs.batch',
      'pods',
      'secrets',
    ]) {
      assert.ok(r.stdout.split('\n').includes(n), `${n} missing from:\n${r.stdout}`);
    }
  });

  test(`${k.name}: get and list with label and field selectors, table and JSON`, async () => {
    let r = await kc('get', 'brokerlisteners', '-A', '-o', 'name');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), [
      'brokerlistener.mqttbroker.iotoperations.azure.com/aio-broker-loadbalancer',
      'brokerlistener.mqttbroker.iotoperations.azure.com/default',
      'brokerlistener.mqttbroker.iotoperations.azure.com/mqtts-endpoint',
    ]);
    r = await kc('get', 'pods', '-n', 'sc-system', '-l', 'job-name=sc-job', '-o', 'name');
    assert.equal(r.stdout.trim(), 'pod/sc-job-x7k2p');
    r = await kc('get', 'pods', '-n', 'sc-system', '-l', 'job-name notin (sc-job)', '-o', 'name');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '');
    r = await kc(
      'get',
      'secrets',
      '-n',
      'sc-system',
      '--field-selector',
      'metadata.name=sh.helm.release.v1.sc-extension.v2',
      '-o',
      'json',
    );
    const list = JSON.parse(r.stdout);
    assert.deepEqual(
      list.items.map((s: any) => s.metadata.name),
      ['sh.helm.release.v1.sc-extension.v2'],
    );
    r = await kc('get', 'jobs', '-n', 'sc-system');
    assert.match(r.stdout, /^NAME\s+STATUS\s+COMPLETIONS\s+AGE\n(sc-job)\s+Failed\s+0\/1\s+\S+/);
    r = await kc(
      'get',
      'svc',
      'aio-broker-loadbalancer',
      '-n',
      'azure-iot-operations',
      '-o',
      'jsonpath={.spec.type} {.spec.ports[0].nodePort}',
    );
    assert.match(r.stdout, /^LoadBalancer 3\d{4}$/);
    r = await kc('get', 'secrets', '-n', 'sc-system', '--chunk-size', '1', '-l', 'owner=helm', '-o', 'name');
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'secret/sh.helm.release.v1.sc-extension.v1',
      'secret/sh.helm.release.v1.sc-extension.v2',
    ]);
  });

  test(`${k.name}: logs of a job's pod and events`, async () => {
    let r = await kc('logs', 'job/sc-job', '-n', 'sc-system');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Timed out waiting for the resource to come to a ready\/completed state\./);
    r = await kc('logs', 'sc-job-x7k2p', '-n', 'sc-system', '--tail', '1');
    assert.equal(r.stdout.trim().split('\n').length, 1);
    r = await kc('get', 'events', '-n', 'sc-system');
    assert.match(
      r.stdout,
      /Warning\s+BackoffLimitExceeded\s+job\/sc-job\s+Job has reached the specified backoff limit/,
    );
    r = await kc('describe', 'job', 'sc-job', '-n', 'sc-system');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /BackoffLimitExceeded/);
  });

  test(`${k.name}: create, patch and delete reach the server's state`, async () => {
    const f = join(dir, `cm-${k.bin.length}.yaml`);
    writeFileSync(
      f,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: honest\n  namespace: default\ndata:\n  a: "1"\n',
    );
    let r = await kc('create', '-f', f, '--validate=false');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.get('v1', 'ConfigMap', 'default', 'honest')?.data.a, '1');
    r = await kc('create', '-f', f, '--validate=false');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AlreadyExists|already exists/);
    r = await kc('patch', 'configmap', 'honest', '-n', 'default', '--type', 'merge', '-p', '{"data":{"b":"2"}}');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.get('v1', 'ConfigMap', 'default', 'honest')?.data, { a: '1', b: '2' });
    r = await kc(
      'patch',
      'configmap',
      'honest',
      '-n',
      'default',
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/data/a"}]',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(server.get('v1', 'ConfigMap', 'default', 'honest')?.data, { b: '2' });
    r = await kc('delete', 'configmap', 'honest', '-n', 'default');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.get('v1', 'ConfigMap', 'default', 'honest'), undefined);
  });

  test(`${k.name}: 403 and 401 come back as the API server words them`, async () => {
    server.faults.forbidden = [{ resource: 'jobs', group: 'batch', namespace: 'sc-system' }];
    try {
      const r = await kc('get', 'jobs', '-n', 'sc-system');
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /Error from server \(Forbidden\): jobs\.batch is forbidden: User "alice@example\.com" cannot list resource "jobs" in API group "batch" in the namespace "sc-system"/,
      );
    } finally {
      server.faults.forbidden = [];
    }
    server.faults.unauthorized = true;
    try {
      const r = await kc('get', 'pods', '-n', 'sc-system');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /You must be logged in to the server|Unauthorized/);
    } finally {
      server.faults.unauthorized = false;
    }
  });

  test(`${k.name}: get -w prints the list, then a job created on the server`, async () => {
    const p = spawn(k.bin, ['get', 'jobs', '-n', 'sc-system', '-w'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const watching = server.nextWatch('jobs');
      await waitForOutput(p, /sc-job\s+Failed/);
      await watching;
      const name = `watched-${k.bin.length}`;
      server.apply(job(name, 'sc-system', 'running'));
      await waitForOutput(p, new RegExp(`${name}\\s+Running`));
      server.remove('batch/v1', 'Job', 'sc-system', name);
    } finally {
      p.kill();
    }
  });
}

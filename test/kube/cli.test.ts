// `brokerkit inspect` and `brokerkit check --kubeconfig` against the Kubernetes API test server, through the built CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeTestServer } from '../kube-server';
import { cliPath, run, startDemoCluster, writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

let server: KubeTestServer;
let dir: string;
let kubeconfig: string;
before(async () => {
  server = await startDemoCluster();
  dir = tempDir();
  kubeconfig = writeKubeconfig(server, dir);
});
after(async () => {
  await server.stop();
});

const cli = (...args: string[]) => run(process.execPath, [cliPath(), ...args], { PATH: process.env.PATH, HOME: dir });

test('inspect --json: listeners, releases, jobs with diagnosis, connections (keys only), no problems', async () => {
  const r = await cli('inspect', '--kubeconfig', kubeconfig, '--json');
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.equal(m.context, 'brokerkit-test');
  assert.deepEqual(m.problems, []);
  assert.deepEqual(
    m.listeners.map((l: any) => l.name),
    ['aio-broker-loadbalancer', 'default', 'mqtts-endpoint'],
  );
  const lb = m.listeners[0];
  assert.equal(lb.serviceType, 'LoadBalancer');
  assert.equal(lb.serviceName, 'aio-broker-loadbalancer');
  assert.equal(lb.address, 'pending');
  assert.equal(lb.status, 'Running: All replicas are running.');
  assert.deepEqual(
    lb.ports.map((p: any) => [p.port, p.protocol, p.tls, p.issuer, p.authenticationRef, p.authorizationRef]),
    [
      [1883, 'Mqtt', 'none', null, null, null],
      [8883, 'Mqtt', 'Automatic', 'ClusterIssuer/azure-iot-operations-aio-certificate-issuer', 'default', null],
    ],
  );
  assert.equal(lb.ports[1].certificate.ready, false);
  const np = m.listeners[2];
  assert.match(np.address, /^10\.0\.\d+\.\d+ \(node port 30885\)$/);
  assert.deepEqual(
    [np.ports[0].secret, np.ports[0].nodePort, np.ports[0].certificate.ready],
    ['server-cert-secret', 30885, false],
  );
  assert.deepEqual(
    m.serviceConnector.releases.map((x: any) => [x.name, x.revision, x.status, x.chart, x.version]),
    [['sc-extension', 2, 'deployed', 'sc-extension', '1.1.0']],
  );
  const job = m.serviceConnector.jobs[0];
  assert.equal(job.name, 'sc-job');
  assert.equal(job.status, 'failed');
  assert.equal(job.conditions[0].reason, 'BackoffLimitExceeded');
  assert.equal(job.pods[0].containers[0].exitCode, 1);
  assert.deepEqual(
    job.diagnosis.map((d: any) => d.code),
    ['resource-readiness-timeout'],
  );
  assert.match(job.diagnosis[0].evidence, /Timed out waiting for the resource/);
  const conns = m.serviceConnector.connections;
  assert.deepEqual(
    conns.map((c: any) => [c.kind, c.name, c.keys, c.usedBy.map((u: any) => `${u.kind}/${u.name}/${u.via}`)]),
    [
      [
        'Secret',
        'sc-storageblob412a8-secret',
        ['AZURE_STORAGEBLOB_CLIENTID', 'AZURE_STORAGEBLOB_RESOURCEENDPOINT'],
        ['Deployment/orders/envFrom'],
      ],
      [
        'ServiceAccount',
        'sc-account-ccd6321c-c451-4936-8407-2d382f4fc850',
        [],
        ['Deployment/orders/serviceAccountName'],
      ],
    ],
  );
  // Values never leave the cluster: neither the blob endpoint nor the TLS private key.
  assert.doesNotMatch(r.stdout, /blob\.core\.windows\.net|TOP-SECRET|PRIVATE KEY/);
});

test('inspect text: both trees', async () => {
  const r = await cli('inspect', '--kubeconfig', kubeconfig);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Broker Listeners\n {2}brokerkit-test/);
  assert.match(r.stdout, /\n {8}aio-broker-loadbalancer {2}— LoadBalancer · pending · Running\n/);
  assert.match(r.stdout, /\nService Connector\n/);
  assert.match(r.stdout, /sc-extension {2}— revision 2 · deployed · sc-extension 1\.1\.0/);
  assert.match(r.stdout, /✗ sc-job {2}— failed/);
});

test('inspect --namespace filters listeners; a 403 becomes a problem naming resource and namespace', async () => {
  server.faults.forbidden = [{ resource: 'jobs', group: 'batch', namespace: 'sc-system' }];
  try {
    const r = await cli('inspect', '--kubeconfig', kubeconfig, '--namespace', 'shop', '--json');
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.deepEqual(m.listeners, []);
    assert.deepEqual(m.problems, [
      {
        resource: 'scjobs',
        kind: 'forbidden',
        message: 'no permission to list jobs in sc-system',
        hint: m.problems[0].hint,
      },
    ]);
    assert.match(m.problems[0].hint, /cannot list resource "jobs" in API group "batch" in the namespace "sc-system"/);
    assert.deepEqual(
      m.serviceConnector.connections.map((c: any) => c.namespace),
      ['shop', 'shop'],
    );
  } finally {
    server.faults.forbidden = [];
  }
});

test('inspect exits 2 with the reason when the cluster cannot be reached or refuses the credentials', async () => {
  const bad = writeKubeconfig(server, dir, { token: 'wrong' }, 'bad-token');
  let r = await cli('inspect', '--kubeconfig', bad);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /401 Unauthorized/);
  assert.equal(r.stdout, '');
  const dead = join(dir, 'dead');
  writeFileSync(dead, server.kubeconfig().replace(`127.0.0.1:${server.port}`, '127.0.0.1:1'));
  r = await cli('inspect', '--kubeconfig', dead, '--context', 'brokerkit-test');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot reach the cluster at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  r = await cli('inspect', '--kubeconfig', kubeconfig, '--context', 'nope');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /context 'nope' is not in the kubeconfig/);
});

test('check --kubeconfig: a port of a live listener clashes; a live issuer satisfies a reference', async () => {
  const f = join(dir, 'listener.yaml');
  writeFileSync(
    f,
    `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: extra
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  - port: 8883
    authenticationRef: default
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: {name: my-issuer, kind: Issuer, group: cert-manager.io}
`,
  );
  const offline = await cli('check', f, '--format', 'json');
  // 'extra' does not run in the cluster: not compared with it unless its folder is named a cluster target.
  const unmapped = await cli('check', f, '--kubeconfig', kubeconfig);
  assert.doesNotMatch(unmapped.stdout, /port-conflict/);
  assert.match(
    unmapped.stderr,
    /^Cluster brokerkit-test: compared with no deployment; not with listener\.yaml \(none of its objects runs there\)\.$/m,
  );
  const online = await cli('check', f, '--format', 'json', '--kubeconfig', kubeconfig, '--cluster-target', dir);
  assert.equal(online.code, 1, online.stderr);
  const off = JSON.parse(offline.stdout);
  const on = JSON.parse(online.stdout);
  assert.ok(!off.some((x: any) => x.code === 'port-conflict'), 'offline, 8883 is free');
  const clash = on.find((x: any) => x.code === 'port-conflict');
  assert.ok(clash, online.stdout);
  assert.match(clash.message, /BrokerListener 'aio-broker-loadbalancer' \(in the cluster\)/);
  assert.ok(
    off.some((x: any) => x.code === 'issuer-not-found'),
    'offline, my-issuer is unknown',
  );
  assert.ok(!on.some((x: any) => x.code === 'issuer-not-found'), 'the live Issuer satisfies the reference');
});

test('check --kubeconfig exits 2 with the reason when the cluster is unreachable', async () => {
  const dead = join(dir, 'dead2');
  writeFileSync(dead, server.kubeconfig().replace(`127.0.0.1:${server.port}`, '127.0.0.1:1'));
  const f = join(dir, 'empty.yaml');
  writeFileSync(f, 'a: 1\n');
  const r = await cli('check', f, '--kubeconfig', dead);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read the cluster \(context brokerkit-test\): cannot reach the cluster/);
});

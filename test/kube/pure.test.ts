// Pure parts of the Kubernetes module: kubeconfig merging, Helm release decoding, secret stripping, job diagnosis,
// status levels, the mosquitto_pub command, selectors of the test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadKubeconfig, selectContext, kubeconfigFiles } from '../../server/src/kube/config';
import { decodeHelmRelease, stripSecret } from '../../server/src/kube/resources';
import { diagnose } from '../../server/src/kube/diagnosis';
import { statusLevel, JobModel } from '../../server/src/kube/model';
import { parseFieldSelector, parseLabelSelector } from '../kube-server/selectors';
import { helmReleaseSecret } from '../kube-server';
import { tempDir } from '../helpers/temp';

const kc = (ctx: string, server: string, current?: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    ...(current ? { 'current-context': current } : {}),
    clusters: [{ name: ctx, cluster: { server } }],
    users: [{ name: ctx, user: { token: 't' } }],
    contexts: [{ name: ctx, context: { cluster: ctx, user: ctx, namespace: `${ctx}-ns` } }],
  });

test('KUBECONFIG with several files: contexts merged, the first current-context wins, unknown contexts are config errors', () => {
  const d = tempDir();
  writeFileSync(join(d, 'a'), kc('aks-dev', 'https://dev:443'));
  writeFileSync(join(d, 'b'), kc('aks-prod', 'https://prod:443', 'aks-prod'));
  const env = { KUBECONFIG: [join(d, 'a'), join(d, 'missing'), join(d, 'b')].join(delimiter), HOME: d };
  const info = loadKubeconfig(undefined, env);
  assert.deepEqual(
    info.contexts.map((c) => [c.name, c.namespace]),
    [
      ['aks-dev', 'aks-dev-ns'],
      ['aks-prod', 'aks-prod-ns'],
    ],
  );
  assert.equal(info.currentContext, 'aks-prod');
  assert.deepEqual(info.files, [join(d, 'a'), join(d, 'b')]);
  assert.equal(selectContext(info, 'aks-dev'), 'aks-dev');
  assert.throws(() => selectContext(info, 'nope'), /context 'nope' is not in the kubeconfig/);
  // An explicit file wins over KUBECONFIG.
  assert.deepEqual(kubeconfigFiles(join(d, 'a'), env), [join(d, 'a')]);
  assert.deepEqual(kubeconfigFiles(undefined, { HOME: d }), [join(d, '.kube', 'config')]);
  assert.throws(
    () => loadKubeconfig(undefined, { HOME: d }),
    (e: any) => e.kind === 'config' && /no kubeconfig found/.test(e.message),
  );
});

test('Helm release secrets decode without the helm binary: gzip, plain JSON, a capitalised Description', () => {
  const r = decodeHelmRelease(
    helmReleaseSecret({
      name: 'sc-extension',
      namespace: 'sc-system',
      revision: 3,
      status: 'failed',
      chart: 'sc-extension',
      version: '1.2.0',
      description: 'Upgrade "sc-extension" failed: timed out',
    }),
  );
  assert.deepEqual(
    {
      name: r.name,
      revision: r.revision,
      status: r.status,
      chart: r.chart,
      version: r.version,
      description: r.description,
    },
    {
      name: 'sc-extension',
      revision: 3,
      status: 'failed',
      chart: 'sc-extension',
      version: '1.2.0',
      description: 'Upgrade "sc-extension" failed: timed out',
    },
  );
  const plain = {
    name: 'old',
    version: 1,
    info: { status: 'deployed', Description: 'Install complete' },
    chart: { metadata: { name: 'c', version: '0.1.0' } },
  };
  const sec = {
    metadata: {
      name: 'sh.helm.release.v1.old.v1',
      namespace: 'sc-system',
      labels: { owner: 'helm', name: 'old', status: 'deployed', version: '1' },
    },
    data: { release: Buffer.from(Buffer.from(JSON.stringify(plain)).toString('base64')).toString('base64') },
  };
  const p = decodeHelmRelease(sec);
  assert.equal(p.description, 'Install complete');
  assert.equal(p.version, '0.1.0');
  const broken = decodeHelmRelease({
    ...sec,
    data: {
      release: Buffer.from(Buffer.from(gzipSync(Buffer.from('{not json'))).toString('base64')).toString('base64'),
    },
  });
  assert.equal(broken.status, 'deployed', 'labels still give the status');
  assert.match(broken.decodeError ?? '', /cannot decode/);
});

test('secrets keep key names, type and tls.crt; never values, tls.key or last-applied copies', () => {
  const s = stripSecret({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name: 'x',
      namespace: 'ns',
      managedFields: [{}],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"tls.key":"S0VZ"}}', note: 'v' },
    },
    data: { 'tls.crt': 'Q1JU', 'tls.key': 'S0VZ', 'ca.crt': 'Q0E=' },
  });
  assert.deepEqual(s, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'x', namespace: 'ns' },
    type: 'kubernetes.io/tls',
    dataKeys: ['ca.crt', 'tls.crt', 'tls.key'],
    data: { 'tls.crt': 'Q1JU' },
  });
});

function failedJob(lines: { condition?: string; event?: string; log?: string }): JobModel {
  return {
    namespace: 'sc-system',
    name: 'sc-job',
    uid: 'u',
    status: 'failed',
    removedAt: null,
    startTime: null,
    completionTime: null,
    counts: { active: 0, succeeded: 0, failed: 1 },
    conditions: [
      {
        type: 'Failed',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: lines.condition ?? 'Job has reached the specified backoff limit',
      },
    ],
    events: lines.event ? [{ type: 'Warning', reason: 'Failed', message: lines.event, object: 'Pod/p', count: 1 }] : [],
    pods: [
      {
        name: 'p',
        phase: 'Failed',
        containers: [
          { name: 'main', state: 'terminated', exitCode: 1, restarts: 0, ...(lines.log ? { log: lines.log } : {}) },
        ],
      },
    ],
    diagnosis: [],
  };
}

test('diagnosis of failed sc-jobs matches the documented errors', () => {
  const codes = (j: JobModel) => diagnose(j).map((d) => d.code);
  assert.deepEqual(codes(failedJob({ log: 'error: Operation returned an invalid status code: Conflict' })), [
    'conflict',
  ]);
  assert.deepEqual(
    codes(
      failedJob({ log: "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'" }),
    ),
    ['subscription-not-registered'],
  );
  assert.deepEqual(codes(failedJob({ event: 'Unable to get a response from the agent in time' })), ['agent-timeout']);
  assert.deepEqual(
    codes(
      failedJob({
        log: 'You do not have permission to perform action Microsoft.Storage/storageAccounts/read. If access was recently granted, please refresh your credentials',
      }),
    ),
    ['permission'],
  );
  assert.deepEqual(codes(failedJob({ log: 'Error: Operation is already in progress for Helm' })), ['helm-in-progress']);
  const plain = diagnose(failedJob({}));
  assert.deepEqual(
    plain.map((d) => d.code),
    ['job-failed'],
  );
  assert.equal(plain[0].fix, 'kubectl logs job/sc-job -n sc-system');
  const conflict = diagnose(failedJob({ log: 'Operation returned an invalid status code: Conflict' }))[0];
  assert.equal(conflict.fix, 'az provider register -n Microsoft.KubernetesConfiguration');
  assert.equal(conflict.evidence, 'Operation returned an invalid status code: Conflict');
});

test('listener status levels follow az iot ops check', () => {
  assert.deepEqual(
    ['Running', 'succeeded', 'OK', 'Starting', 'Recovering', 'warn', 'N/A', 'Failed', 'error', 'weird', undefined].map(
      statusLevel,
    ),
    ['ok', 'ok', 'ok', 'warning', 'warning', 'warning', 'warning', 'error', 'error', 'unknown', 'unknown'],
  );
});

test('test server selectors: label and field syntax as the API server reads it', () => {
  const o = { metadata: { name: 'a', namespace: 'n', labels: { app: 'x', tier: 'web' } }, type: 'kubernetes.io/tls' };
  assert.equal(parseLabelSelector('app=x,tier in (web,db)')(o), true);
  assert.equal(parseLabelSelector('app!=x')(o), false);
  assert.equal(parseLabelSelector('!gone,app')(o), true);
  assert.equal(parseLabelSelector('tier notin (web)')(o), false);
  assert.throws(() => parseLabelSelector('a b c'), /unable to parse requirement/);
  assert.equal(parseFieldSelector('metadata.name=a,type==kubernetes.io/tls')(o), true);
  assert.equal(parseFieldSelector('metadata.namespace!=n')(o), false);
});

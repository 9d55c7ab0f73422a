// A small, realistic cluster for tests, the benchmark and the `npm start` demo: AIO's default broker objects, the
// how-to listeners, Service Connector's Helm release, a failed sc-job and its pod, events and log, and connection
// objects (Secrets and ServiceAccounts) in a user namespace.
import { gzipSync } from 'node:zlib';

const AIO = 'mqttbroker.iotoperations.azure.com/v1';
const NS = 'azure-iot-operations';
const t0 = Date.parse('2025-01-15T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString().replace('.000Z', 'Z');

/** Helm v3 storage: base64(gzip(JSON(release))) in data.release, which the API base64-encodes again. */
export function helmReleaseSecret(o: {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  version: string;
  appVersion?: string;
  description?: string;
  deployed?: string;
}): any {
  const release = {
    name: o.name,
    namespace: o.namespace,
    version: o.revision,
    info: {
      first_deployed: at(0),
      last_deployed: o.deployed ?? at(o.revision),
      deleted: '',
      description: o.description ?? (o.revision === 1 ? 'Install complete' : 'Upgrade complete'),
      status: o.status,
    },
    chart: {
      metadata: { name: o.chart, version: o.version, appVersion: o.appVersion ?? o.version, apiVersion: 'v2' },
      templates: [],
      values: {},
    },
    config: {},
    manifest: '---\n# rendered manifest\n',
    hooks: [],
  };
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${o.name}.v${o.revision}`,
      namespace: o.namespace,
      labels: {
        owner: 'helm',
        name: o.name,
        status: o.status,
        version: String(o.revision),
        modifiedAt: String(Math.floor(t0 / 1000) + o.revision * 60),
      },
    },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function listener(name: string, spec: any, status?: any, namespace = NS): any {
  return {
    apiVersion: AIO,
    kind: 'BrokerListener',
    metadata: { name, namespace },
    spec,
    ...(status ? { status } : {}),
  };
}

export function service(
  name: string,
  type: string,
  ports: { port: number; nodePort?: number }[],
  extra: { externalIp?: string; namespace?: string } = {},
): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: extra.namespace ?? NS },
    spec: {
      type,
      ports: ports.map((p) => ({
        name: `p${p.port}`,
        port: p.port,
        targetPort: p.port,
        ...(p.nodePort ? { nodePort: p.nodePort } : {}),
      })),
      selector: { app: 'aio-broker' },
    },
    status: extra.externalIp ? { loadBalancer: { ingress: [{ ip: extra.externalIp }] } } : { loadBalancer: {} },
  };
}

export function job(
  name: string,
  namespace: string,
  state: 'failed' | 'succeeded' | 'running',
  extra: { reason?: string; message?: string; minutes?: number } = {},
): any {
  const start = at(extra.minutes ?? 30);
  const end = at((extra.minutes ?? 30) + 2);
  const conds =
    state === 'failed'
      ? [
          {
            type: 'Failed',
            status: 'True',
            reason: extra.reason ?? 'BackoffLimitExceeded',
            message: extra.message ?? 'Job has reached the specified backoff limit',
            lastProbeTime: end,
            lastTransitionTime: end,
          },
        ]
      : state === 'succeeded'
        ? [{ type: 'Complete', status: 'True', lastProbeTime: end, lastTransitionTime: end }]
        : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels: { 'job-name': name } },
    spec: {
      backoffLimit: 2,
      completions: 1,
      selector: { matchLabels: { 'job-name': name } },
      template: {
        metadata: { labels: { 'job-name': name } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'scaksextension.azurecr.io/sc-job:1.0' }] },
      },
    },
    status: {
      startTime: start,
      ...(state === 'failed'
        ? { failed: 3 }
        : state === 'succeeded'
          ? { succeeded: 1, completionTime: end }
          : { active: 1 }),
      ...(conds.length ? { conditions: conds } : {}),
    },
  };
}

export function jobPod(
  j: any,
  suffix: string,
  state: 'failed' | 'succeeded' | 'running',
  exit?: { code: number; reason: string; message?: string },
): any {
  const term = exit ?? (state === 'failed' ? { code: 1, reason: 'Error' } : { code: 0, reason: 'Completed' });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${j.metadata.name}-${suffix}`,
      namespace: j.metadata.namespace,
      labels: { 'job-name': j.metadata.name },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, uid: j.metadata.uid ?? '', controller: true },
      ],
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'scaksextension.azurecr.io/sc-job:1.0' }] },
    status: {
      phase: state === 'failed' ? 'Failed' : state === 'succeeded' ? 'Succeeded' : 'Running',
      containerStatuses: [
        {
          name: 'main',
          ready: state === 'running',
          restartCount: 0,
          image: 'scaksextension.azurecr.io/sc-job:1.0',
          state:
            state === 'running'
              ? { running: { startedAt: at(30) } }
              : {
                  terminated: {
                    exitCode: term.code,
                    reason: term.reason,
                    ...(term.message ? { message: term.message } : {}),
                    startedAt: at(30),
                    finishedAt: at(31),
                  },
                },
        },
      ],
    },
  };
}

/** The demo cluster's objects (without Events and logs, which need the server: see seedDemoExtras). */
export function demoObjects(): any[] {
  const ready = (status = 'Running', description = 'All replicas are running.') => ({
    runtimeStatus: { status, description },
    provisioningStatus: { status: 'Succeeded' },
  });
  const scJob = job('sc-job', 'sc-system', 'failed');
  return [
    ...['azure-iot-operations', 'cert-manager', 'sc-system', 'default', 'shop'].map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    })),
    {
      apiVersion: AIO,
      kind: 'Broker',
      metadata: { name: 'default', namespace: NS },
      spec: { memoryProfile: 'Medium' },
      status: ready(),
    },
    listener(
      'default',
      {
        brokerRef: 'default',
        serviceName: 'aio-broker',
        serviceType: 'ClusterIp',
        ports: [
          {
            port: 18883,
            authenticationRef: 'default',
            protocol: 'Mqtt',
            tls: {
              mode: 'Automatic',
              certManagerCertificateSpec: {
                issuerRef: {
                  name: 'azure-iot-operations-aio-certificate-issuer',
                  kind: 'ClusterIssuer',
                  group: 'cert-manager.io',
                },
                privateKey: { algorithm: 'Ec256', rotationPolicy: 'Always' },
              },
            },
          },
        ],
      },
      ready(),
    ),
    listener(
      'aio-broker-loadbalancer',
      {
        brokerRef: 'default',
        serviceType: 'LoadBalancer',
        ports: [
          { port: 1883, protocol: 'Mqtt' },
          {
            port: 8883,
            authenticationRef: 'default',
            protocol: 'Mqtt',
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
      ready(),
    ),
    listener(
      'mqtts-endpoint',
      {
        brokerRef: 'default',
        serviceName: 'mqtts-endpoint',
        serviceType: 'NodePort',
        ports: [
          {
            port: 8885,
            nodePort: 30885,
            authenticationRef: 'default',
            authorizationRef: 'my-authz',
            tls: { mode: 'Manual', manual: { secretRef: 'server-cert-secret' } },
          },
        ],
      },
      ready('Starting', 'Server certificate server-cert-secret not found. Awaiting creation of secret.'),
    ),
    service('aio-broker', 'ClusterIP', [{ port: 18883 }]),
    service('aio-broker-loadbalancer', 'LoadBalancer', [{ port: 1883 }, { port: 8883 }]),
    service('mqtts-endpoint', 'NodePort', [{ port: 8885, nodePort: 30885 }]),
    {
      apiVersion: AIO,
      kind: 'BrokerAuthentication',
      metadata: { name: 'default', namespace: NS },
      spec: {
        authenticationMethods: [
          { method: 'ServiceAccountToken', serviceAccountTokenSettings: { audiences: ['aio-internal'] } },
        ],
      },
    },
    {
      apiVersion: AIO,
      kind: 'BrokerAuthorization',
      metadata: { name: 'my-authz', namespace: NS },
      spec: {
        authorizationPolicies: {
          cache: 'Enabled',
          rules: [
            {
              principals: { usernames: ['sensor'] },
              brokerResources: [{ method: 'Connect' }, { method: 'Publish', topics: ['sensors/#'] }],
            },
          ],
        },
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'azure-iot-operations-aio-certificate-issuer' },
      spec: { ca: { secretName: 'azure-iot-operations-aio-ca-certificate' } },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KeyPairVerified' }] },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'my-issuer', namespace: NS },
      spec: { ca: { secretName: 'test-ca' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: 'aio-broker-frontend-server-18883',
        namespace: NS,
        ownerReferences: [{ apiVersion: AIO, kind: 'BrokerListener', name: 'default', uid: '' }],
      },
      spec: {
        secretName: 'aio-broker-frontend-server-18883',
        issuerRef: { name: 'azure-iot-operations-aio-certificate-issuer', kind: 'ClusterIssuer' },
      },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' },
        ],
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: 'aio-broker-loadbalancer-8883',
        namespace: NS,
        ownerReferences: [{ apiVersion: AIO, kind: 'BrokerListener', name: 'aio-broker-loadbalancer', uid: '' }],
      },
      spec: {
        secretName: 'aio-broker-loadbalancer-8883',
        issuerRef: { name: 'azure-iot-operations-aio-certificate-issuer', kind: 'ClusterIssuer' },
      },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Issuing',
            message: 'Issuing certificate as Secret does not exist',
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'test-ca', namespace: NS },
      data: {
        'tls.crt': b64('-----BEGIN CERTIFICATE-----\nZGVtbw==\n-----END CERTIFICATE-----\n'),
        'tls.key': b64('-----BEGIN PRIVATE KEY-----\nTOP-SECRET-DEMO-KEY\n-----END PRIVATE KEY-----\n'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'azure-iot-operations-aio-ca-trust-bundle', namespace: NS },
      data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nZGVtbyB0cnVzdCBidW5kbGU=\n-----END CERTIFICATE-----\n' },
    },
    // Service Connector
    helmReleaseSecret({
      name: 'sc-extension',
      namespace: 'sc-system',
      revision: 1,
      status: 'superseded',
      chart: 'sc-extension',
      version: '1.0.0',
    }),
    helmReleaseSecret({
      name: 'sc-extension',
      namespace: 'sc-system',
      revision: 2,
      status: 'deployed',
      chart: 'sc-extension',
      version: '1.1.0',
      description: 'Upgrade complete',
    }),
    scJob,
    jobPod(scJob, 'x7k2p', 'failed'),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'sc-storageblob412a8-secret', namespace: 'shop' },
      data: {
        AZURE_STORAGEBLOB_RESOURCEENDPOINT: b64('https://demo.blob.core.windows.net/'),
        AZURE_STORAGEBLOB_CLIENTID: b64('00000000-0000-0000-0000-000000000001'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'sc-account-ccd6321c-c451-4936-8407-2d382f4fc850',
        namespace: 'shop',
        annotations: { 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000001' },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        template: {
          metadata: { labels: { app: 'orders', 'azure.workload.identity/use': 'true' } },
          spec: {
            serviceAccountName: 'sc-account-ccd6321c-c451-4936-8407-2d382f4fc850',
            containers: [
              { name: 'app', image: 'orders:1', envFrom: [{ secretRef: { name: 'sc-storageblob412a8-secret' } }] },
            ],
          },
        },
      },
    },
  ];
}

/** Events and logs of the demo's failed sc-job (they need the server's uids). */
export function seedDemoExtras(server: {
  get(a: string, k: string, n: string | undefined, name: string): any;
  recordEvent(o: any, e: any): any;
  setLog(ns: string, pod: string, c: string, text: string): void;
}): void {
  const j = server.get('batch/v1', 'Job', 'sc-system', 'sc-job');
  const p = server.get('v1', 'Pod', 'sc-system', 'sc-job-x7k2p');
  if (j)
    server.recordEvent(j, {
      type: 'Warning',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
  if (p) {
    server.recordEvent(p, { type: 'Normal', reason: 'Started', message: 'Started container main' });
    server.setLog(
      'sc-system',
      'sc-job-x7k2p',
      'main',
      [
        '2025-01-15T10:30:01Z INFO creating connection resources in namespace shop',
        '2025-01-15T10:30:42Z ERROR Timed out waiting for the resource to come to a ready/completed state.',
        '',
      ].join('\n'),
    );
  }
}

const DEPLOYED_KINDS = new Set([
  'Certificate',
  'BrokerListener',
  'BrokerAuthentication',
  'BrokerAuthorization',
  'Issuer',
  'ClusterIssuer',
]);

/**
 * The demo cluster as it runs a workspace's manifests (`npm start` and the walkthrough test): the workspace's
 * listeners, authentication, authorization and issuers are "deployed" (with a Running status and their Services),
 * replacing the demo's own LoadBalancer and NodePort listeners, so the views match the files and the workspace
 * objects shadow their live twins instead of clashing with unrelated ones.
 */
export function demoObjectsFor(workspaceObjects: any[]): any[] {
  const deployed = workspaceObjects.filter(
    (o) => o && typeof o === 'object' && DEPLOYED_KINDS.has(o.kind) && o.metadata?.name,
  );
  const listeners = deployed.filter((o) => o.kind === 'BrokerListener');
  const replaced = new Set(listeners.length ? ['aio-broker-loadbalancer', 'mqtts-endpoint'] : []);
  // The how-to's issuer (the seed's 'my-issuer') is not deployed: this cluster runs the workspace's deployment, and the
  // how-to scenarios beside it are alternatives that do not run here.
  const notDeployed = (o: any) => o.kind === 'Issuer' && o.metadata?.name === 'my-issuer';
  const running = {
    runtimeStatus: { status: 'Running', description: 'All replicas are running.' },
    provisioningStatus: { status: 'Succeeded' },
  };
  // What the API server refuses, it refuses here too: a Service with a node port outside 30000-32767 is never
  // created, and the listener reports the failure instead of running.
  const badNodePort = (l: any) =>
    (Array.isArray(l.spec?.ports) ? l.spec.ports : []).find(
      (p: any) => typeof p?.nodePort === 'number' && (p.nodePort < 30000 || p.nodePort > 32767),
    );
  const statusOf = (l: any) => {
    const bad = badNodePort(l);
    if (!bad) return running;
    const svc = l.spec?.serviceName ?? l.metadata.name;
    return {
      provisioningStatus: {
        status: 'Failed',
        output: {
          message: `Service "${svc}" is invalid: spec.ports.nodePort: Invalid value: ${bad.nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767`,
        },
      },
    };
  };
  // cert-manager has issued what the deployed objects ask for: the workspace's own Certificates, and one Certificate
  // per automatic-TLS port, owned by its listener, Ready and valid for the next 60 days.
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const issued = (days: number) => ({
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' },
    ],
    notBefore: iso(now - 30 * 86400_000),
    notAfter: iso(now + days * 86400_000),
    renewalTime: iso(now + (days - 30) * 86400_000),
  });
  const portCertificates = (l: any) =>
    (Array.isArray(l.spec?.ports) ? l.spec.ports : [])
      .filter((p: any) => p?.tls?.mode === 'Automatic' && p.tls.certManagerCertificateSpec?.issuerRef)
      .map((p: any) => ({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: {
          name: `${l.metadata.name}-${p.port}`,
          namespace: l.metadata.namespace,
          ownerReferences: [{ apiVersion: AIO, kind: 'BrokerListener', name: l.metadata.name, uid: '' }],
        },
        spec: {
          secretName: `${l.metadata.name}-${p.port}`,
          issuerRef: p.tls.certManagerCertificateSpec.issuerRef,
          dnsNames: [`${l.spec?.serviceName ?? l.metadata.name}.${l.metadata.namespace}`],
        },
        status: issued(60),
      }));
  const type = (t: unknown) =>
    t === 'LoadBalancer' || t === 'loadBalancer'
      ? 'LoadBalancer'
      : t === 'NodePort' || t === 'nodePort'
        ? 'NodePort'
        : 'ClusterIP';
  // A succeeded run beside the failed sc-job (sc-job itself deletes itself after success; an upgrade run kept).
  const upgrade = job('sc-job-upgrade', 'sc-system', 'succeeded', { minutes: 90 });
  return [
    upgrade,
    jobPod(upgrade, 'q4m9d', 'succeeded'),
    ...demoObjects().filter(
      (o) =>
        !notDeployed(o) &&
        !(replaced.has(o.metadata?.name) && (o.kind === 'BrokerListener' || o.kind === 'Service')) &&
        !(o.kind === 'Certificate' && o.metadata?.ownerReferences?.some((r: any) => replaced.has(r.name))),
    ),
    ...deployed.map((o) =>
      o.kind === 'BrokerListener'
        ? { ...o, status: statusOf(o) }
        : o.kind === 'Certificate'
          ? { ...o, status: issued(5 * 365) }
          : o,
    ),
    ...listeners.flatMap(portCertificates),
    ...listeners
      .filter((l) => !badNodePort(l))
      .map((l, i) =>
        service(
          l.spec?.serviceName ?? l.metadata.name,
          type(l.spec?.serviceType),
          (Array.isArray(l.spec?.ports) ? l.spec.ports : []).map((p: any) => ({
            port: p.port,
            nodePort:
              typeof p.nodePort === 'number' && p.nodePort >= 30000 && p.nodePort <= 32767 ? p.nodePort : undefined,
          })),
          {
            externalIp: type(l.spec?.serviceType) === 'LoadBalancer' ? `172.18.0.${10 + i}` : undefined,
            namespace: l.metadata.namespace,
          },
        ),
      ),
  ];
}

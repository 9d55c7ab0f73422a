// The listener-set and reference rules: exact ranges, related locations at the other end of every clash, cross-file
// cases, cluster facts, the ignore option and suppression comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace, FactObject } from '../../server/src/engine';
import { check, codes, only, rangeOf, LISTENER_HEAD, listenerDoc } from '../helpers/engine';
import { listenerFindings } from '../helpers/listener-codes';

const mine = listenerFindings;

const U = (name: string) => `file:///ws/${name}`;
const AIO = 'mqttbroker.iotoperations.azure.com/v1';

/** The range of `value` where it follows `prefix` (e.g. the value of a key). */
function valueAt(text: string, prefix: string, value: string, occurrence = 0) {
  const r = rangeOf(text, prefix + value, occurrence);
  return { start: { line: r.start.line, character: r.start.character + prefix.length }, end: r.end };
}

const listener = listenerDoc;

const TLS = `    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: my-issuer
          kind: Issuer
`;

// ---------------------------------------------------------------- port-conflict

/** Every file applied at once (the setting `brokerkit.deployments: workspace`). */
const TOGETHER = { deployments: 'workspace' as const };

test('port-conflict: two files clash; both ends are reported with related locations; fixing one clears both', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 1883\n    authenticationRef: default\n${TLS}`,
  );
  const b = listener(
    'np',
    `  serviceType: NodePort\n  ports:\n  - port: 1883\n    nodePort: 31883\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a, 'b.yaml': b }), 'port-conflict');
  assert.equal(f.length, 2);
  const fa = f.find((x) => x.uri === U('a.yaml'))!;
  const fb = f.find((x) => x.uri === U('b.yaml'))!;
  assert.deepEqual(fa.range, rangeOf(a, '1883'));
  assert.deepEqual(fb.range, rangeOf(b, '1883'));
  assert.equal(fa.severity, 'error');
  assert.match(fa.message, /Port 1883 is already used by BrokerListener 'np' \(in b\.yaml\)/);
  assert.deepEqual(fa.related, [
    { uri: U('b.yaml'), range: rangeOf(b, '1883'), message: "port 1883 of BrokerListener 'np' (in b.yaml)" },
  ]);
  assert.deepEqual(
    fb.related.map((r) => [r.uri, r.range]),
    [[U('a.yaml'), rangeOf(a, '1883')]],
  );
  assert.deepEqual(fa.data, { port: 1883, suggestion: 1884, replace: '1884' });

  const ws = new Workspace();
  ws.setFile(U('a.yaml'), a);
  ws.setFile(U('b.yaml'), b);
  assert.equal(only([...ws.validate().values()].flat(), 'port-conflict').length, 2);
  ws.setFile(U('b.yaml'), b.replace('port: 1883', 'port: 1884'));
  assert.deepEqual(only([...ws.validate().values()].flat(), 'port-conflict'), []);
});

test("port-conflict: 18883 clashes with AIO's default listener even when it is not in the workspace", () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a }), 'port-conflict');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].range, rangeOf(a, '18883'));
  assert.match(f[0].message, /BrokerListener 'default' \(AIO built-in\)/);
  assert.deepEqual(f[0].related, [{ message: "port 18883 of BrokerListener 'default' (AIO built-in)" }]);
  assert.equal(f[0].data?.suggestion, 18884);
  // Without the built-ins (e.g. a cluster without AIO's default objects), nothing clashes.
  assert.deepEqual(only(check({ 'a.yaml': a }, undefined, { assumeBuiltins: false }), 'port-conflict'), []);
});

test('port-conflict: the same port twice in one listener points each entry at the other', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a }), 'port-conflict');
  assert.deepEqual(
    f.map((x) => x.range),
    [rangeOf(a, '8883', 0), rangeOf(a, '8883', 1)],
  );
  assert.match(f[0].message, /appears more than once in this listener/);
  assert.deepEqual(
    f[0].related.map((r) => r.range),
    [rangeOf(a, '8883', 1)],
  );
  assert.deepEqual(
    f[1].related.map((r) => r.range),
    [rangeOf(a, '8883', 0)],
  );
});

test('port-conflict: listeners of different namespaces (different brokers) may share a port', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n${TLS}`,
    'other-ns',
  );
  assert.deepEqual(only(check({ 'a.yaml': a }), 'port-conflict'), []);
});

// ---------------------------------------------------------------- identity: kustomize base + overlay

test('a kustomize base and its overlay patch are one listener: no clash with itself', () => {
  const base = listener(
    'external',
    `  brokerRef: default\n  serviceType: LoadBalancer\n  serviceName: external\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  // The patch omits namespace (the default namespace applies), serviceType and serviceName.
  const overlay = `apiVersion: ${AIO}\nkind: BrokerListener\nmetadata:\n  name: external\nspec:\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}  - port: 9883\n    authenticationRef: default\n${TLS}`;
  const kustomization = (extra: string) => `resources: [../../base${extra}]\npatches:\n- path: listener-patch.yaml\n`;
  const f = check({
    'base/kustomization.yaml': 'resources: [listener.yaml]\n',
    'base/listener.yaml': base,
    'overlays/prod/kustomization.yaml': kustomization(''),
    'overlays/prod/listener-patch.yaml': overlay,
  });
  assert.deepEqual(codes(mine(f)), []);
  // A third, different LoadBalancer listener clashes with the one listener, reported in both of its documents.
  const other = listener(
    'second',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 9883\n    authenticationRef: default\n${TLS}`,
  );
  const g = check({
    'base/kustomization.yaml': 'resources: [listener.yaml]\n',
    'base/listener.yaml': base,
    'overlays/prod/kustomization.yaml': kustomization(', second.yaml'),
    'overlays/prod/listener-patch.yaml': overlay,
    'overlays/prod/second.yaml': other,
  });
  assert.deepEqual(
    only(g, 'service-type-conflict')
      .map((x) => x.uri)
      .sort(),
    [U('base/listener.yaml'), U('overlays/prod/second.yaml')],
  );
  assert.deepEqual(
    only(g, 'port-conflict')
      .map((x) => x.uri)
      .sort(),
    [U('overlays/prod/listener-patch.yaml'), U('overlays/prod/second.yaml')],
  );
  assert.deepEqual(only(g, 'listener-limit'), []);
});

// ---------------------------------------------------------------- service-type-conflict

test('service-type-conflict: a listener without serviceType is ClusterIp and clashes with the built-in default', () => {
  const a = listener('internal', `  ports:\n  - port: 1884\n    authenticationRef: default\n${TLS}`);
  const f = only(check({ 'a.yaml': a }), 'service-type-conflict');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].range, rangeOf(a, 'internal'));
  assert.match(
    f[0].message,
    /ClusterIp \(the default, as serviceType is not set\).*BrokerListener 'default' \(AIO built-in\).*Add these ports to the 'default' listener/,
  );
  assert.deepEqual(f[0].related, [{ message: "BrokerListener 'default' (AIO built-in) is ClusterIp" }]);
  assert.deepEqual(f[0].data, {
    serviceType: 'ClusterIp',
    targetName: 'default',
    targetNamespace: 'azure-iot-operations',
    targetOrigin: 'builtin',
    ports: [1884],
  });
});

test('service-type-conflict: lowerCamel spellings are the same type; both files are reported and point at each other', () => {
  const a = listener(
    'one',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const b = listener(
    'two',
    `  serviceType: loadBalancer\n  ports:\n  - port: 8884\n    authenticationRef: default\n${TLS}`,
  );
  // Applied together (two files of a plain folder that each give the broker its LoadBalancer listener are otherwise
  // taken as alternatives).
  const f = only(check({ 'a.yaml': a, 'b.yaml': b }, undefined, TOGETHER), 'service-type-conflict');
  assert.equal(f.length, 2);
  const fa = f.find((x) => x.uri === U('a.yaml'))!;
  const fb = f.find((x) => x.uri === U('b.yaml'))!;
  assert.deepEqual(fa.range, rangeOf(a, 'LoadBalancer'));
  assert.deepEqual(fb.range, rangeOf(b, 'loadBalancer'));
  assert.deepEqual(fa.related, [
    {
      uri: U('b.yaml'),
      range: rangeOf(b, 'loadBalancer'),
      message: "BrokerListener 'two' (in b.yaml) is LoadBalancer",
    },
  ]);
  assert.deepEqual(fa.data, {
    serviceType: 'LoadBalancer',
    targetName: 'two',
    targetNamespace: 'azure-iot-operations',
    targetOrigin: 'workspace',
    targetUri: U('b.yaml'),
    ports: [8883],
  });
  assert.equal(fb.data?.targetUri, U('a.yaml'));
  assert.match(fa.message, /Move these ports into 'two'/);
});

test('service-type-conflict with cluster facts: a live default listener replaces the built-in and is named in the message', () => {
  const live: FactObject = {
    apiVersion: AIO,
    kind: 'BrokerListener',
    metadata: { name: 'default', namespace: 'azure-iot-operations' },
    spec: {
      serviceName: 'aio-broker',
      serviceType: 'LoadBalancer',
      ports: [{ port: 18883, authenticationRef: 'default', protocol: 'Mqtt' }],
    },
  };
  const clusterIp = listener('internal', `  ports:\n  - port: 1884\n    authenticationRef: default\n${TLS}`);
  const lb = listener(
    'external',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n${TLS}`,
  );
  const facts = { objects: [live], complete: true };
  // The live default is LoadBalancer here, so a ClusterIp listener is free, and the LoadBalancer one clashes with it.
  assert.deepEqual(only(check({ 'a.yaml': clusterIp }, facts), 'service-type-conflict'), []);
  const f = check({ 'b.yaml': lb }, facts);
  const st = only(f, 'service-type-conflict');
  assert.equal(st.length, 1);
  assert.match(st[0].message, /BrokerListener 'default' \(in the cluster\) is LoadBalancer too/);
  // The related side is the live object, which the editor can open.
  const liveDefault = { apiVersion: AIO, kind: 'BrokerListener', namespace: 'azure-iot-operations', name: 'default' };
  assert.deepEqual(st[0].related, [
    { message: "BrokerListener 'default' (in the cluster) is LoadBalancer", live: liveDefault },
  ]);
  assert.equal(st[0].data?.targetOrigin, 'cluster');
  const pc = only(f, 'port-conflict');
  assert.deepEqual(pc[0].related, [
    { message: "port 18883 of BrokerListener 'default' (in the cluster)", live: liveDefault },
  ]);
});

// ---------------------------------------------------------------- listener-limit

test('listener-limit: the built-in default plus three more listeners is one too many', () => {
  const files: Record<string, string> = {
    'lb.yaml': listener(
      'lb',
      `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
    ),
    'np.yaml': listener(
      'np',
      `  serviceType: NodePort\n  ports:\n  - port: 8884\n    nodePort: 30884\n    authenticationRef: default\n${TLS}`,
    ),
    'lb2.yaml': listener(
      'lb-two',
      `  serviceType: LoadBalancer\n  ports:\n  - port: 8885\n    authenticationRef: default\n${TLS}`,
    ),
  };
  const f = only(check(files, undefined, TOGETHER), 'listener-limit');
  assert.deepEqual(f.map((x) => x.uri).sort(), [U('lb.yaml'), U('lb2.yaml'), U('np.yaml')]);
  const lb = f.find((x) => x.uri === U('lb.yaml'))!;
  assert.deepEqual(lb.range, valueAt(files['lb.yaml'], 'name: ', 'lb'));
  assert.match(lb.message, /has 4 listeners .*at most 3/);
  assert.equal(lb.related.length, 3);
  assert.ok(lb.related.some((r) => r.uri === undefined && /AIO built-in/.test(r.message)));
  assert.deepEqual(lb.data?.count, 4);
  // Three listeners are fine.
  delete files['lb2.yaml'];
  assert.deepEqual(only(check(files), 'listener-limit'), []);
});

// ---------------------------------------------------------------- service-name-conflict / service-name-invalid

test('service-name-conflict: duplicates across files, the reserved aio-broker, and a hand-written Service', () => {
  const a = listener(
    'one',
    `  serviceType: LoadBalancer\n  serviceName: mqtt-public\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  // `mqtt-public` as a listener name becomes the Service name when serviceName is not set.
  const b = listener(
    'mqtt-public',
    `  serviceType: NodePort\n  ports:\n  - port: 8884\n    nodePort: 30884\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a, 'b.yaml': b }), 'service-name-conflict');
  assert.equal(f.length, 2);
  const fa = f.find((x) => x.uri === U('a.yaml'))!;
  const fb = f.find((x) => x.uri === U('b.yaml'))!;
  assert.deepEqual(fa.range, rangeOf(a, 'mqtt-public'));
  assert.deepEqual(fb.range, rangeOf(b, 'mqtt-public'));
  assert.deepEqual(fa.related, [
    {
      uri: U('b.yaml'),
      range: rangeOf(b, 'mqtt-public'),
      message: "Service name 'mqtt-public' of BrokerListener 'mqtt-public' (in b.yaml)",
    },
  ]);
  assert.deepEqual(fa.data, { serviceName: 'mqtt-public', reserved: false });

  const c = listener(
    'other',
    `  serviceType: LoadBalancer\n  serviceName: aio-broker\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const g = only(check({ 'c.yaml': c }), 'service-name-conflict');
  assert.equal(g.length, 1);
  assert.deepEqual(g[0].range, rangeOf(c, 'aio-broker'));
  assert.match(
    g[0].message,
    /belongs to AIO's 'default' listener.*BrokerListener 'default' \(AIO built-in\) already uses it.*e\.g\. 'other'/,
  );
  assert.deepEqual(g[0].data, { serviceName: 'aio-broker', reserved: true });
  // aio-broker stays reserved in a namespace without the built-in default listener.
  const d = c.replace('namespace: azure-iot-operations', 'namespace: plant');
  const h = only(check({ 'd.yaml': d }), 'service-name-conflict');
  assert.equal(h.length, 1);
  assert.deepEqual(h[0].related, []);

  const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: mqtt-public\n  namespace: azure-iot-operations\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 8883\n`;
  const i = only(check({ 'a.yaml': a, 'svc.yaml': svc }), 'service-name-conflict');
  assert.deepEqual(i.map((x) => x.uri).sort(), [U('a.yaml'), U('svc.yaml')]);
  assert.match(i.find((x) => x.uri === U('svc.yaml'))!.message, /the AIO operator creates and manages that Service/);
  // The Service the operator made for the listener (owned by it) is no clash.
  const owned = svc.replace(
    '  namespace: azure-iot-operations\n',
    `  namespace: azure-iot-operations\n  ownerReferences:\n  - apiVersion: ${AIO}\n    kind: BrokerListener\n    name: one\n    uid: 0b6f3c1e\n`,
  );
  assert.deepEqual(only(check({ 'a.yaml': a, 'svc.yaml': owned }), 'service-name-conflict'), []);
  // Other namespaces are other Service name spaces.
  assert.deepEqual(
    only(
      check({ 'a.yaml': a, 'b.yaml': b.replace('namespace: azure-iot-operations', 'namespace: plant') }),
      'service-name-conflict',
    ),
    [],
  );
});

test('service-name-invalid: explicit and defaulted names; a patch without serviceName is judged with its base', () => {
  const a = listener(
    'external',
    `  serviceType: LoadBalancer\n  serviceName: MQTT_Public\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a }), 'service-name-invalid');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].range, rangeOf(a, 'MQTT_Public'));
  assert.equal(f[0].severity, 'error');
  assert.deepEqual(f[0].data, { serviceName: 'MQTT_Public', suggestion: 'mqtt-public', replace: 'mqtt-public' });

  const b = listener(
    '1st-listener',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const g = only(check({ 'b.yaml': b }), 'service-name-invalid');
  assert.deepEqual(g[0].range, rangeOf(b, '1st-listener'));
  assert.match(g[0].message, /becomes its Service name because spec\.serviceName is not set.*e\.g\. 'st-listener'/);
  assert.equal(g[0].data?.replace, undefined);

  const base = listener(
    'Plant_Listener',
    `  serviceType: LoadBalancer\n  serviceName: plant\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const patch = `apiVersion: ${AIO}\nkind: BrokerListener\nmetadata:\n  name: Plant_Listener\nspec:\n  ports:\n  - port: 8884\n    authenticationRef: default\n${TLS}`;
  const k = 'resources: [base.yaml]\npatches:\n- path: patch.yaml\n';
  assert.deepEqual(
    only(check({ 'kustomization.yaml': k, 'base.yaml': base, 'patch.yaml': patch }), 'service-name-invalid'),
    [],
  );
  assert.equal(only(check({ 'patch.yaml': patch }), 'service-name-invalid').length, 1);
  const long = listener(
    'x',
    `  serviceType: LoadBalancer\n  serviceName: ${'a'.repeat(64)}\n  ports:\n  - port: 8883\n`,
  );
  assert.match(only(check({ 'l.yaml': long }), 'service-name-invalid')[0].message, /64 characters long/);
});

// ---------------------------------------------------------------- default-listener-modified

test('default-listener-modified: changed settings are reported where they are; adding ports is fine', () => {
  const ok = `${LISTENER_HEAD('default')}  serviceName: aio-broker\n  serviceType: clusterIp\n  ports:\n  - port: 18883\n    authenticationRef: default\n    tls:\n      mode: automatic\n      certManagerCertificateSpec:\n        issuerRef:\n          name: azure-iot-operations-aio-certificate-issuer\n          kind: ClusterIssuer\n          group: cert-manager.io\n  - port: 1884\n    authenticationRef: default\n${TLS}`;
  assert.deepEqual(only(check({ 'd.yaml': ok }), 'default-listener-modified'), []);
  // It replaces the built-in: its own ports do not clash with "itself".
  assert.deepEqual(only(check({ 'd.yaml': ok }), 'port-conflict'), []);

  const bad = `${LISTENER_HEAD('default')}  serviceName: broker\n  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: custom\n    protocol: WebSockets\n    tls:\n      mode: Manual\n      manual:\n        secretRef: my-cert\n`;
  const f = only(check({ 'd.yaml': bad }), 'default-listener-modified');
  assert.deepEqual(
    f.map((x) => [x.range, x.data?.setting]),
    [
      [valueAt(bad, 'serviceName: ', 'broker'), 'serviceName'],
      [rangeOf(bad, 'LoadBalancer'), 'serviceType'],
      [rangeOf(bad, 'custom'), 'authenticationRef'],
      [rangeOf(bad, 'WebSockets'), 'protocol'],
      [rangeOf(bad, 'Manual'), 'tls.mode'],
    ],
  );
  assert.ok(f.every((x) => x.severity === 'warning'));
  assert.deepEqual(f[1].data, { setting: 'serviceType', documented: 'ClusterIp', replace: 'ClusterIp' });

  const noAuthNoTls = `${LISTENER_HEAD('default')}  ports:\n  - port: 18883\n    tls:\n`;
  const g = only(check({ 'd.yaml': noAuthNoTls }), 'default-listener-modified');
  assert.deepEqual(
    g.map((x) => [x.range, x.data?.setting]),
    [
      [rangeOf(noAuthNoTls, '18883'), 'authenticationRef'],
      [rangeOf(noAuthNoTls, 'tls'), 'tls'],
    ],
  );
  const noPort = `${LISTENER_HEAD('default')}  ports:\n  - port: 1884\n    authenticationRef: default\n${TLS}`;
  const h = only(check({ 'd.yaml': noPort }), 'default-listener-modified');
  assert.deepEqual(
    h.map((x) => x.range),
    [rangeOf(noPort, 'ports')],
  );
  assert.match(h[0].message, /no port 18883/);
  const issuer = ok.replace('name: azure-iot-operations-aio-certificate-issuer', 'name: my-ca');
  const i = only(check({ 'd.yaml': issuer }), 'default-listener-modified');
  assert.deepEqual(
    i.map((x) => [x.range, x.data?.replace]),
    [[rangeOf(issuer, 'my-ca'), 'azure-iot-operations-aio-certificate-issuer']],
  );
});

// ---------------------------------------------------------------- node ports

test('node-port-range, node-port-ignored, node-port-random', () => {
  const np = listener(
    'np',
    `  serviceType: NodePort\n  ports:\n  - port: 1884\n    nodePort: 3883\n    authenticationRef: default\n${TLS}  - port: 1885\n    authenticationRef: default\n${TLS}  - port: 1886\n    nodePort: 0\n    authenticationRef: default\n${TLS}  - port: 1887\n    nodePort: 32767\n    authenticationRef: default\n${TLS}`,
  );
  const f = check({ 'np.yaml': np });
  assert.deepEqual(
    only(f, 'node-port-range').map((x) => [x.range, x.severity]),
    [[rangeOf(np, '3883'), 'error']],
  );
  assert.deepEqual(only(f, 'node-port-range')[0].data, { nodePort: 3883, min: 30000, max: 32767 });
  assert.deepEqual(
    only(f, 'node-port-random').map((x) => [x.range, x.severity]),
    [
      [rangeOf(np, '1885'), 'info'],
      [rangeOf(np, '1886'), 'info'],
    ],
  );
  assert.deepEqual(only(f, 'node-port-ignored'), []);

  const lb = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 1884\n    nodePort: 31884\n    authenticationRef: default\n${TLS}`,
  );
  const g = check({ 'lb.yaml': lb });
  assert.deepEqual(
    only(g, 'node-port-ignored').map((x) => [x.range, x.severity]),
    [[rangeOf(lb, 'nodePort'), 'warning']],
  );
  assert.deepEqual(only(g, 'node-port-range'), []);
  // serviceType not set means ClusterIp; a placeholder type is left to the schema rule.
  const implied = lb.replace('  serviceType: LoadBalancer\n', '');
  assert.match(
    only(check({ 'i.yaml': implied }), 'node-port-ignored')[0].message,
    /ClusterIp \(serviceType is not set\)/,
  );
  assert.deepEqual(only(check({ 'p.yaml': lb.replace('LoadBalancer', '<SERVICE_TYPE>') }), 'node-port-ignored'), []);
});

test('node-port-conflict: twice in a listener, and against a Service elsewhere in the cluster', () => {
  const np = listener(
    'np',
    `  serviceType: NodePort\n  ports:\n  - port: 1884\n    nodePort: 31884\n    authenticationRef: default\n${TLS}  - port: 1885\n    nodePort: 31884\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'np.yaml': np }), 'node-port-conflict');
  assert.deepEqual(
    f.map((x) => x.range),
    [rangeOf(np, '31884', 0), rangeOf(np, '31884', 1)],
  );
  assert.deepEqual(
    f[0].related.map((r) => r.range),
    [rangeOf(np, '31884', 1)],
  );
  assert.deepEqual(f[0].data, { nodePort: 31884, suggestion: 31885, replace: '31885' });

  const one = np.replace(/ {2}- port: 1885[\s\S]*$/, '');
  const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 31884\n`;
  const g = only(check({ 'np.yaml': one, 'svc.yaml': svc }), 'node-port-conflict');
  assert.equal(g.length, 1, 'reported at the listener, not at the Service');
  assert.match(g[0].message, /also used by Service 'web' \(in svc\.yaml\).*whole cluster/);
  assert.deepEqual(g[0].related, [
    { uri: U('svc.yaml'), range: rangeOf(svc, '31884'), message: "nodePort 31884 of Service 'web' (in svc.yaml)" },
  ]);
  // The listener's own Service (same name in the namespace) mirrors it and is no clash.
  const own = svc.replace('name: web', 'name: np').replace('namespace: shop', 'namespace: azure-iot-operations');
  assert.deepEqual(only(check({ 'np.yaml': one, 'svc.yaml': own }), 'node-port-conflict'), []);
  // A live NodePort listener in the cluster facts clashes too.
  const live: FactObject = {
    apiVersion: AIO,
    kind: 'BrokerListener',
    metadata: { name: 'plant', namespace: 'azure-iot-operations' },
    spec: { serviceType: 'NodePort', ports: [{ port: 1999, nodePort: 31884 }] },
  };
  const h = only(check({ 'np.yaml': one }, { objects: [live] }), 'node-port-conflict');
  assert.deepEqual(h[0].related, [
    {
      message: "nodePort 31884 of BrokerListener 'plant' (in the cluster)",
      live: { apiVersion: AIO, kind: 'BrokerListener', namespace: 'azure-iot-operations', name: 'plant' },
    },
  ]);
});

test('a clash among many objects stays bounded: at most five related locations, the rest counted in the message', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) {
    files[`np${i}.yaml`] = listener(
      `np-${i}`,
      `  serviceType: NodePort\n  ports:\n  - port: 1884\n    nodePort: 30100\n    authenticationRef: default\n${TLS}`,
      `team-${i}`,
    );
  }
  const f = only(check(files), 'node-port-conflict');
  assert.equal(f.length, 40);
  for (const x of f) {
    assert.equal(x.related.length, 5);
    assert.match(x.message, / and 36 more; a node port can be allocated once in the whole cluster/);
  }
});

// ---------------------------------------------------------------- insecure-port, authorization-without-authentication

test('insecure-port: warning without TLS and authentication, info with authentication only; `tls:` null is no TLS', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 1883\n  - port: 1884\n    authenticationRef: default\n    tls:\n      # no value: TLS is off\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a }), 'insecure-port');
  assert.deepEqual(
    f.map((x) => [x.range, x.severity]),
    [
      [rangeOf(a, '1883'), 'warning'],
      [rangeOf(a, '1884'), 'info'],
    ],
  );
  assert.deepEqual(f[0].data, {
    portIndex: 0,
    tlsIsNull: false,
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
  });
  assert.equal(f[1].data?.tlsIsNull, true);
});

test('authorization-without-authentication', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authorizationRef: policy\n${TLS}`,
  );
  const authz = `apiVersion: ${AIO}\nkind: BrokerAuthorization\nmetadata:\n  name: policy\n  namespace: azure-iot-operations\nspec:\n  authorizationPolicies:\n    rules:\n    - principals:\n        usernames: [a]\n      brokerResources:\n      - method: Connect\n`;
  const f = check({ 'a.yaml': a, 'z.yaml': authz });
  assert.deepEqual(
    only(f, 'authorization-without-authentication').map((x) => [x.range, x.severity]),
    [[rangeOf(a, 'policy'), 'warning']],
  );
  assert.deepEqual(only(f, 'authorization-not-found'), []);
});

// ---------------------------------------------------------------- authentication-not-found / authorization-not-found

test('authentication-not-found and authorization-not-found: warnings in workspace mode, errors with a connected cluster', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: devcies\n    authorizationRef: policy\n${TLS}  - port: 8884\n    authenticationRef: default\n${TLS}`,
  );
  const authn = `apiVersion: ${AIO}\nkind: BrokerAuthentication\nmetadata:\n  name: devices\n  namespace: azure-iot-operations\nspec:\n  authenticationMethods:\n  - method: ServiceAccountToken\n    serviceAccountTokenSettings:\n      audiences: [aio-internal]\n`;
  const f = check({ 'a.yaml': a, 'authn.yaml': authn });
  const n = only(f, 'authentication-not-found');
  assert.deepEqual(
    n.map((x) => [x.range, x.severity]),
    [[rangeOf(a, 'devcies'), 'warning']],
  );
  assert.match(
    n[0].message,
    /names no BrokerAuthentication in namespace 'azure-iot-operations'.*Did you mean 'devices'\?/,
  );
  assert.deepEqual(n[0].data, {
    ref: 'devcies',
    namespace: 'azure-iot-operations',
    candidates: ['default', 'devices'],
    replace: 'devices',
  });
  const z = only(f, 'authorization-not-found');
  assert.deepEqual(
    z.map((x) => [x.range, x.severity]),
    [[rangeOf(a, 'policy'), 'warning']],
  );

  // With complete cluster facts the built-in `default` is not assumed: the live objects decide, and misses are errors.
  const liveAuthn: FactObject = {
    apiVersion: AIO,
    kind: 'BrokerAuthentication',
    metadata: { name: 'devcies', namespace: 'azure-iot-operations' },
    spec: {},
  };
  const g = check({ 'a.yaml': a }, { objects: [liveAuthn], complete: true });
  assert.deepEqual(
    only(g, 'authentication-not-found').map((x) => [x.range, x.severity]),
    [[rangeOf(a, 'default'), 'error']],
  );
  assert.deepEqual(
    only(g, 'authorization-not-found').map((x) => x.severity),
    ['error'],
  );
  // The same reference in another namespace is not found there.
  const other = a.replace('namespace: azure-iot-operations', 'namespace: plant');
  assert.deepEqual(only(check({ 'o.yaml': other, 'authn.yaml': authn }), 'authentication-not-found').length, 2);
});

// ---------------------------------------------------------------- x509-without-tls

test('x509-without-tls: across files, with the X509 method as related location', () => {
  const authn = `apiVersion: ${AIO}\nkind: BrokerAuthentication\nmetadata:\n  name: certs\n  namespace: azure-iot-operations\nspec:\n  authenticationMethods:\n  - method: X509\n    x509Settings:\n      trustedClientCaCert: client-ca\n`;
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 1887\n    authenticationRef: certs\n  - port: 8883\n    authenticationRef: certs\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': a, 'authn.yaml': authn }), 'x509-without-tls');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].range, rangeOf(a, 'certs'));
  assert.deepEqual(f[0].related, [
    {
      uri: U('authn.yaml'),
      range: rangeOf(authn, 'X509'),
      message: "X509 method of BrokerAuthentication 'certs' (in authn.yaml)",
    },
  ]);
  assert.equal(f[0].data?.portIndex, 0);
});

// ---------------------------------------------------------------- broker-ref

test('broker-ref: optional; present and not `default` is an error with a replace fix', () => {
  const none = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  assert.deepEqual(only(check({ 'a.yaml': none }), 'broker-ref'), []);
  const bad = listener(
    'lb',
    `  brokerRef: broker\n  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: default\n${TLS}`,
  );
  const f = only(check({ 'a.yaml': bad }), 'broker-ref');
  assert.deepEqual(
    f.map((x) => [x.range, x.severity, x.data]),
    [[valueAt(bad, 'brokerRef: ', 'broker'), 'error', { replace: 'default' }]],
  );
  // What is true even when a Broker of that name is in the workspace: AIO runs only `default`, so this attaches to nothing.
  const broker = `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: Broker\nmetadata:\n  name: broker\n  namespace: azure-iot-operations\nspec: {}\n`;
  const msg = only(check({ 'a.yaml': bad, 'broker.yaml': broker }), 'broker-ref')[0].message;
  assert.doesNotMatch(msg, /names no Broker/);
  assert.match(msg, /AIO 1\.x serves one Broker, named 'default', so this listener attaches to no broker/);
  assert.match(msg, /'broker' being the Broker's name in the 0\.7 preview\. Use 'brokerRef: default'/);
});

// ---------------------------------------------------------------- workload-identity-label

test('workload-identity-label: Service Connector account without the label, label on the workload, CronJob, boolean', () => {
  const dep = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels:\n        app: app\n    spec:\n      serviceAccountName: sc-account-0b8c2d1e\n      containers:\n      - name: app\n        image: app:1\n`;
  const f = only(check({ 'dep.yaml': dep }), 'workload-identity-label');
  assert.deepEqual(
    f.map((x) => [x.range, x.severity]),
    [[rangeOf(dep, 'sc-account-0b8c2d1e'), 'warning']],
  );
  assert.match(f[0].message, /Service Connector workload-identity account.*spec\.template\.metadata\.labels/);
  assert.deepEqual(f[0].data, {
    labelsPath: ['spec', 'template', 'metadata', 'labels'],
    serviceAccount: 'sc-account-0b8c2d1e',
  });
  const fixed = dep.replace('        app: app\n', '        app: app\n        azure.workload.identity/use: "true"\n');
  assert.deepEqual(only(check({ 'dep.yaml': fixed }), 'workload-identity-label'), []);

  // The how-to's pitfall: the label on the Job's own metadata.
  const job = `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: sc-sample-job\n  namespace: default\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  template:\n    spec:\n      serviceAccountName: <ServiceAccountCreatedByServiceConnector>\n      containers:\n      - name: c\n        image: alpine\n      restartPolicy: OnFailure\n`;
  const g = only(check({ 'job.yaml': job }), 'workload-identity-label');
  assert.deepEqual(
    g.map((x) => x.range),
    [rangeOf(job, 'azure.workload.identity/use')],
  );
  assert.deepEqual(g[0].data, {
    labelsPath: ['spec', 'template', 'metadata', 'labels'],
    moveFrom: ['metadata', 'labels', 'azure.workload.identity/use'],
    serviceAccount: '<ServiceAccountCreatedByServiceConnector>',
  });

  // A workload-identity ServiceAccount found by its annotation, in another file; a CronJob's template path.
  const sa = `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: exporter\n  namespace: jobs\n  annotations:\n    azure.workload.identity/client-id: 11111111-2222-3333-4444-555555555555\n`;
  const cron = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: export\n  namespace: jobs\nspec:\n  schedule: "0 1 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: exporter\n          restartPolicy: OnFailure\n          containers:\n          - name: c\n            image: export:1\n`;
  const h = only(check({ 'sa.yaml': sa, 'cron.yaml': cron }), 'workload-identity-label');
  assert.deepEqual(
    h.map((x) => [x.uri, x.range]),
    [[U('cron.yaml'), rangeOf(cron, 'exporter')]],
  );
  assert.deepEqual(h[0].related, [
    {
      uri: U('sa.yaml'),
      range: rangeOf(sa, 'azure.workload.identity/client-id'),
      message: "ServiceAccount 'exporter' (in sa.yaml) has azure.workload.identity/client-id",
    },
  ]);
  assert.deepEqual(h[0].data?.labelsPath, ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels']);
  // Without the annotated account, an ordinary ServiceAccount needs nothing.
  assert.deepEqual(only(check({ 'cron.yaml': cron }), 'workload-identity-label'), []);

  // A bare Pod carries the label on its own metadata: correct. A boolean value is not a label value.
  const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: true\nspec:\n  serviceAccountName: sc-account-1\n  containers:\n  - name: c\n    image: i\n`;
  const p = only(check({ 'pod.yaml': pod }), 'workload-identity-label');
  assert.deepEqual(
    p.map((x) => [x.range, x.data?.replace]),
    [[rangeOf(pod, 'true'), '"true"']],
  );
  assert.deepEqual(only(check({ 'pod.yaml': pod.replace(': true', ': "true"') }), 'workload-identity-label'), []);
  assert.deepEqual(
    only(check({ 'pod.yaml': pod.replace(': true', ': "false"') }), 'workload-identity-label'),
    [],
    'an explicit opt-out is respected',
  );
});

// ---------------------------------------------------------------- BrokerAuthentication / BrokerAuthorization checks

test('authentication-method-invalid, default-authentication-modified', () => {
  const authn = `apiVersion: ${AIO}\nkind: BrokerAuthentication\nmetadata:\n  name: mixed\n  namespace: azure-iot-operations\nspec:\n  authenticationMethods:\n  - method: x509Credentials\n    x509Settings: {}\n  - method: serviceAccountToken\n    serviceAccountTokenSettings:\n      audiences: []\n  - method: Custom\n    customSettings:\n      endpoint: http://auth.local:8080\n  - method: X509\n    serviceAccountTokenSettings:\n      audiences: [x]\n`;
  const f = only(check({ 'a.yaml': authn }), 'authentication-method-invalid');
  assert.deepEqual(
    f.map((x) => [x.range, x.severity, x.data?.problem]),
    [
      [rangeOf(authn, 'x509Credentials'), 'error', 'unknown-method'],
      [rangeOf(authn, 'audiences'), 'error', 'no-audience'],
      [rangeOf(authn, 'http://auth.local:8080'), 'error', 'endpoint-not-https'],
      [rangeOf(authn, 'serviceAccountTokenSettings', 1), 'warning', 'settings-mismatch'],
    ],
  );
  assert.equal(f[0].data?.replace, 'X509');
  const empty = authn.replace(/authenticationMethods:[\s\S]*$/, 'authenticationMethods: []\n');
  assert.deepEqual(
    only(check({ 'a.yaml': empty }), 'authentication-method-invalid').map((x) => x.range),
    [rangeOf(empty, 'authenticationMethods')],
  );

  const def = `apiVersion: ${AIO}\nkind: BrokerAuthentication\nmetadata:\n  name: default\n  namespace: azure-iot-operations\nspec:\n  authenticationMethods:\n  - method: ServiceAccountToken\n    serviceAccountTokenSettings:\n      audiences: [my-app]\n`;
  const g = only(check({ 'd.yaml': def }), 'default-authentication-modified');
  assert.deepEqual(
    g.map((x) => [x.range, x.severity]),
    [[rangeOf(def, 'audiences'), 'warning']],
  );
  assert.deepEqual(
    only(check({ 'd.yaml': def.replace('[my-app]', '[aio-internal, my-app]') }), 'default-authentication-modified'),
    [],
  );
  const x509Only = def.replace(/ {2}- method:[\s\S]*$/, '  - method: X509\n    x509Settings: {}\n');
  assert.deepEqual(
    only(check({ 'd.yaml': x509Only }), 'default-authentication-modified').map((x) => x.range),
    [rangeOf(x509Only, 'authenticationMethods')],
  );
});

test('authorization-rule-invalid and authorization-deny-all', () => {
  const authz = `apiVersion: ${AIO}\nkind: BrokerAuthorization\nmetadata:\n  name: policy\n  namespace: azure-iot-operations\nspec:\n  authorizationPolicies:\n    rules:\n    - principals:\n        usernames: [a]\n      brokerResources:\n      - method: Connect\n        clientIds: [a-*]\n      - method: Publish\n      - method: subscribe\n        clientIds: [b]\n        topics: ["x/#"]\n`;
  const f = only(check({ 'z.yaml': authz }), 'authorization-rule-invalid');
  assert.deepEqual(
    f.map((x) => [x.range, x.severity, x.data?.problem]),
    [
      [rangeOf(authz, 'Publish'), 'error', 'no-topics'],
      [rangeOf(authz, 'clientIds', 1), 'warning', 'client-ids-not-connect'],
    ],
  );
  const none = authz.replace(/ {4}rules:[\s\S]*$/, '    cache: Enabled\n');
  const g = only(check({ 'z.yaml': none }), 'authorization-deny-all');
  assert.deepEqual(
    g.map((x) => [x.range, x.severity]),
    [[rangeOf(none, 'authorizationPolicies'), 'info']],
  );
  assert.deepEqual(only(check({ 'z.yaml': authz }), 'authorization-deny-all'), []);
});

// ---------------------------------------------------------------- ignore option, suppression, bad input

test('the ignore option and suppression comments silence workspace-rule findings', () => {
  const a = listener(
    'lb',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    authenticationRef: default\n${TLS}`,
  );
  assert.equal(only(check({ 'a.yaml': a }), 'port-conflict').length, 1);
  assert.deepEqual(only(check({ 'a.yaml': a }, undefined, { ignore: ['port-conflict'] }), 'port-conflict'), []);
  const above = a.replace('  - port: 18883\n', '  # brokerkit-ignore port-conflict\n  - port: 18883\n');
  assert.deepEqual(only(check({ 'a.yaml': above }), 'port-conflict'), []);
  const same = a.replace('  - port: 18883\n', '  - port: 18883 # brokerkit-ignore port-conflict\n');
  assert.deepEqual(only(check({ 'a.yaml': same }), 'port-conflict'), []);
  const otherCode = a.replace('  - port: 18883\n', '  - port: 18883 # brokerkit-ignore insecure-port\n');
  assert.equal(only(check({ 'a.yaml': otherCode }), 'port-conflict').length, 1);
});

test('odd shapes never crash the listener rules', () => {
  const odd = [
    listener('a', '  ports: 5\n'),
    listener('b', '  ports:\n  - 1883\n  - null\n  - [1]\n'),
    listener('c', '  ports:\n    port: 8885\n'),
    listener(
      'd',
      '  serviceType: 7\n  serviceName: [x]\n  ports:\n  - port: "1883"\n    nodePort: "x"\n    authenticationRef: 5\n    tls: 3\n',
    ),
    `apiVersion: ${AIO}\nkind: BrokerListener\nmetadata: {}\nspec: {}\n`,
    `apiVersion: ${AIO}\nkind: BrokerListener\nspec: 3\n`,
    `apiVersion: ${AIO}\nkind: BrokerAuthentication\nmetadata:\n  name: x\nspec:\n  authenticationMethods: [1, null, {method: 5}]\n`,
    `apiVersion: ${AIO}\nkind: BrokerAuthorization\nmetadata:\n  name: x\nspec:\n  authorizationPolicies:\n    rules: [1, {brokerResources: 3}, {brokerResources: [null, {method: 1}]}]\n`,
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  labels: 5\nspec:\n  template: 3\n',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: y\nspec: null\n',
  ];
  const ws = new Workspace();
  odd.forEach((t, i) => ws.setFile(U(`odd${i}.yaml`), t));
  ws.validate();
  assert.deepEqual(ws.ruleErrors, []);
});

test('reference rules look within the deployment, never across the root: an authentication in a sibling folder applied on its own is not found', () => {
  const auth = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: my-auth
  namespace: azure-iot-operations
spec:
  authenticationMethods:
  - method: ServiceAccountToken
    serviceAccountTokenSettings:
      audiences: ["aio-internal"]
`;
  const l = listener(
    'l',
    `  serviceType: LoadBalancer\n  ports:\n  - port: 8883\n    authenticationRef: my-auth\n${TLS}`,
  );
  const files = { 'auth/auth.yaml': auth, 'listeners/l.yaml': l };
  const f = only(check(files), 'authentication-not-found');
  assert.equal(f.length, 1);
  assert.equal(f[0].uri, U('listeners/l.yaml'));
  assert.match(f[0].message, /names no BrokerAuthentication .* among the files applied with this listener/);
  // Applied as one (a kustomization listing both, or the whole tree as one deployment): found.
  assert.deepEqual(only(check(files, undefined, TOGETHER), 'authentication-not-found'), []);
  assert.deepEqual(
    only(
      check({ ...files, 'kustomization.yaml': 'resources:\n- auth/auth.yaml\n- listeners/l.yaml\n' }),
      'authentication-not-found',
    ),
    [],
  );
});

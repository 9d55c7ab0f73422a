// The schemas in schemas/ agree with the real CRDs (schemas/crds) on every type, enum,
// required field, range, nullable, default and oneOf; they are up to date with the generator; their descriptions
// are our own; and the look-up API (schemaFor / schemaAt) and the validator answer as the CRDs say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { CRDS } from '../helpers/corpus';
import { schemaFor, schemaAt } from '../../server/src/engine';
import { validateAgainst, fieldPath, pruneNulls, schemaNode } from '../../server/src/engine/schema';
import brokerListener from '../../schemas/brokerlistener.json';
import brokerAuthentication from '../../schemas/brokerauthentication.json';
import brokerAuthorization from '../../schemas/brokerauthorization.json';
import broker from '../../schemas/broker.json';
import certificate from '../../schemas/certificate.json';
import issuer from '../../schemas/issuer.json';
import clusterIssuer from '../../schemas/clusterissuer.json';

type Node = Record<string, any>;
const OURS: [string, Node][] = [
  ['brokerlisteners.mqttbroker.iotoperations.azure.com', brokerListener],
  ['brokerauthentications.mqttbroker.iotoperations.azure.com', brokerAuthentication],
  ['brokerauthorizations.mqttbroker.iotoperations.azure.com', brokerAuthorization],
  ['brokers.mqttbroker.iotoperations.azure.com', broker],
  ['certificates.cert-manager.io', certificate],
  ['issuers.cert-manager.io', issuer],
  ['clusterissuers.cert-manager.io', clusterIssuer],
];

function crdSchema(name: string): { schema: Node; version: string; group: string; kind: string } {
  const list = parse(readFileSync(join(CRDS, `${name}.yaml`), 'utf8'));
  const crd = list.items[0];
  const served = crd.spec.versions.filter((v: Node) => v.served);
  assert.equal(served.length, 1, `${name}: one served version`);
  return {
    schema: served[0].schema.openAPIV3Schema,
    version: served[0].name,
    group: crd.spec.group,
    kind: crd.spec.names.kind,
  };
}

const K8S_FORMATS = new Set([
  'byte',
  'date-time',
  'datetime',
  'date',
  'duration',
  'uri',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'mac',
  'uuid',
  'password',
]);
const norm = (s: unknown) =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();

interface Tally {
  nodes: number;
  enums: number;
  required: number;
  ranges: number;
  nullable: number;
  defaults: number;
  oneOf: number;
  opened: number;
}

/** Walks the CRD node and ours side by side and asserts they agree. `open` lists the subtrees ours leaves unchecked. */
function compare(crd: Node, ours: Node, path: string, open: string[], t: Tally): void {
  const where = `${path || '(root)'}`;
  assert.ok(ours, `${where}: missing in our schema`);
  t.nodes++;
  assert.deepEqual(ours.type, crd.type, `${where}: type`);
  if (crd.enum) {
    assert.deepEqual(ours.enum, crd.enum, `${where}: enum (values and order)`);
    t.enums++;
  } else assert.equal(ours.enum, undefined, `${where}: enum`);
  assert.deepEqual([...(ours.required ?? [])].sort(), [...(crd.required ?? [])].sort(), `${where}: required`);
  if (crd.required) t.required += crd.required.length;
  for (const k of [
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minLength',
    'maxLength',
    'pattern',
    'minItems',
    'maxItems',
    'uniqueItems',
  ]) {
    assert.deepEqual(ours[k], crd[k], `${where}: ${k}`);
    if (crd[k] !== undefined) t.ranges++;
  }
  assert.equal(!!ours.nullable, !!crd.nullable, `${where}: nullable`);
  if (crd.nullable) t.nullable++;
  assert.deepEqual(ours.default, crd.default, `${where}: default`);
  if (crd.default !== undefined) t.defaults++;
  assert.equal(
    ours.format,
    K8S_FORMATS.has(crd.format) ? crd.format : undefined,
    `${where}: format (integer formats are stripped by the API server)`,
  );
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    if (crd[k]) {
      assert.deepEqual(
        ours[k]?.map((a: Node) => a.required),
        crd[k].map((a: Node) => a.required),
        `${where}: ${k}`,
      );
      for (const a of crd[k])
        assert.deepEqual(
          Object.keys(a).filter((x) => x !== 'required'),
          [],
          `${where}: ${k} alternatives only use required`,
        );
      t.oneOf++;
    } else assert.equal(ours[k], undefined, `${where}: ${k}`);
  }
  if (ours.description !== undefined && crd.description !== undefined) {
    assert.notEqual(
      norm(ours.description),
      norm(crd.description),
      `${where}: the description must be ours, not the CRD's`,
    );
  }
  if (
    open.includes(path) ||
    open.some((o) => o.endsWith('.*') && path.startsWith(o.slice(0, -1)) && !path.slice(o.length - 1).includes('.'))
  ) {
    assert.equal(ours.properties, undefined, `${where}: opened subtree keeps no properties`);
    assert.equal(ours.items, undefined, `${where}: opened subtree keeps no items`);
    t.opened++;
    return;
  }
  if (crd.properties) {
    const extra = path === '' ? ['apiVersion', 'kind', 'metadata'] : [];
    assert.deepEqual(
      Object.keys(ours.properties)
        .filter((k) => !extra.includes(k) || k in crd.properties)
        .sort(),
      Object.keys(crd.properties).sort(),
      `${where}: property names`,
    );
    for (const k of Object.keys(crd.properties)) {
      // apiVersion/kind/metadata at the root are Kubernetes' own (ObjectMeta is checked by the API server itself);
      // ours adds name/namespace/labels/annotations to metadata for hover.
      if (path === '' && extra.includes(k)) {
        assert.equal(ours.properties[k].type, crd.properties[k].type, `${k}: type`);
        continue;
      }
      compare(crd.properties[k], ours.properties[k], path ? `${path}.${k}` : k, open, t);
    }
    if (crd.additionalProperties === undefined && !crd['x-kubernetes-preserve-unknown-fields']) {
      assert.equal(ours.additionalProperties, false, `${where}: unknown fields are rejected (strict field validation)`);
    }
  } else {
    assert.equal(ours.properties, undefined, `${where}: no properties in the CRD`);
  }
  if (typeof crd.additionalProperties === 'object')
    compare(crd.additionalProperties, ours.additionalProperties, `${path}{}`, open, t);
  else if (crd.additionalProperties !== undefined)
    assert.equal(ours.additionalProperties, crd.additionalProperties, `${where}: additionalProperties`);
  if (crd.items) compare(crd.items, ours.items, `${path}[]`, open, t);
  else assert.equal(ours.items, undefined, `${where}: items`);
}

test('every schema agrees with its CRD on types, enums, required fields, ranges, nullable, defaults and oneOf', () => {
  const totals: Record<string, Tally> = {};
  for (const [name, ours] of OURS) {
    const { schema, version, group, kind } = crdSchema(name);
    const meta = ours['x-brokerkit'];
    assert.deepEqual(
      [meta.crd, meta.group, meta.version, meta.kind],
      [name, group, version, kind],
      `${name}: provenance`,
    );
    const t: Tally = { nodes: 0, enums: 0, required: 0, ranges: 0, nullable: 0, defaults: 0, oneOf: 0, opened: 0 };
    compare(schema, ours, '', meta.opened, t);
    assert.equal(ours.additionalProperties, false, `${name}: unknown top-level fields are rejected`);
    totals[kind] = t;
  }
  // The walk really compared the interesting parts (counted in the CRDs: 5 listener enums, both oneOfs, ...).
  assert.equal(totals.BrokerListener.enums, 5);
  assert.equal(totals.BrokerListener.oneOf, 1);
  assert.equal(totals.BrokerAuthentication.oneOf, 2);
  assert.equal(totals.BrokerAuthorization.enums, 4);
  assert.equal(totals.Broker.enums, 10); // 11 in the CRD; status.runtimeStatus.status is in the opened status
  assert.ok(totals.Broker.ranges >= 32, `Broker ranges compared: ${totals.Broker.ranges}`);
  assert.equal(totals.Certificate.enums, 5); // usages, algorithm, encoding, rotationPolicy, additionalOutputFormats.type
  assert.ok(totals.Issuer.opened >= 3 && totals.ClusterIssuer.opened >= 3);
});

test('the committed schemas are what the generator makes from the CRDs (npm run schemas)', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-schemas.mjs', '--check', '--crds', CRDS], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

test('every node of the AIO schemas has a description (hover and completion text)', () => {
  for (const s of [brokerListener, brokerAuthentication, brokerAuthorization, broker, certificate] as Node[]) {
    const walk = (n: Node, p: string) => {
      assert.ok(
        typeof n.description === 'string' && n.description.length > 3,
        `${s.title} ${p || '(root)'}: description`,
      );
      for (const [k, c] of Object.entries(n.properties ?? {})) walk(c as Node, p ? `${p}.${k}` : k);
      if (n.items) walk(n.items, `${p}[]`);
      if (n.additionalProperties && typeof n.additionalProperties === 'object') walk(n.additionalProperties, `${p}{}`);
    };
    walk(s, '');
  }
});

test('schemaFor knows the AIO, cert-manager and Secret kinds and nothing else', () => {
  const v1 = schemaFor('mqttbroker.iotoperations.azure.com/v1', 'BrokerListener');
  assert.ok(v1?.properties?.spec?.properties?.ports);
  assert.equal(
    schemaFor('mqttbroker.iotoperations.azure.com/v1beta1', 'BrokerListener'),
    v1,
    'v1beta1 is described by the v1 schema',
  );
  for (const [api, kind] of [
    ['mqttbroker.iotoperations.azure.com/v1', 'BrokerAuthentication'],
    ['mqttbroker.iotoperations.azure.com/v1', 'BrokerAuthorization'],
    ['mqttbroker.iotoperations.azure.com/v1', 'Broker'],
    ['cert-manager.io/v1', 'Issuer'],
    ['cert-manager.io/v1', 'ClusterIssuer'],
    ['cert-manager.io/v1', 'Certificate'],
    ['v1', 'Secret'],
  ]) {
    assert.ok(schemaFor(api, kind)?.description, `${api} ${kind}`);
  }
  for (const [api, kind] of [
    ['mq.iotoperations.azure.com/v1beta1', 'BrokerListener'],
    ['mqttbroker.iotoperations.azure.com/v2beta1', 'BrokerListener'],
    ['mqttbroker.iotoperations.azure.com/v1', 'Deployment'],
    ['apps/v1', 'Deployment'],
    ['v1', 'ConfigMap'],
    ['cert-manager.io/v1alpha2', 'Certificate'],
  ]) {
    assert.equal(schemaFor(api, kind), undefined, `${api} ${kind}`);
  }
});

test('schemaAt walks properties, array items (numbers) and open maps', () => {
  const L = 'mqttbroker.iotoperations.azure.com/v1';
  const protocol = schemaAt(L, 'BrokerListener', ['spec', 'ports', 0, 'protocol']);
  assert.deepEqual(protocol?.enum, ['Mqtt', 'mqtt', 'WebSockets', 'webSockets']);
  assert.equal(protocol?.default, 'Mqtt');
  assert.match(protocol?.description ?? '', /WebSockets/);
  const port = schemaAt(L, 'BrokerListener', ['spec', 'ports', 3, 'port']);
  assert.deepEqual([port?.type, port?.minimum, port?.maximum], ['integer', 0, 65535]);
  const tls = schemaAt(L, 'BrokerListener', ['spec', 'ports', 0, 'tls']);
  assert.deepEqual(
    tls?.oneOf?.map((o) => o.required),
    [['certManagerCertificateSpec'], ['manual']],
  );
  assert.deepEqual(tls?.required, ['mode']);
  assert.ok(tls?.properties?.certManagerCertificateSpec && tls.properties.manual);
  assert.equal(schemaAt(L, 'BrokerListener', ['spec', 'brokerRef'])?.nullable, true);
  assert.deepEqual(
    schemaAt(L, 'BrokerListener', ['spec', 'ports', 0, 'tls', 'certManagerCertificateSpec', 'privateKey'])?.default,
    { algorithm: 'Ec256', rotationPolicy: 'Always' },
  );
  assert.equal(schemaAt(L, 'BrokerListener', []), schemaFor(L, 'BrokerListener'));
  assert.equal(schemaAt(L, 'BrokerListener', ['spec', 'ports', 'x']), undefined, 'a string does not index an array');
  assert.equal(schemaAt(L, 'BrokerListener', ['spec', 'nope']), undefined);
  assert.equal(schemaAt(L, 'BrokerListener', ['spec', 'serviceName', 'deeper']), undefined);
  assert.equal(
    schemaAt(L, 'BrokerAuthentication', ['spec', 'authenticationMethods', 0, 'customSettings', 'headers', 'X-Any'])
      ?.type,
    'string',
  );
  assert.equal(schemaAt(L, 'BrokerListener', ['metadata', 'labels', 'app'])?.type, 'string');
  assert.match(schemaAt('v1', 'Secret', ['data', 'tls.crt'])?.description ?? '', /server certificate first/);
  assert.equal(
    schemaAt('cert-manager.io/v1', 'Certificate', ['spec', 'privateKey', 'algorithm'])?.enum?.includes('ECDSA'),
    true,
  );
  // oneOf alternatives' properties are merged in when alternatives carry them (none of ours do, so the node is as is)
  assert.equal(schemaAt(L, 'BrokerListener', ['spec', 'ports', 0, 'tls', 'manual', 'secretRef'])?.type, 'string');
});

test('the validator accepts and rejects exactly as the CRD table says', () => {
  const listener = (port: Record<string, unknown>, serviceType?: unknown) => ({
    apiVersion: 'mqttbroker.iotoperations.azure.com/v1',
    kind: 'BrokerListener',
    metadata: { name: 'x' },
    spec: { ...(serviceType === undefined ? {} : { serviceType }), ports: [{ port: 1883, ...port }] },
  });
  const verdict = (v: unknown) =>
    validateAgainst('BrokerListener', v)
      .map((i) => `${i.kind}@${fieldPath(i.path)}`)
      .sort();
  const cases: [unknown, string[]][] = [
    ...['ClusterIP', 'clusterIP', 'Clusterip', 'Loadbalancer'].map((s): [unknown, string[]] => [
      listener({}, s),
      ['enum@spec.serviceType'],
    ]),
    ...['ClusterIp', 'clusterIp', 'LoadBalancer', 'loadBalancer', 'NodePort', 'nodePort', null].map(
      (s): [unknown, string[]] => [listener({}, s), []],
    ),
    ...['MQTT', 'Websockets', 'websockets'].map((p): [unknown, string[]] => [
      listener({ protocol: p }),
      ['enum@spec.ports[0].protocol'],
    ]),
    ...['Mqtt', 'mqtt', 'WebSockets', 'webSockets', null].map((p): [unknown, string[]] => [
      listener({ protocol: p }),
      [],
    ]),
    ...['EC256', 'ECDSA', 'RSA'].map((a): [unknown, string[]] => [
      listener({
        tls: {
          mode: 'Automatic',
          certManagerCertificateSpec: {
            issuerRef: { name: 'i', kind: 'Issuer' },
            privateKey: { algorithm: a, rotationPolicy: 'Always' },
          },
        },
      }),
      ['enum@spec.ports[0].tls.certManagerCertificateSpec.privateKey.algorithm'],
    ]),
    ...['Ec256', 'ec256', 'Rsa2048', 'rsa2048'].map((a): [unknown, string[]] => [
      listener({
        tls: {
          mode: 'x',
          certManagerCertificateSpec: {
            issuerRef: { name: 'i', kind: 'ClusterIssuer' },
            privateKey: { algorithm: a, rotationPolicy: 'never' },
          },
        },
      }),
      [],
    ]),
    [
      listener({
        tls: { mode: 'Automatic', certManagerCertificateSpec: { issuerRef: { name: 'i', kind: 'clusterIssuer' } } },
      }),
      ['enum@spec.ports[0].tls.certManagerCertificateSpec.issuerRef.kind'],
    ],
    [listener({ port: 70000 }), ['range@spec.ports[0].port']],
    [listener({ port: -1 }), ['range@spec.ports[0].port']],
    [listener({ port: 0, nodePort: 65535 }), []],
    [listener({ port: '1883' }), ['type@spec.ports[0].port']],
    [listener({ tls: null }), []],
    [listener({ tls: {} }), ['oneOf@spec.ports[0].tls', 'required@spec.ports[0].tls']],
    [listener({ tls: { mode: 'Automatic' } }), ['oneOf@spec.ports[0].tls']],
    [
      listener({
        tls: {
          mode: 'Manual',
          manual: { secretRef: 's' },
          certManagerCertificateSpec: { issuerRef: { name: 'i', kind: 'Issuer' } },
        },
      }),
      ['oneOf@spec.ports[0].tls'],
    ],
    [
      listener({ tls: { certManagerCertificateSpec: { issuerRef: { name: 'i', kind: 'Issuer' } } } }),
      ['required@spec.ports[0].tls'],
    ],
    [listener({ tls: { mode: 'banana', manual: { secretRef: 's' } } }), []],
    [listener({ tls: { mode: 'Manual', manual: {} } }), ['required@spec.ports[0].tls.manual']],
    [listener({ foo: 1 }), ['unknown@spec.ports[0].foo']],
    [{ ...listener({}), spec: { ports: [] } }, []],
    [{ ...listener({}), spec: {} }, ['required@spec']],
    [{ ...listener({}), spec: { ports: null } }, ['required@spec']],
    [{ ...listener({}), spec: null }, ['required@']],
    [
      {
        ...listener({}),
        spec: {
          brokerRef: null,
          serviceName: null,
          ports: [{ port: 1, nodePort: null, authenticationRef: null, authorizationRef: null }],
        },
      },
      [],
    ],
    [{ ...listener({}), spec: { brokerRef: 5, ports: [{ port: 1 }] } }, ['type@spec.brokerRef']],
  ];
  for (const [value, expected] of cases) assert.deepEqual(verdict(value), expected, JSON.stringify(value));
  // cert-manager's own spellings are valid in a Certificate, and AIO's are not.
  const cert = (privateKey: unknown) => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'c' },
    spec: { secretName: 's', issuerRef: { name: 'i' }, privateKey },
  });
  assert.deepEqual(
    validateAgainst('Certificate', cert({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' })),
    [],
  );
  assert.deepEqual(
    validateAgainst('Certificate', cert({ algorithm: 'Ec256', rotationPolicy: 'always' })).map((i) => i.kind),
    ['enum', 'enum'],
  );
});

test('nulls are pruned the way the API server does, without touching the parsed document', () => {
  const node = schemaNode('BrokerListener') as Parameters<typeof pruneNulls>[1];
  const clean = { spec: { ports: [{ port: 1, tls: { mode: 'Manual', manual: { secretRef: 's' } } }] } };
  assert.equal(pruneNulls(clean, node), clean, 'nothing to prune: the same object comes back');
  const value = {
    spec: {
      brokerRef: null,
      serviceType: null,
      ports: [{ port: 1, tls: null, nodePort: null }, { port: 2 }],
      unknown: null,
    },
  };
  const before = JSON.stringify(value);
  const pruned = pruneNulls(value, node) as typeof value;
  assert.deepEqual(pruned, {
    spec: { brokerRef: null, ports: [{ port: 1, nodePort: null }, { port: 2 }], unknown: null },
  });
  assert.equal(JSON.stringify(value), before, 'the input is not changed');
  assert.equal(pruned.spec.ports[1], value.spec.ports[1], 'unchanged parts are shared, not copied');
});

// The structure rules: `schema` (what the API server rejects), `enum-spelling` (accepted lowerCamel spellings),
// `api-version` and `legacy-field`, with exact ranges and the quick-fix data they carry. Plus: the how-to examples
// are clean, and in the real-world corpus every report is one we reviewed as true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Workspace, type Finding, type Range } from '../../server/src/engine';
import { check, rangeOf, LISTENER_HEAD } from '../helpers/engine';
import { CORPUS, yamlFiles } from '../helpers/corpus';

const MINE = new Set(['schema', 'enum-spelling', 'api-version', 'legacy-field']);
const run = (text: string, name = 'a.yaml') => check({ [name]: text }).filter((f) => MINE.has(f.code));
const short = (f: Finding) => ({ code: f.code, severity: f.severity, range: f.range });
const at = (code: string, severity: string, range: Range) => ({ code, severity, range });
const line = (n: number): Range => ({ start: { line: n, character: 0 }, end: { line: n + 1, character: 0 } });
const lineOf = (text: string, needle: string) => rangeOf(text, needle).start.line;
/** The range of a key: the `occurrence`-th `key:` in the text, without the colon. */
function keyAt(text: string, key: string, occurrence = 0): Range {
  const r = rangeOf(text, `${key}:`, occurrence);
  return { start: r.start, end: { line: r.end.line, character: r.end.character - 1 } };
}

test('schema: enum values the CRD rejects, at the value, with the right spelling to replace it', () => {
  const text = LISTENER_HEAD(
    'l',
    `  serviceType: ClusterIP
  ports:
  - port: 1883
    protocol: MQTT
  - port: 1884
    protocol: "Websockets"
`,
  );
  const f = run(text);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', rangeOf(text, 'ClusterIP')),
    at('schema', 'error', rangeOf(text, 'MQTT')),
    at('schema', 'error', rangeOf(text, '"Websockets"')),
  ]);
  assert.deepEqual(
    f.map((x) => x.data?.replace),
    ['ClusterIp', 'Mqtt', 'WebSockets'],
  );
  assert.match(f[0].message, /^The API server rejects this: `serviceType: "ClusterIP"` is not an allowed value/);
  assert.match(f[0].message, /`LoadBalancer`, `ClusterIp`, `NodePort`/);
  assert.match(f[0].message, /Use `ClusterIp`/);
});

test('schema: cert-manager style algorithm + size in a BrokerListener → the AIO algorithm, and size is removed', () => {
  const tls = (algorithm: string, size: string) =>
    LISTENER_HEAD(
      'l',
      `  ports:
  - port: 8883
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: {name: my-issuer, kind: Issuer}
        privateKey:
          algorithm: ${algorithm}
${size}          rotationPolicy: Always
`,
    );
  const ec = tls('ECDSA', '          size: 384\n');
  const f = run(ec);
  assert.deepEqual(
    f.map(short),
    [at('schema', 'error', rangeOf(ec, 'ECDSA'))],
    'one finding: no legacy-field for the consumed size',
  );
  assert.equal(f[0].data?.replace, 'Ec384');
  assert.deepEqual(f[0].data?.deleteRange, line(lineOf(ec, 'size: 384')));
  assert.deepEqual(f[0].data?.sizeRange, rangeOf(ec, 'size: 384'));
  assert.match(f[0].message, /cert-manager's spelling.*Use `Ec384` and remove `size`/);

  const rsa = tls('RSA', '          size: 4096\n');
  const g = run(rsa);
  assert.deepEqual([g.length, g[0].data?.replace], [1, 'Rsa4096']);
  assert.deepEqual(g[0].data?.deleteRange, line(lineOf(rsa, 'size: 4096')));

  const noSize = run(tls('ECDSA', ''));
  assert.deepEqual([noSize.length, noSize[0].data?.replace, noSize[0].data?.deleteRange], [1, 'Ec256', undefined]);

  // A size with no AIO equivalent: no replacement; the size is then reported by legacy-field.
  const odd = tls('ECDSA', '          size: 300\n');
  const h = run(odd);
  assert.deepEqual(h.map(short), [
    at('schema', 'error', rangeOf(odd, 'ECDSA')),
    at('legacy-field', 'warning', rangeOf(odd, 'size')),
  ]);
  assert.equal(h[0].data, undefined);

  // Flow style: the entry and one comma are deleted.
  const flow = LISTENER_HEAD(
    'l',
    `  ports:
  - port: 8883
    tls: {mode: Automatic, certManagerCertificateSpec: {issuerRef: {name: i, kind: Issuer}, privateKey: {algorithm: ECDSA, size: 521, rotationPolicy: Always}}}
`,
  );
  const k = run(flow);
  assert.equal(k[0].data?.replace, 'Ec521');
  const sizeAt = rangeOf(flow, ', size: 521');
  assert.deepEqual(k[0].data?.deleteRange, sizeAt);
});

test("schema: cert-manager objects keep cert-manager's own spellings", () => {
  const cert = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: selfsigned-ca-cert
  namespace: azure-iot-operations
spec:
  isCA: true
  commonName: test-ca
  secretName: test-ca
  issuerRef:
    name: selfsigned-ca-issuer
  privateKey:
    rotationPolicy: Always
    algorithm: ECDSA
    size: 256
`;
  assert.deepEqual(run(cert), []);
  const wrong = cert
    .replace('rotationPolicy: Always', 'rotationPolicy: always')
    .replace('algorithm: ECDSA', 'algorithm: Ec256');
  const f = run(wrong);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', rangeOf(wrong, 'always')),
    at('schema', 'error', rangeOf(wrong, 'Ec256')),
  ]);
  assert.deepEqual(
    f.map((x) => x.data?.replace),
    ['Always', undefined],
  );
  assert.match(f[1].message, /not an allowed value for cert-manager.*`RSA`, `ECDSA`, `Ed25519`/);
});

test('schema: ports out of range and numbers written as strings', () => {
  const text = LISTENER_HEAD(
    'l',
    `  ports:
  - port: 70000
  - port: -1
  - port: "1883"
  - port: 1885
    nodePort: 65536
`,
  );
  const f = run(text);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', rangeOf(text, '70000')),
    at('schema', 'error', rangeOf(text, '-1')),
    at('schema', 'error', rangeOf(text, '"1883"')),
    at('schema', 'error', rangeOf(text, '65536')),
  ]);
  assert.match(f[0].message, /`spec\.ports\[0\]\.port` must be at most 65535; it is 70000/);
  assert.match(f[1].message, /at least 0/);
  assert.match(f[2].message, /must be an integer, but it is the string "1883"/);
  assert.equal(f[2].data?.replace, '1883');
});

test('schema: tls with both options, with neither, and `tls: {}` point at `tls`; `tls:` (null) is no TLS', () => {
  const text = LISTENER_HEAD(
    'l',
    `  ports:
  - port: 1
    tls:
      mode: Manual
      manual:
        secretRef: s
      certManagerCertificateSpec:
        issuerRef: {name: i, kind: Issuer}
  - port: 2
    tls:
      mode: Automatic
  - port: 3
    tls: {}
  - port: 4
    tls:
  - port: 5
    tls: null
`,
  );
  const f = run(text);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', rangeOf(text, 'tls', 0)),
    at('schema', 'error', rangeOf(text, 'tls', 1)),
    at('schema', 'error', rangeOf(text, 'tls', 2)),
  ]);
  assert.match(
    f[0].message,
    /may have only one of `certManagerCertificateSpec` or `manual`, but it has both\. `mode` is Manual: remove `certManagerCertificateSpec`/,
  );
  assert.deepEqual(
    f[0].related.map((r) => r.range),
    [keyAt(text, 'certManagerCertificateSpec'), keyAt(text, 'manual')],
  );
  assert.match(
    f[1].message,
    /needs exactly one of `certManagerCertificateSpec` or `manual`, and has neither.*For `mode: Automatic` add `certManagerCertificateSpec`/,
  );
  assert.match(f[2].message, /needs `mode` and exactly one of `certManagerCertificateSpec` or `manual`/);
});

test('schema: nullable fields accept null; a null required field is reported at itself', () => {
  const ok = LISTENER_HEAD(
    'l',
    `  serviceName: null
  serviceType:
  ports:
  - port: 1
    nodePort: null
    authenticationRef: ~
    authorizationRef: null
    protocol:
`,
  ).replace('brokerRef: default', 'brokerRef: null');
  assert.deepEqual(run(ok), []);
  const empty = LISTENER_HEAD('l', '  ports:\n');
  const f = run(empty);
  assert.deepEqual(f.map(short), [at('schema', 'error', rangeOf(empty, 'ports'))]);
  assert.match(f[0].message, /`spec` needs `ports`.*`ports` is empty/);
});

test("schema: a missing required field is reported at its parent key (or the array item's first key)", () => {
  const text = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: l
spec:
  serviceType: LoadBalancer
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: m
spec:
  ports:
  - protocol: Mqtt
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: my-issuer
`;
  const f = run(text);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', rangeOf(text, 'spec', 0)),
    at('schema', 'error', rangeOf(text, 'protocol')),
    at('schema', 'error', rangeOf(text, 'issuerRef')),
  ]);
  assert.match(f[0].message, /`spec` needs `ports`\. List the ports, e\.g\. `ports: \[\{port: 1883\}\]`/);
  assert.match(f[1].message, /`spec\.ports\[0\]` needs `port`/);
  assert.match(
    f[2].message,
    /`spec\.ports\[0\]\.tls\.certManagerCertificateSpec\.issuerRef` needs `kind`\. Add `kind: Issuer` or `kind: ClusterIssuer`/,
  );
  const noSpec =
    'apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerAuthentication\nmetadata:\n  name: a\n';
  assert.deepEqual(run(noSpec).map(short), [at('schema', 'error', rangeOf(noSpec, 'BrokerAuthentication'))]);
});

test("schema: unknown fields are rejected by kubectl's strict validation; misspellings get the right name", () => {
  const text = LISTENER_HEAD(
    'l',
    `  ports:
  - port: 1883
    protocl: Mqtt
    name: mqtt
`,
  );
  const f = run(text);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', keyAt(text, 'protocl')),
    at('schema', 'error', keyAt(text, 'name', 1)),
  ]);
  assert.equal(f[0].data?.replace, 'protocol');
  assert.match(
    f[0].message,
    /strict decoding error: unknown field "spec\.ports\[0\]\.protocl".*Did you mean `protocol`\?/,
  );
  assert.match(f[1].message, /Remove it\./);
  const beta = text.replace('/v1\n', '/v1beta1\n');
  assert.deepEqual(
    run(beta)
      .filter((x) => x.code === 'schema')
      .map((x) => x.severity),
    ['warning', 'warning'],
    'v1beta1 may have preview fields',
  );
  // The message names the version of the object it judges, not "the v1 schema".
  for (const m of run(beta)
    .filter((x) => x.code === 'schema')
    .map((x) => x.message)) {
    assert.match(m, /in mqttbroker\.iotoperations\.azure\.com\/v1beta1 as BrokerKit knows it/);
    assert.doesNotMatch(m, /in the v1 schema/);
  }
  // additionalValidation is a v1beta1 field: fine there, an error in v1
  const authn = (v: string) => `apiVersion: mqttbroker.iotoperations.azure.com/${v}
kind: BrokerAuthentication
metadata:
  name: x509
spec:
  authenticationMethods:
  - method: X509
    x509Settings:
      additionalValidation: AzureDeviceRegistry
`;
  assert.deepEqual(
    run(authn('v1beta1')).map((x) => x.code),
    ['api-version'],
  );
  const v1 = authn('v1');
  assert.deepEqual(run(v1).map(short), [at('schema', 'error', rangeOf(v1, 'additionalValidation'))]);
  assert.match(run(v1)[0].message, /exists only in the preview API/);
});

test('schema: TLS Secrets and cert-manager issuers are judged; other kinds never are', () => {
  const secret = `apiVersion: v1
kind: Secret
metadata:
  name: s
type: kubernetes.io/tls
data:
  tls.crt: 5
  tls.key: abc
spec: {}
`;
  const f = run(secret);
  assert.deepEqual(f.map(short), [
    at('schema', 'error', rangeOf(secret, '5')),
    at('schema', 'error', rangeOf(secret, 'spec')),
  ]);
  const issuer = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: i
spec:
  ca:
    secretNam: test-ca
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: le
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: le-key}
    solvers:
    - http01: {ingress: {ingressClassName: nginx, anything: goes}}
`;
  const g = run(issuer);
  // the missing secretName is an error; the unknown key a warning (newer cert-manager releases add fields)
  assert.deepEqual(g.map(short), [
    at('schema', 'error', keyAt(issuer, 'ca')),
    at('schema', 'warning', keyAt(issuer, 'secretNam')),
  ]);
  assert.equal(g[1].data?.replace, 'secretName');
  assert.match(g[1].message, /cert-manager v1\.13.*Did you mean `secretName`\?/);
  const others = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {replicas: "two", serviceType: ClusterIP, whatever: [1, 2]}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: ClusterIP, ports: [{port: 70000}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: 1}
---
apiVersion: v1
kind: Secret
metadata: {name: o}
type: Opaque
data: {x: 5}
stringData: {y: [1]}
---
apiVersion: example.com/v1
kind: BrokerListener
metadata: {name: x}
spec: {ports: "no"}
---
apiVersion: mq.iotoperations.azure.com/v1beta1
kind: DiagnosticService
metadata: {name: d}
spec: {logLevel: 5}
`;
  assert.deepEqual(run(others), []);
});

test('enum-spelling: accepted lowerCamel values are hints with the documented spelling, never errors', () => {
  const text = LISTENER_HEAD(
    'l',
    `  serviceType: loadBalancer
  ports:
  - port: 8883
    protocol: webSockets
    tls:
      mode: automatic
      certManagerCertificateSpec:
        issuerRef: {name: i, kind: ClusterIssuer}
        privateKey: {algorithm: ec256, rotationPolicy: always}
  - port: 1883
    protocol: mqtt
`,
  );
  const f = run(text);
  assert.deepEqual(f.map(short), [
    at('enum-spelling', 'hint', rangeOf(text, 'loadBalancer')),
    at('enum-spelling', 'hint', rangeOf(text, 'webSockets')),
    at('enum-spelling', 'hint', rangeOf(text, 'ec256')),
    at('enum-spelling', 'hint', rangeOf(text, 'always')),
    at('enum-spelling', 'hint', rangeOf(text, 'mqtt', 1)),
  ]);
  assert.deepEqual(
    f.map((x) => x.data?.replace),
    ['LoadBalancer', 'WebSockets', 'Ec256', 'Always', 'Mqtt'],
  );
  const all = check({ 'a.yaml': text });
  assert.ok(all.every((x) => x.code !== 'schema' && !(x.code === 'enum-spelling' && x.severity !== 'hint')));
  const other = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: Broker
metadata: {name: default}
spec:
  memoryProfile: tiny
  generateResourceLimits: {cpu: disabled}
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata: {name: z}
spec:
  authorizationPolicies:
    cache: enabled
    rules:
    - principals: {clientIds: [c]}
      brokerResources: [{method: connect}]
`;
  assert.deepEqual(
    run(other).map((x) => `${x.code}:${x.data?.replace}`),
    ['enum-spelling:Tiny', 'enum-spelling:Disabled', 'enum-spelling:Enabled', 'enum-spelling:Connect'],
  );
});

test('api-version: legacy group (warning), v1beta1 (info), unknown version or kind (error), at the value', () => {
  const mk = (api: string, kind = 'BrokerListener') =>
    `apiVersion: ${api}\nkind: ${kind}\nmetadata:\n  name: l\nspec:\n  ports: [{port: 1883}]\n`;
  const legacy = mk('mq.iotoperations.azure.com/v1beta1');
  const f = run(legacy);
  assert.deepEqual(f.map(short), [at('api-version', 'warning', rangeOf(legacy, 'mq.iotoperations.azure.com/v1beta1'))]);
  assert.equal(f[0].data?.replace, 'mqttbroker.iotoperations.azure.com/v1');
  assert.match(
    f[0].message,
    /pre-GA Azure IoT MQ API; AIO GA does not serve it.*Migrate to `mqttbroker\.iotoperations\.azure\.com\/v1`: a v1 listener lists `ports`/,
  );
  const beta = mk('mqttbroker.iotoperations.azure.com/v1beta1');
  assert.deepEqual(run(beta).map(short), [
    at('api-version', 'info', rangeOf(beta, 'mqttbroker.iotoperations.azure.com/v1beta1')),
  ]);
  const v2 = mk('mqttbroker.iotoperations.azure.com/v2beta1', 'BrokerAuthorization');
  assert.deepEqual(run(v2).map(short), [
    at('api-version', 'error', rangeOf(v2, 'mqttbroker.iotoperations.azure.com/v2beta1')),
  ]);
  const typo = mk('mqttbroker.iotoperations.azure.com/v1', 'BrokerListner');
  const t = run(typo);
  assert.deepEqual(t.map(short), [at('api-version', 'error', rangeOf(typo, 'BrokerListner'))]);
  assert.equal(t[0].data?.replace, 'BrokerListener');
  assert.deepEqual(run(mk('mqttbroker.iotoperations.azure.com/v1')), []);
  assert.deepEqual(
    run(mk('mq.iotoperations.azure.com/v1beta1', 'DiagnosticService')),
    [],
    'kinds we do not know are not judged',
  );
});

test('legacy-field: older shapes with the v1 replacement; warning in v1, info in the legacy group', () => {
  const v1 = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: old
spec:
  brokerRef: default
  port: 8883
  nodePort: 30883
  authenticationEnabled: true
  authorizationEnabled: false
  ports:
  - port: 8883
    tls:
      mode: Automatic
      automatic:
        issuerRef: {name: i, kind: Issuer}
        secretNamespace: azure-iot-operations
  - port: 8884
    tls:
      mode: Manual
      manual:
        secretName: server-cert
  - port: 8885
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: {name: i, kind: Issuer}
        privateKey: {algorithm: Ec256, rotationPolicy: Always, size: 256}
`;
  const f = run(v1).filter((x) => x.code === 'legacy-field');
  assert.deepEqual(f.map(short), [
    at('legacy-field', 'warning', rangeOf(v1, 'port', 0)),
    at('legacy-field', 'warning', rangeOf(v1, 'nodePort')),
    at('legacy-field', 'warning', rangeOf(v1, 'authenticationEnabled')),
    at('legacy-field', 'warning', rangeOf(v1, 'authorizationEnabled')),
    at('legacy-field', 'warning', keyAt(v1, 'automatic')),
    at('legacy-field', 'warning', keyAt(v1, 'secretNamespace')),
    at('legacy-field', 'warning', keyAt(v1, 'secretName')),
    at('legacy-field', 'warning', rangeOf(v1, 'size')),
  ]);
  const data = f.map((x) => x.data ?? {});
  assert.equal(data[4].replace, 'certManagerCertificateSpec');
  assert.deepEqual(data[5].deleteRange, line(lineOf(v1, 'secretNamespace')));
  assert.equal(data[6].replace, 'secretRef');
  assert.deepEqual(data[7].deleteRange, rangeOf(v1, ', size: 256'));
  assert.match(f[0].message, /`spec\.port` is a field of an older AIO shape.*v1 lists the ports under `spec\.ports`/);
  assert.equal(data[0].field, 'spec.port');
  // the legacy fields are not reported again as unknown by `schema`; the tls with `automatic` still lacks an option
  // (and `manual` with only the old `secretName` lacks the required `secretRef`)
  assert.deepEqual(
    run(v1)
      .filter((x) => x.code === 'schema')
      .map(short),
    [at('schema', 'error', keyAt(v1, 'tls', 0)), at('schema', 'error', keyAt(v1, 'manual'))],
  );

  const authz = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata:
  name: z
spec:
  listenerRef:
  - listener
  authorizationPolicies:
    enableCache: false
    rules: []
`;
  const g = run(authz);
  assert.deepEqual(g.map(short), [
    at('legacy-field', 'warning', rangeOf(authz, 'listenerRef')),
    at('legacy-field', 'warning', rangeOf(authz, 'enableCache: false')),
  ]);
  assert.deepEqual(g[0].data?.deleteRange, {
    start: { line: lineOf(authz, 'listenerRef'), character: 0 },
    end: { line: lineOf(authz, 'listenerRef') + 2, character: 0 },
  });
  assert.equal(g[1].data?.replace, 'cache: Disabled');

  const mq = `apiVersion: mq.iotoperations.azure.com/v1beta1
kind: BrokerAuthentication
metadata:
  name: authn
spec:
  listenerRef: [listener]
  authenticationMethods:
  - sat:
      audiences: [aio-mq]
  - x509:
      trustedClientCaCert: client-ca
`;
  const h = run(mq);
  assert.deepEqual(h.map(short), [
    at('api-version', 'warning', rangeOf(mq, 'mq.iotoperations.azure.com/v1beta1')),
    at('legacy-field', 'info', rangeOf(mq, 'listenerRef')),
    at('legacy-field', 'info', rangeOf(mq, 'sat')),
    at('legacy-field', 'info', rangeOf(mq, 'x509')),
  ]);
  assert.deepEqual(
    h.slice(2).map((x) => x.data?.replace),
    ['serviceAccountTokenSettings', 'x509Settings'],
  );
  assert.match(
    h[1].message,
    /belongs to the pre-GA IoT MQ API\. When migrating to mqttbroker\.iotoperations\.azure\.com\/v1: v1 links the other way/,
  );
});

test('findings move with their document: quick-fix ranges in data stay right after an edit above', () => {
  const doc = LISTENER_HEAD(
    'l',
    `  ports:
  - port: 8883
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef: {name: i, kind: Issuer}
        privateKey:
          algorithm: ECDSA
          size: 384
          rotationPolicy: Always
`,
  );
  const ws = new Workspace();
  const first = `${doc}---\n${doc}`;
  ws.setFile('file:///a.yaml', first);
  const before = ws
    .validate()
    .get('file:///a.yaml')!
    .filter((f) => f.code === 'schema');
  const second = `# a comment\n# and another\n${first}`;
  ws.setFile('file:///a.yaml', second);
  const after = ws
    .validate()
    .get('file:///a.yaml')!
    .filter((f) => f.code === 'schema');
  assert.equal(after.length, 2);
  assert.deepEqual(
    after.map((f) => f.data?.deleteRange),
    [line(lineOf(second, 'size: 384')), line(rangeOf(second, 'size: 384', 1).start.line)],
  );
  assert.deepEqual(before[1].data?.deleteRange, line(rangeOf(first, 'size: 384', 1).start.line));
});

test('the how-to examples come out without schema, enum, api-version or legacy findings', () => {
  const files = yamlFiles(join(process.cwd(), 'examples', 'howto'));
  assert.ok(files.length >= 4, 'the how-to examples are there');
  for (const p of files)
    assert.deepEqual(
      run(readFileSync(p, 'utf8'), relative(process.cwd(), p)).map((f) => `${f.code} ${f.message}`),
      [],
      p,
    );
});

// What the rules report in test/fixtures/real-world, each file checked on its own, reviewed one by one as true:
//  - api-version: legacy mq.iotoperations.azure.com objects (warning), v1beta1 objects (info), a v2beta1 (error).
//  - legacy-field: pre-GA fields (info in the legacy group, warning in mqttbroker objects: 0.7-preview `tls.automatic`,
//    `enableCache`, a v1beta1 listener written with `port`/`tls` at spec level).
//  - enum-spelling: lowerCamel values (`loadBalancer`, `clusterIp`, `disabled`) in AIO's own and others' manifests.
//  - schema: `serviceType: ClusterIP`; authentication entries whose settings block is empty or misnamed
//    (`serviceAccountToken:`, `x509Credentials:`); `tls` with `automatic` instead of `certManagerCertificateSpec`;
//    `ports:` written as a mapping; rules written directly under `authorizationPolicies` without `rules:`; a listener
//    with `authenticationMethods`; and the placeholders `<SERVICE_TYPE>`/`<PORT_NUMBER>` of a doc template.
// Key: file → "line:code" (1-based lines) for the four codes of this suite.
const CORPUS_EXPECTED: Record<string, string[]> = {
  'Azure-Samples__azure-edge-extensions-aio-dp-jumpstart/infra__provisioning__deploy__mq-broker.yaml': [
    '2:api-version',
    '8:legacy-field',
    '12:legacy-field',
    '16:legacy-field',
    '21:legacy-field',
    '30:legacy-field',
    '58:api-version',
    '65:legacy-field',
    '66:legacy-field',
    '67:legacy-field',
    '70:legacy-field',
    '77:api-version',
    '84:legacy-field',
    '85:legacy-field',
    '86:legacy-field',
  ],
  'Azure-Samples__azure-edge-extensions-lnm-mq-isa95/src__example-lnm-broker-listener.yaml': [
    '1:api-version',
    '8:legacy-field',
    '9:legacy-field',
    '10:legacy-field',
    '13:legacy-field',
  ],
  'Azure-Samples__azure-edge-extensions-lnm-mq-isa95/src__non-tls-mqtt-broker-listener.yaml': [
    '1:api-version',
    '8:legacy-field',
    '9:legacy-field',
    '10:legacy-field',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__README__block1.yaml': [
    '1:api-version',
    '8:schema',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block3.yaml': [
    '20:api-version',
    '27:schema',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block4.yaml': [
    '1:api-version',
    '8:schema',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block6.yaml': [
    '1:api-version',
    '8:schema',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block7.yaml': [
    '1:api-version',
    '6:schema',
    '8:schema',
    '9:legacy-field',
    '10:legacy-field',
    '12:schema',
  ],
  'Azure-Samples__explore-iot-operations/samples__ContextAppForDSS__e4k-simple.yaml': [
    '12:api-version',
    '32:api-version',
  ],
  'Azure-Samples__explore-iot-operations/samples__auth-server-template__README__block1.yaml': ['1:api-version'],
  'Azure-Samples__explore-iot-operations/samples__context-app-dotnet__MQ__no-tls-sat.yaml': [
    '12:api-version',
    '33:api-version',
    '68:api-version',
  ],
  'Azure-Samples__explore-iot-operations/samples__context-app-dotnet__MQ__no-tls.yaml': [
    '12:api-version',
    '32:api-version',
  ],
  'Azure-Samples__explore-iot-operations/samples__context-app-dotnet__MQ__tls-1.yaml': [
    '12:api-version',
    '43:api-version',
    '114:api-version',
  ],
  'Azure-Samples__explore-iot-operations/samples__http-connector-app-dotnet__broker.yaml': [
    '1:api-version',
    '21:api-version',
  ],
  'Azure-Samples__explore-iot-operations/samples__media-connector-invoke-test__broker-listener__broker-listener.6447bc0.yaml':
    ['1:api-version'],
  'Azure-Samples__explore-iot-operations/samples__quickstarts__az-mqtt-non-tls-listener.0e5ce14.yaml': [
    '2:api-version',
    '9:legacy-field',
    '10:legacy-field',
    '11:legacy-field',
  ],
  'Azure-Samples__explore-iot-operations/samples__quickstarts__az-mqtt-non-tls-listener.a8f8a9c.yaml': [
    '3:api-version',
    '13:enum-spelling',
  ],
  'Azure-Samples__explore-iot-operations/samples__quickstarts__az-mqtt-non-tls-listener.yaml': [
    '3:api-version',
    '13:enum-spelling',
  ],
  'Azure__iot-operations-sdks/doc__reference__rpc-authorization__block1.yaml': ['1:api-version'],
  'Azure__iot-operations-sdks/dot-devcontainer__yaml__aio-release.yaml': [
    '1:api-version',
    '8:enum-spelling',
    '17:api-version',
    '25:enum-spelling',
    '29:schema',
    '31:legacy-field',
    '40:api-version',
    '48:enum-spelling',
    '53:schema',
    '55:legacy-field',
    '81:api-version',
    '88:schema',
    '89:schema',
    '92:api-version',
    '99:schema',
    '100:schema',
  ],
  'Azure__iot-operations-sdks/dotnet__samples__ConnectorApp__broker.yaml': ['1:api-version', '21:api-version'],
  'Azure__iot-operations-sdks/rust__azure_iot_operations_services__examples__broker-consolidated.yaml': [
    '59:enum-spelling',
    '88:enum-spelling',
    '120:enum-spelling',
  ],
  'Azure__iot-operations-sdks/tools__deployment__deploy.yaml': ['10:enum-spelling'],
  'Azure__iot-operations-sdks/tools__deployment__lb.yaml': ['9:enum-spelling'],
  'Azure__iot-operations-sdks/tools__deployment__yaml__aio-nightly.yaml': [
    '27:enum-spelling',
    '43:enum-spelling',
    '78:enum-spelling',
  ],
  'Azure__iot-operations-sdks/tools__deployment__yaml__aio-release.yaml': ['11:enum-spelling'],
  'Azure__iot-operations-sdks/tools__deployment__yaml__broker-listeners.yaml': ['36:enum-spelling', '56:enum-spelling'],
  'MicrosoftDocs__azure-docs/howto-configure-authentication__block2.yaml': ['9:schema', '12:schema'],
  'MicrosoftDocs__azure-docs/howto-configure-authentication__block6.yaml': ['1:api-version'],
  'MicrosoftDocs__azure-docs/howto-configure-authorization__block1.yaml': ['1:api-version'],
  'MicrosoftDocs__azure-docs/howto-configure-authorization__block2.yaml': ['1:api-version'],
  'MicrosoftDocs__azure-docs/howto-configure-authorization__block3.yaml': ['1:api-version', '8:legacy-field'],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener.480f3f1__block1.yaml': [
    '1:api-version',
    '14:schema',
    '15:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener.480f3f1__block2.yaml': [
    '1:api-version',
    '8:enum-spelling',
    '16:schema',
    '17:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener__block5.yaml': ['8:enum-spelling'],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener__block6.yaml': ['8:enum-spelling'],
  'MicrosoftDocs__azure-docs/howto-configure-tls-auto.7f17f79__block3.yaml': [
    '1:api-version',
    '6:schema',
    '8:enum-spelling',
    '10:legacy-field',
    '11:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-tls-auto__block3.yaml': ['1:api-version', '8:enum-spelling'],
  'MicrosoftDocs__azure-docs/howto-configure-tls-manual__block1.yaml': [
    '1:api-version',
    '8:enum-spelling',
    '10:schema',
  ],
  'MicrosoftDocs__azure-docs/howto-test-connection__block3.yaml': ['8:schema', '10:schema', '11:schema'],
  'MicrosoftDocs__azure-docs/manage-mqtt-connectivity__howto-configure-authentication__block1.yaml': [
    '1:api-version',
    '7:legacy-field',
    '10:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/manage-mqtt-connectivity__howto-configure-authentication__block2.yaml': [
    '1:api-version',
    '7:legacy-field',
    '10:legacy-field',
    '12:legacy-field',
    '14:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/manage-mqtt-connectivity__howto-configure-brokerlistener__block1.yaml': [
    '1:api-version',
    '8:legacy-field',
    '9:legacy-field',
    '10:legacy-field',
    '13:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/manage-mqtt-connectivity__howto-configure-brokerlistener__block2.yaml': [
    '1:api-version',
    '7:legacy-field',
    '8:legacy-field',
    '10:legacy-field',
    '12:api-version',
    '18:legacy-field',
    '19:legacy-field',
    '21:legacy-field',
    '22:legacy-field',
  ],
  'MicrosoftDocs__azure-docs/manage-mqtt-connectivity__howto-test-connection__block3.yaml': [
    '1:api-version',
    '10:legacy-field',
    '11:legacy-field',
    '12:legacy-field',
  ],
  'microsoft__edge-ai/blueprints__dual-peered-single-node-cluster__scripts__client-technology-mqtt-broker-listener.yaml':
    ['25:enum-spelling'],
  'microsoft__edge-ai/blueprints__dual-peered-single-node-cluster__scripts__server-central-mqtt-broker-listener.yaml': [
    '20:enum-spelling',
  ],
  'microsoft__edge-ai/docs__solution-technology-paper-library__aio-certs-tls__block1.yaml': ['8:enum-spelling'],
  'rido-min__MqttApplicationSamples/_iotmq__iotmq.771c6b0.yaml': [
    '1:api-version',
    '7:legacy-field',
    '11:legacy-field',
    '15:legacy-field',
    '19:legacy-field',
    '20:legacy-field',
    '29:api-version',
    '37:legacy-field',
    '38:legacy-field',
    '39:legacy-field',
  ],
  'rido-min__MqttApplicationSamples/_iotmq__iotmq.yaml': [
    '1:api-version',
    '7:legacy-field',
    '11:legacy-field',
    '15:legacy-field',
    '19:legacy-field',
    '20:legacy-field',
    '29:api-version',
    '37:legacy-field',
    '38:legacy-field',
    '39:legacy-field',
    '41:api-version',
    '49:legacy-field',
    '50:legacy-field',
    '51:legacy-field',
    '52:legacy-field',
    '56:api-version',
    '62:legacy-field',
    '65:legacy-field',
  ],
  'rido-min__MqttApplicationSamples/_mq__x509auth.yaml': ['1:api-version', '7:legacy-field', '10:legacy-field'],
};

test('real-world corpus: every report of these rules is one we reviewed (no new false positives)', () => {
  const got: Record<string, string[]> = {};
  for (const p of yamlFiles(CORPUS)) {
    const f = run(readFileSync(p, 'utf8'), relative(CORPUS, p));
    if (f.length) got[relative(CORPUS, p)] = f.map((x) => `${x.range.start.line + 1}:${x.code}`);
    for (const x of f) {
      assert.ok(x.code !== 'enum-spelling' || x.severity === 'hint', 'enum-spelling is only ever a hint');
      assert.ok(
        x.range.start.line !== x.range.end.line || x.range.end.character > x.range.start.character,
        `${p}: empty range`,
      );
    }
  }
  assert.deepEqual(got, CORPUS_EXPECTED);
});

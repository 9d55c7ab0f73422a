// The listener rules on real manifests written by others (test/fixtures/real-world, each file its own deployment),
// on the how-to examples and on the demo workspace. Every finding pinned here was judged a true positive:
//   broker-ref            brokerRef `broker`/`brokerz`/`edgy` (AIO GA has only Broker `default`).
//   insecure-port         1883/31883-style ports without TLS and authentication (warning), or with authentication and
//                         `tls:` left empty (info: tokens in clear text).
//   authorization-deny-all  the demohistorian policies put brokerResources straight under authorizationPolicies, so
//                         the policy has no rules and denies everyone — the message says to move them under rules.
//   service-name-conflict `aio-broker` on a listener other than `default`; a hand-written Service named like the
//                         listener's own Service (media-connector sample, reported at both ends).
//   service-type-conflict demohistorian's "default-listener" is a second ClusterIp listener beside the built-in default.
//   authentication-method-invalid  method `x509Credentials` (a preview spelling; AIO knows X509).
//   x509-without-tls      iot-operations-sdks port 1887 (its own comment says "x509 auth without TLS").
//   authentication-not-found  the Aug-2024 doc listeners reference `authn`, which a GA cluster does not have.
//   service-name-invalid  `<LISTENER_NAME>` placeholders become the Service name as written.
//   default-listener-modified  edge-ai redefines `default` as loadBalancer, without authentication / with Manual TLS.
//   workload-identity-label  the Service Connector how-to's Job puts the label on the Job, not its pod template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validate } from '../../server/src/engine';
import { corpusFiles, CORPUS } from '../helpers/corpus';
import { pin } from '../helpers/listener-codes';

const EXPECTED: Record<string, string[]> = {
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__README__block1.yaml': [
    'authorization-deny-all@7',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block3.yaml': [
    'authorization-deny-all@26',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block4.yaml': [
    'authorization-deny-all@7',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block6.yaml': [
    'authorization-deny-all@7',
  ],
  'Azure-Samples__explore-iot-operations/quickstart__modules__demohistorian__edge_historian__block7.yaml': [
    'service-name-conflict@7',
    'service-type-conflict@8',
  ],
  'Azure-Samples__explore-iot-operations/samples__ContextAppForDSS__e4k-simple.yaml': [
    'broker-ref@18',
    'insecure-port@23',
  ],
  'Azure-Samples__explore-iot-operations/samples__context-app-dotnet__MQ__no-tls-sat.yaml': [
    'broker-ref@18',
    'insecure-port@23',
  ],
  'Azure-Samples__explore-iot-operations/samples__context-app-dotnet__MQ__no-tls.yaml': [
    'broker-ref@18',
    'insecure-port@23',
  ],
  'Azure-Samples__explore-iot-operations/samples__context-app-dotnet__MQ__tls-1.yaml': [
    'authentication-method-invalid@131',
    'broker-ref@18',
    'insecure-port@23',
  ],
  'Azure-Samples__explore-iot-operations/samples__http-connector-app-dotnet__broker.yaml': [
    'broker-ref@27',
    'insecure-port@30',
  ],
  'Azure-Samples__explore-iot-operations/samples__media-connector-invoke-test__broker-listener__broker-listener.6447bc0.yaml':
    ['insecure-port@11'],
  'Azure-Samples__explore-iot-operations/samples__media-connector-invoke-test__broker-listener__broker-listener.yaml': [
    'insecure-port@10',
    'service-name-conflict@18',
    'service-name-conflict@4',
  ],
  'Azure-Samples__explore-iot-operations/samples__quickstarts__az-mqtt-non-tls-listener.a8f8a9c.yaml': [
    'broker-ref@9',
    'insecure-port@11',
  ],
  'Azure-Samples__explore-iot-operations/samples__quickstarts__az-mqtt-non-tls-listener.yaml': ['insecure-port@11'],
  'Azure-Samples__explore-iot-operations/tools__state-store-cli__yaml__listener-open.yml': ['insecure-port@11'],
  'Azure__iot-operations-sdks/dot-devcontainer__yaml__aio-release.yaml': [
    'authentication-method-invalid@99',
    'broker-ref@23',
    'broker-ref@46',
    'insecure-port@50',
    'service-name-conflict@24',
  ],
  'Azure__iot-operations-sdks/dotnet__samples__ConnectorApp__broker.yaml': ['broker-ref@27', 'insecure-port@30'],
  'Azure__iot-operations-sdks/rust__azure_iot_operations_services__examples__broker-consolidated.yaml': [
    'insecure-port@61',
    'insecure-port@90',
  ],
  'Azure__iot-operations-sdks/tools__deployment__deploy.yaml': ['broker-ref@7', 'insecure-port@9'],
  'Azure__iot-operations-sdks/tools__deployment__lb.yaml': ['insecure-port@11'],
  'Azure__iot-operations-sdks/tools__deployment__yaml__aio-nightly.yaml': ['insecure-port@80'],
  'Azure__iot-operations-sdks/tools__deployment__yaml__aio-release.yaml': ['insecure-port@13'],
  'Azure__iot-operations-sdks/tools__deployment__yaml__broker-listeners.yaml': [
    'insecure-port@58',
    'insecure-port@59',
    'x509-without-tls@60',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener.480f3f1__block1.yaml': [
    'authentication-not-found@11',
    'broker-ref@7',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener.480f3f1__block2.yaml': [
    'authentication-not-found@14',
    'broker-ref@7',
    'insecure-port@11',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-brokerlistener__block2.yaml': [
    'insecure-port@10',
    'service-name-invalid@4',
  ],
  'MicrosoftDocs__azure-docs/howto-configure-tls-auto.7f17f79__block3.yaml': ['broker-ref@7'],
  'MicrosoftDocs__azure-docs/howto-configure-tls-manual__block1.yaml': ['broker-ref@7'],
  'MicrosoftDocs__azure-docs/howto-test-connection__block1.yaml': ['insecure-port@10'],
  'MicrosoftDocs__azure-docs/howto-test-connection__block2.yaml': ['insecure-port@10'],
  'MicrosoftDocs__azure-docs/howto-test-connection__block3.yaml': ['insecure-port@10', 'service-name-invalid@4'],
  'MicrosoftDocs__azure-docs/service-connector__how-to-use-service-connector-in-aks__block2.yaml': [
    'workload-identity-label@7',
  ],
  'microsoft__edge-ai/blueprints__dual-peered-single-node-cluster__scripts__client-technology-mqtt-broker-listener.yaml':
    ['broker-ref@8', 'default-listener-modified@12', 'default-listener-modified@25', 'insecure-port@10'],
  'microsoft__edge-ai/blueprints__dual-peered-single-node-cluster__scripts__server-central-mqtt-broker-listener.yaml': [
    'broker-ref@8',
    'default-listener-modified@16',
    'default-listener-modified@20',
    'insecure-port@10',
  ],
  'microsoft__edge-ai/src__500-application__507-ai-inference__services__ai-edge-inference__tests__README__heredoc1.yaml':
    ['insecure-port@9'],
};

test('real-world corpus: each file on its own yields exactly the listener-rule findings judged true positives', () => {
  const files = corpusFiles();
  assert.ok(files.length > 80, `the real-world corpus in ${CORPUS}`);
  const seen = new Set<string>();
  for (const { path, text } of files) {
    const name = relative(CORPUS, path).split('\\').join('/');
    seen.add(name);
    const got = pin(validate({ [`file:///corpus/${name}`]: text }));
    assert.deepEqual(got, EXPECTED[name] ?? [], name);
  }
  for (const name of Object.keys(EXPECTED)) assert.ok(seen.has(name), `${name} is in the corpus`);
});

test('examples/howto: each scenario on its own is clean except insecure-port on the open 1883 port', () => {
  const dir = join(process.cwd(), 'examples', 'howto');
  const got: Record<string, string[]> = {};
  for (const scenario of readdirSync(dir).sort()) {
    const n = `${scenario}.yaml`;
    got[n] = pin(validate({ [`file:///howto/${n}`]: readFileSync(join(dir, scenario, n), 'utf8') }));
  }
  assert.deepEqual(got, {
    'automatic-tls-8884.yaml': [],
    'manual-tls-mqtts-endpoint.yaml': [],
    'selfsigned-ca-issuer.yaml': [],
    'two-port-loadbalancer.yaml': ['insecure-port@14'],
  });
});

test('examples/demo: exactly the deliberate mistakes, with related locations across files', () => {
  const dir = join(process.cwd(), 'examples', 'demo');
  const docs: Record<string, string> = {};
  for (const n of readdirSync(dir).filter((f) => f.endsWith('.yaml')))
    docs[`file:///demo/${n}`] = readFileSync(join(dir, n), 'utf8');
  const findings = validate(docs);
  const byFile = (f: typeof findings) =>
    f.map((x) => `${x.uri.slice('file:///demo/'.length)}:${x.range.start.line + 1} ${x.code}`).sort();
  assert.deepEqual(byFile(findings.filter((x) => pin([x]).length)), [
    'listener-external.yaml:29 port-conflict',
    'listener-nodeport.yaml:12 port-conflict',
    'listener-nodeport.yaml:15 authentication-not-found',
    'listener-nodeport.yaml:30 node-port-range',
    'service-connector-app.yaml:36 workload-identity-label',
  ]);
  const clash = findings.filter((x) => x.code === 'port-conflict');
  for (const c of clash) {
    assert.equal(c.related.length, 1);
    assert.notEqual(c.related[0].uri, c.uri, 'the related location is in the other file');
    assert.equal(c.data?.replace, '1885');
  }
  assert.equal(findings.find((x) => x.code === 'authentication-not-found')?.data?.replace, 'devices');
  // No error or warning from any rule beyond the deliberate mistakes.
  assert.deepEqual(
    findings
      .filter((x) => !pin([x]).length && (x.severity === 'error' || x.severity === 'warning'))
      .map((x) => `${x.uri} ${x.code}: ${x.message}`),
    [],
  );
});

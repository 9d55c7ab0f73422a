// The dev broker against Debian's real mosquitto_pub / mosquitto_sub: TCP and TLS, MQTT 3.1.1 and 5, the how-to's
// commands unchanged, client certificates accepted and rejected, authorization allowed and denied.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AUTO_TLS, freePorts, listenerYaml, run, startInProcess, startProcess, InProcess } from '../helpers/broker';
import { clientCert } from '../../server/src/devbroker';
import { tempDir } from '../helpers/temp';

const AUTHN = `---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: x509-authn
  namespace: azure-iot-operations
spec:
  authenticationMethods:
  - method: X509
    x509Settings:
      authorizationAttributes:
        fan:
          subject: "CN = smart-fan"
          attributes:
            building: "17"
`;
const AUTHZ = `---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata:
  name: building-policy
  namespace: azure-iot-operations
spec:
  authorizationPolicies:
    rules:
    - principals:
        attributes:
        - building: "17"
      brokerResources:
      - method: Connect
      - method: Publish
        topics: ["building/{principal.attributes.building}/#"]
      - method: Subscribe
        topics: ["building/{principal.attributes.building}/#"]
`;

describe('dev broker with mosquitto clients', () => {
  const stateDir = tempDir();
  const work = tempDir('brokerkit-clients-');
  let b: InProcess;
  let tcp: number, tlsPort: number, x509Port: number, edPort: number;
  let caFile: string;

  before(async () => {
    [tcp, tlsPort, x509Port, edPort] = await freePorts(4);
    const yaml =
      listenerYaml('test-listener', [
        { port: tcp },
        { port: tlsPort, tls: AUTO_TLS('Ec256') },
        { port: x509Port, tls: AUTO_TLS('Ec256'), authn: 'x509-authn', authz: 'building-policy' },
        { port: edPort, tls: AUTO_TLS('Ed25519') },
      ]) +
      AUTHN +
      AUTHZ;
    b = await startInProcess(yaml, { stateDir });
    caFile = b.plan.ports[1].tls!.caFile!;
  });
  after(async () => {
    await b?.stop();
  });

  test("the how-to's MQTT 5 command works unchanged (--cafile ca.crt)", async () => {
    fs.copyFileSync(caFile, path.join(work, 'ca.crt'));
    const r = await runIn(work, 'mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(tlsPort),
      '-V',
      'mqttv5',
      '-i',
      'test',
      '-t',
      'test',
      '-m',
      'test',
      '--cafile',
      'ca.crt',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const e = await b.events.wait((x) => x.event === 'publish' && x.clientId === 'test', 'publish from test');
    assert.equal(e.topic, 'test');
    assert.equal(e.port, tlsPort);
    assert.equal(b.events.all.find((x) => x.event === 'client-connected' && x.clientId === 'test').version, 5);
  });

  test("the how-to's debug command works unchanged (MQTT 3.1.1, --cafile root_ca.crt)", async () => {
    fs.copyFileSync(caFile, path.join(work, 'root_ca.crt'));
    const r = await runIn(work, 'mosquitto_pub', [
      '-d',
      '-h',
      'localhost',
      '-p',
      String(tlsPort),
      '-i',
      'my-client',
      '-t',
      'test-topic',
      '-m',
      'Hello',
      '--cafile',
      'root_ca.crt',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Client my-client received CONNACK \(0\)/);
    const e = await b.events.wait((x) => x.event === 'publish' && x.clientId === 'my-client', 'publish from my-client');
    assert.equal(e.topic, 'test-topic');
    assert.equal(b.events.all.find((x) => x.event === 'client-connected' && x.clientId === 'my-client').version, 4);
  });

  test('a TLS client that does not trust the dev CA is refused by the handshake', async () => {
    const r = await run('mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(tlsPort),
      '-t',
      't',
      '-m',
      'x',
      '--cafile',
      '/etc/ssl/certs/ca-certificates.crt',
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate verify failed|TLS|protocol error/i);
  });

  test('messages cross ports and versions: MQTT 5 over TLS (QoS 2) to an MQTT 3.1.1 subscriber over TCP', async () => {
    const sub = startProcess('mosquitto_sub', [
      '-h',
      'localhost',
      '-p',
      String(tcp),
      '-V',
      'mqttv311',
      '-i',
      'sub-311',
      '-t',
      'cross/#',
      '-q',
      '2',
      '-C',
      '2',
      '-v',
    ]);
    await b.events.wait((x) => x.event === 'subscribe' && x.clientId === 'sub-311', 'subscription of sub-311');
    const p1 = await run('mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(tlsPort),
      '-V',
      'mqttv5',
      '-q',
      '2',
      '-t',
      'cross/a',
      '-m',
      'one',
      '--cafile',
      caFile,
    ]);
    const p2 = await run('mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(tcp),
      '-V',
      'mqttv311',
      '-q',
      '1',
      '-t',
      'cross/b',
      '-m',
      'two',
    ]);
    assert.equal(p1.code, 0, p1.stderr);
    assert.equal(p2.code, 0, p2.stderr);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    // (a QoS 2 message is printed once its PUBREL arrives, so the two may be printed in either order)
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['cross/a one', 'cross/b two']);
  });

  test('retained messages reach later subscribers (MQTT 5 and 3.1.1)', async () => {
    const p = await run('mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(tcp),
      '-V',
      'mqttv5',
      '-r',
      '-q',
      '1',
      '-t',
      'ret/state',
      '-m',
      'on',
    ]);
    assert.equal(p.code, 0, p.stderr);
    for (const v of ['mqttv5', 'mqttv311']) {
      const r = await run('mosquitto_sub', [
        '-h',
        'localhost',
        '-p',
        String(tlsPort),
        '--cafile',
        caFile,
        '-V',
        v,
        '-t',
        'ret/#',
        '-C',
        '1',
        '-v',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'ret/state on');
    }
  });

  test('an Ed25519 server certificate works with mosquitto (OpenSSL) clients', async () => {
    const edCa = b.plan.ports[3].tls!.caFile!;
    assert.notEqual(edCa, caFile, 'Ed25519 has a CA of its own (one key algorithm per chain)');
    const r = await run('mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(edPort),
      '-V',
      'mqttv5',
      '-i',
      'ed-client',
      '-t',
      'ed',
      '-m',
      'x',
      '--cafile',
      edCa,
    ]);
    assert.equal(r.code, 0, r.stderr);
    await b.events.wait((x) => x.event === 'publish' && x.clientId === 'ed-client', 'publish over Ed25519 TLS');
  });

  describe('X509 authentication and authorization', () => {
    let fan: { certFile: string; keyFile: string };
    before(async () => {
      fan = await clientCert(stateDir, { name: 'smart-fan', outDir: work });
    });
    /** mosquitto client arguments for the X509 port: host, port, version, client id, the dev CA and a certificate. */
    const x509 = (id: string, version: 'mqttv5' | 'mqttv311', cert?: { certFile: string; keyFile: string }) => [
      ...['-h', 'localhost', '-p', String(x509Port), '-V', version, '-i', id, '--cafile', caFile],
      ...(cert ? ['--cert', cert.certFile, '--key', cert.keyFile] : []),
    ];
    const decision = (clientId: string, action: string) =>
      b.events.wait(
        (x) => x.event === 'decision' && x.clientId === clientId && x.action === action,
        `${action} decision for ${clientId}`,
      );
    const routed = (clientId: string) => b.events.all.some((x) => x.event === 'publish' && x.clientId === clientId);

    test('a client certificate from the dev CA is accepted; its subject maps to attributes that authorize the publish', async () => {
      const r = await run('mosquitto_pub', [
        ...x509('fan-1', 'mqttv5', fan),
        '-q',
        '1',
        '-t',
        'building/17/temp',
        '-m',
        '21',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const d = await decision('fan-1', 'Publish');
      assert.equal(d.allowed, true);
      assert.equal(d.resource, 'building/17/temp');
      assert.equal((await decision('fan-1', 'Connect')).allowed, true);
      await b.events.wait((x) => x.event === 'publish' && x.clientId === 'fan-1', 'routed publish');
    });

    test('a publish outside the allowed topics is denied with reason code 135 (MQTT 5) and not routed', async () => {
      const r = await run('mosquitto_pub', [
        '-d',
        ...x509('fan-2', 'mqttv5', fan),
        '-q',
        '1',
        '-t',
        'building/18/temp',
        '-m',
        '21',
      ]);
      assert.match(r.stdout + r.stderr, /PUBACK \(Mid: 1, RC:135\)|Not authori[sz]ed/i);
      assert.equal((await decision('fan-2', 'Publish')).allowed, false);
      assert.equal(routed('fan-2'), false);
    });

    test('a subscription outside the allowed topics is denied (SUBACK 0x87)', async () => {
      const r = await run('mosquitto_sub', [...x509('fan-3', 'mqttv5', fan), '-t', 'building/#', '-C', '1']);
      assert.match(r.stderr + r.stdout, /All subscription requests were denied/i);
      assert.equal((await decision('fan-3', 'Subscribe')).allowed, false);
    });

    test('MQTT 3.1.1: a denied publish still gets a plain PUBACK (as AIO) and is not routed', async () => {
      const r = await run('mosquitto_pub', [
        '-d',
        ...x509('fan-4', 'mqttv311', fan),
        '-q',
        '1',
        '-t',
        'elsewhere',
        '-m',
        'x',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /received PUBACK/);
      assert.equal((await decision('fan-4', 'Publish')).allowed, false);
      assert.equal(routed('fan-4'), false);
    });

    test('without a client certificate the connection is refused (not authorized)', async () => {
      const r = await run('mosquitto_pub', [...x509('no-cert', 'mqttv5'), '-t', 'building/17/x', '-m', 'x']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /not authori[sz]ed/i);
      const e = await b.events.wait((x) => x.event === 'client-rejected' && x.clientId === 'no-cert', 'rejection');
      assert.match(e.reason, /client certificate/);
    });

    test('a client certificate from another CA is refused', async () => {
      const other = { keyFile: path.join(work, 'other.key'), certFile: path.join(work, 'other.crt') };
      const g = await run('openssl', [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
        ...['-keyout', other.keyFile, '-out', other.certFile, '-subj', '/CN=smart-fan', '-days', '2'],
      ]);
      assert.equal(g.code, 0, g.stderr);
      const r = await run('mosquitto_pub', [...x509('impostor', 'mqttv5', other), '-t', 'building/17/x', '-m', 'x']);
      assert.notEqual(r.code, 0);
      const e = await b.events.wait((x) => x.event === 'client-rejected' && x.clientId === 'impostor', 'rejection');
      assert.match(e.reason, /rejected/);
    });
  });
});

function runIn(cwd: string, cmd: string, args: string[]) {
  return run(cmd, args, { cwd });
}

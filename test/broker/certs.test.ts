// The dev CA and the certificates it issues, checked by openssl: chains pass `verify -x509_strict`, key algorithms match
// privateKey.algorithm, SANs and lifetime follow the listener, keys are 0600, the CA persists; TLS Manual runs the same
// chain checks before serving.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Workspace } from '../../server/src/engine';
import {
  clientCert,
  devCa,
  serverCert,
  KeyAlgorithm,
  planDevBroker,
  DevBroker,
  PlanError,
} from '../../server/src/devbroker';
import { AUTO_TLS, freePorts, listenerYaml, run, EventLog } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

const stateDir = tempDir();
const work = tempDir('brokerkit-certs-');

/** Writes the leaf and the rest of a chain to files and runs `openssl verify -x509_strict`. */
async function verifyStrict(chainPem: string, caFile: string, purpose: 'sslserver' | 'sslclient'): Promise<string> {
  const blocks = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  const leaf = path.join(work, `leaf-${Math.random().toString(36).slice(2)}.pem`);
  const rest = leaf.replace('leaf-', 'chain-');
  fs.writeFileSync(leaf, blocks[0]);
  fs.writeFileSync(rest, blocks.slice(1).join(''));
  const r = await run('openssl', [
    'verify',
    '-x509_strict',
    '-purpose',
    purpose,
    '-CAfile',
    caFile,
    '-untrusted',
    rest,
    leaf,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
}

async function opensslText(pem: string): Promise<string> {
  const r = await run('openssl', ['x509', '-noout', '-text'], { input: pem });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const expectKey: Record<KeyAlgorithm, RegExp> = {
  Ec256: /id-ecPublicKey[\s\S]*(prime256v1|P-256)/,
  Ec384: /id-ecPublicKey[\s\S]*(secp384r1|P-384)/,
  Ec521: /id-ecPublicKey[\s\S]*(secp521r1|P-521)/,
  Ed25519: /Public Key Algorithm: ED25519/i,
  Rsa2048: /rsaEncryption[\s\S]*Public-Key: \(2048 bit\)/,
  Rsa4096: /rsaEncryption[\s\S]*Public-Key: \(4096 bit\)/,
  Rsa8192: /rsaEncryption[\s\S]*Public-Key: \(8192 bit\)/,
};

describe('dev CA and server certificates', () => {
  for (const algorithm of Object.keys(expectKey) as KeyAlgorithm[]) {
    test(`${algorithm}: chain passes openssl verify -x509_strict and the key matches the algorithm`, async () => {
      const c = await serverCert(stateDir, `alg-${algorithm}`, {
        algorithm,
        commonName: 'my-listener',
        dns: ['my-listener', 'localhost'],
        ips: ['127.0.0.1', '::1'],
        durationMs: 48 * 3600e3,
      });
      assert.match(await verifyStrict(c.chainPem, c.caFile, 'sslserver'), /OK/);
      const leafText = await opensslText(c.chainPem);
      assert.match(leafText, expectKey[algorithm]);
      // Every certificate of the chain has the same key type.
      const types = c.chainPem
        .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
        .map((p) => new X509Certificate(p).publicKey.asymmetricKeyType);
      types.push(new X509Certificate(fs.readFileSync(c.caFile)).publicKey.asymmetricKeyType);
      assert.equal(new Set(types).size, 1, `key types in the chain: ${types.join(', ')}`);
      assert.equal(fs.statSync(c.keyFile).mode & 0o777, 0o600);
    });
  }

  test('SANs, lifetime and usages follow the listener; the CA key files are 0600 and hold the only private keys', async () => {
    const [port] = await freePorts(1);
    const ws = new Workspace();
    ws.setFile(
      'file:///ws/l.yaml',
      listenerYaml(
        'san-listener',
        [
          {
            port,
            tls: AUTO_TLS(
              'Ec384',
              'duration: 240h\nsan:\n  dns: ["mqtt.example.test", "*.edge.example.test"]\n  ip: ["192.0.2.10", "not-an-ip"]',
            ),
          },
        ],
        'my-service',
      ),
    );
    const plan = await planDevBroker(ws, { stateDir });
    const pem = plan.ports[0].tls!.certPem;
    const leaf = new X509Certificate(pem);
    for (const name of [
      'DNS:mqtt.example.test',
      'DNS:*.edge.example.test',
      'DNS:my-service',
      'DNS:my-service.azure-iot-operations.svc',
      'DNS:localhost',
      'IP Address:192.0.2.10',
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
    ]) {
      assert.ok(leaf.subjectAltName!.includes(name), `${name} in ${leaf.subjectAltName}`);
    }
    assert.ok(
      plan.warnings.some((w) => /not-an-ip/.test(w)),
      'the invalid SAN is reported',
    );
    const hours = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3600e3;
    assert.ok(hours > 240 && hours < 240.2, `lifetime ${hours} h`);
    const text = await opensslText(pem);
    assert.match(text, /TLS Web Server Authentication/);
    assert.match(text, /CA:FALSE/);
    for (const f of ['ca.key', 'intermediate.key'])
      assert.equal(fs.statSync(path.join(stateDir, 'ca', 'ec', f)).mode & 0o777, 0o600);
    assert.doesNotMatch(fs.readFileSync(path.join(stateDir, 'ca', 'ec', 'ca.crt'), 'utf8'), /PRIVATE KEY/);
  });

  test('the CA is made once and persists; server certificates are reused until their parameters change', async () => {
    const dir = tempDir();
    const a = await devCa(dir, 'ec');
    const c1 = await serverCert(dir, 'p', {
      algorithm: 'Ec256',
      commonName: 'x',
      dns: ['localhost'],
      ips: [],
      durationMs: 3600e3 * 24,
    });
    const c2 = await serverCert(dir, 'p', {
      algorithm: 'Ec256',
      commonName: 'x',
      dns: ['localhost'],
      ips: [],
      durationMs: 3600e3 * 24,
    });
    const c3 = await serverCert(dir, 'p', {
      algorithm: 'Ec256',
      commonName: 'x',
      dns: ['localhost', 'other'],
      ips: [],
      durationMs: 3600e3 * 24,
    });
    assert.equal(c1.reused, false);
    assert.equal(c2.reused, true);
    assert.equal(c2.chainPem, c1.chainPem);
    assert.equal(c3.reused, false);
    // A second process reads the same CA from disk (the same root is what clients already trust).
    const r = await run(process.execPath, [
      '-e',
      `require(${JSON.stringify(path.resolve(process.env.BROKERKIT_OUT || 'out', 'server/src/devbroker/certs.js'))}).devCa(${JSON.stringify(dir)}, 'ec').then((c) => process.stdout.write(c.rootPem))`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, a.rootPem);
  });

  test('client certificates chain to the dev CA for client authentication', async () => {
    const c = await clientCert(stateDir, { name: 'device-1', outDir: work });
    assert.match(await verifyStrict(c.chainPem, c.caFile, 'sslclient'), /OK/);
    assert.match(await opensslText(c.chainPem), /TLS Web Client Authentication/);
    assert.equal(fs.statSync(c.keyFile).mode & 0o777, 0o600);
  });
});

describe('TLS Manual', () => {
  const secretYaml = (name: string, crt: string, key: string) => `---
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: azure-iot-operations
type: kubernetes.io/tls
data:
  tls.crt: ${Buffer.from(crt).toString('base64')}
  tls.key: ${Buffer.from(key).toString('base64')}
`;
  const manual = (ref: string) => `mode: Manual\nmanual:\n  secretRef: ${ref}`;

  test('the Secret from the workspace is checked and served; mosquitto_pub connects with its CA', async () => {
    const cert = await serverCert(stateDir, 'manual-src', {
      algorithm: 'Ec256',
      commonName: 'manual',
      dns: ['localhost'],
      ips: ['127.0.0.1'],
      durationMs: 3600e3 * 24,
    });
    const [port] = await freePorts(1);
    const ws = new Workspace();
    ws.setFile(
      'file:///ws/l.yaml',
      listenerYaml('manual-listener', [{ port, tls: manual('server-cert') }]) +
        secretYaml('server-cert', cert.chainPem, cert.keyPem),
    );
    const plan = await planDevBroker(ws, { stateDir });
    assert.equal(plan.ports[0].tls!.mode, 'Manual');
    const events = new EventLog();
    const b = await DevBroker.start(plan, { host: '127.0.0.1', onEvent: (e) => events.push(e) });
    try {
      const r = await run('mosquitto_pub', [
        '-h',
        'localhost',
        '-p',
        String(port),
        '-V',
        'mqttv5',
        '-i',
        'manual-client',
        '-t',
        't',
        '-m',
        'x',
        '--cafile',
        cert.caFile,
      ]);
      assert.equal(r.code, 0, r.stderr);
      await events.wait((e) => e.event === 'publish' && e.clientId === 'manual-client', 'publish');
    } finally {
      await b.stop();
    }
  });

  test('a chain in the wrong order, a key of another certificate and a missing Secret are refused with the reason', async () => {
    const cert = await serverCert(stateDir, 'manual-bad', {
      algorithm: 'Ec256',
      commonName: 'manual',
      dns: ['localhost'],
      ips: [],
      durationMs: 3600e3 * 24,
    });
    const other = await serverCert(stateDir, 'manual-other', {
      algorithm: 'Ec256',
      commonName: 'other',
      dns: ['localhost'],
      ips: [],
      durationMs: 3600e3 * 24,
    });
    const blocks = cert.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
    const cases: [string, string, RegExp][] = [
      [blocks.slice().reverse().join(''), cert.keyPem, /is a CA: tls.crt must start with the server certificate/],
      [cert.chainPem, other.keyPem, /tls.key does not belong to the server certificate/],
    ];
    for (const [crt, key, why] of cases) {
      const ws = new Workspace();
      ws.setFile(
        'file:///ws/l.yaml',
        listenerYaml('manual-listener', [{ port: 18999, tls: manual('bad') }]) + secretYaml('bad', crt, key),
      );
      await assert.rejects(planDevBroker(ws, { stateDir }), (e: Error) => {
        assert.ok(e instanceof PlanError);
        assert.match(e.message, why);
        assert.doesNotMatch(e.message, /PRIVATE KEY/);
        return true;
      });
    }
    const ws = new Workspace();
    ws.setFile('file:///ws/l.yaml', listenerYaml('manual-listener', [{ port: 18999, tls: manual('absent') }]));
    await assert.rejects(
      planDevBroker(ws, { stateDir }),
      /Secret 'absent' \(TLS Manual\) is not in the workspace; give its PEM files with --tls-cert/,
    );
  });
});

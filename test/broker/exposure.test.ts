// What the dev broker exposes, attacked as the review did: a web page from another origin in a real (headless)
// chromium opening its WebSockets port, a TLS 1.2 client offering only a CBC-SHA1 suite (openssl s_client), and a
// bind to every interface with ports that check no real credentials.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { distDir } from '../helpers/engine';
import { AUTO_TLS, freePorts, listenerYaml, run, startCli, CliBroker } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

const stateDir = tempDir();
const work = tempDir('brokerkit-exposure-');
const running: CliBroker[] = [];
const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  for (const c of closers) await c().catch(() => undefined);
});

async function broker(yaml: string, ...args: string[]): Promise<CliBroker> {
  const file = path.join(work, `l${running.length}.yaml`);
  fs.writeFileSync(file, yaml);
  const b = await startCli([file, '--state-dir', stateDir, ...args]);
  running.push(b);
  const ready = await b.events.wait((e) => ['ready', 'error', 'exit'].includes(e.event), 'ready', 120_000);
  assert.equal(ready.event, 'ready', `${JSON.stringify(ready)}\n${b.stderr()}`);
  return b;
}

const CHROMIUM = process.env.BROKERKIT_CHROMIUM || '/usr/bin/chromium';

/** A page on http://127.0.0.1:<its own port> that opens ws://localhost:<port>/mqtt, sends an MQTT CONNECT and
 *  reports 'connack' or why not. */
async function fromBrowserPage(wsPort: number, pagePort = 0): Promise<{ result: string; origin: string }> {
  const page = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>another site</title>');
  });
  await new Promise<void>((r) => page.listen(pagePort, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const p = await browser.newPage();
    await p.goto(origin);
    const result = await p.evaluate(
      (port) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://localhost:${port}/mqtt`, 'mqtt');
          ws.binaryType = 'arraybuffer';
          ws.onopen = () =>
            // MQTT 3.1.1 CONNECT, clean session, keep-alive 60, empty client id.
            ws.send(new Uint8Array([0x10, 12, 0, 4, 77, 81, 84, 84, 4, 2, 0, 60, 0, 0]));
          ws.onmessage = (m) => resolve(new Uint8Array(m.data as ArrayBuffer)[0] === 0x20 ? 'connack' : 'other');
          ws.onerror = () => resolve('refused');
        }),
      wsPort,
    );
    return { result, origin };
  } finally {
    await browser.close();
    await new Promise((r) => page.close(r));
  }
}

describe('WebSockets ports and browser pages', () => {
  test('a page from another origin is refused; with --allow-origin it connects; MQTT.js in node is unaffected', async (t) => {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`chromium is not installed (${CHROMIUM})`);
      t.skip(`chromium is not installed (${CHROMIUM})`);
      return;
    }
    const [port, port2] = await freePorts(2);
    const b = await broker(listenerYaml('ws', [{ port, protocol: 'WebSockets' }]));
    assert.ok(
      b.events.all.some((e) => e.event === 'log' && /WebSockets ports refuse browser pages/.test(e.message)),
      'the origin policy is logged at start',
    );
    const refused = await fromBrowserPage(port);
    assert.equal(refused.result, 'refused');
    await b.events.wait(
      (e) =>
        e.event === 'log' &&
        e.message.includes(`refused a WebSocket connection from a web page at "${refused.origin}"`),
      'the refusal in the log',
    );
    assert.ok(!b.events.all.some((e) => e.event === 'client-connected'));

    // Node clients send no Origin.
    const mqtt = await import('mqtt');
    const c = await mqtt.connectAsync(`ws://127.0.0.1:${port}/mqtt`, { reconnectPeriod: 0, connectTimeout: 60_000 });
    await c.endAsync();

    // A page allowed by name connects (its port is picked first, so that the broker can be told its origin).
    const [pagePort] = await freePorts(1);
    const allowedOrigin = `http://127.0.0.1:${pagePort}`;
    const b2 = await broker(
      listenerYaml('ws2', [{ port: port2, protocol: 'WebSockets' }]),
      '--allow-origin',
      allowedOrigin,
    );
    assert.ok(b2.events.all.some((e) => e.event === 'log' && e.message.includes(`only from ${allowedOrigin}`)));
    const allowed = await fromBrowserPage(port2, pagePort);
    assert.equal(allowed.result, 'connack');
  });

  test('--allow-origin takes an origin or *, nothing else', async () => {
    const [port] = await freePorts(1);
    const file = path.join(work, 'bad-origin.yaml');
    fs.writeFileSync(file, listenerYaml('ws', [{ port, protocol: 'WebSockets' }]));
    const r = await run(process.execPath, [
      path.join(distDir(), 'cli.js'),
      'dev-broker',
      file,
      '--allow-origin',
      'http://example.com/path',
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /is not an origin: write only scheme:\/\/host\[:port\] \(no path\), e\.g\. http:\/\/example\.com/,
    );
  });
});

describe('TLS', () => {
  test('TLS 1.2 offers only AEAD suites with forward secrecy: a CBC-SHA1 client is refused, a GCM one served', async () => {
    const [port] = await freePorts(1);
    await broker(listenerYaml('tls', [{ port, tls: AUTO_TLS('Ec256') }]));
    const sClient = (...args: string[]) =>
      run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...args], {
        input: '',
        timeoutMs: 60_000,
      });
    const cbc = await sClient('-tls1_2', '-cipher', 'AES128-SHA');
    assert.notEqual(cbc.code, 0);
    assert.match(cbc.stdout + cbc.stderr, /handshake failure|no shared cipher|alert/i);
    const cbcEcdhe = await sClient('-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA');
    assert.notEqual(cbcEcdhe.code, 0);
    const gcm = await sClient('-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256');
    assert.equal(gcm.code, 0, gcm.stderr);
    assert.match(gcm.stdout, /Cipher is ECDHE-ECDSA-AES128-GCM-SHA256/);
    const v13 = await sClient('-tls1_3');
    assert.equal(v13.code, 0, v13.stderr);
    assert.match(v13.stdout, /TLSv1\.3/);
  });
});

describe('--bind beyond loopback', () => {
  test('ports without real credentials are named and refused unless --allow-remote', async () => {
    const [open, sat, x509] = await freePorts(3);
    const yaml =
      listenerYaml('remote', [
        { port: open },
        { port: sat, authn: 'sat' },
        { port: x509, authn: 'certs', tls: AUTO_TLS() },
      ]) +
      `---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata: {name: sat, namespace: azure-iot-operations}
spec:
  authenticationMethods:
  - method: ServiceAccountToken
    serviceAccountTokenSettings: {audiences: [aio-internal]}
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata: {name: certs, namespace: azure-iot-operations}
spec:
  authenticationMethods:
  - method: X509
    x509Settings: {}
`;
    const file = path.join(work, 'remote.yaml');
    fs.writeFileSync(file, yaml);
    const refused = await startCli([file, '--state-dir', stateDir, '--bind', '0.0.0.0']);
    running.push(refused);
    const err = await refused.events.wait((e) => e.event === 'error', 'the refusal', 120_000);
    assert.equal(await refused.exited, 1);
    assert.match(err.message, new RegExp(`port ${open}: no authentication`));
    assert.match(err.message, new RegExp(`port ${sat}: ServiceAccountToken .* does not verify token signatures`));
    assert.doesNotMatch(err.message, new RegExp(`port ${x509}`));
    assert.match(err.message, /--allow-remote/);
    assert.ok(!refused.events.all.some((e) => e.event === 'listening'));

    const b = await broker(yaml, '--bind', '0.0.0.0', '--allow-remote');
    const warnings = b.events.all.filter((e) => e.event === 'log' && e.level === 'warning').map((e) => e.message);
    assert.ok(warnings.some((w) => w.includes(`reachable from other machines: port ${open}: no authentication`)));
    assert.ok(warnings.some((w) => w.includes(`port ${sat}: ServiceAccountToken`)));
  });
});

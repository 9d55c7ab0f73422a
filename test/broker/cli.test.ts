// `brokerkit dev-broker` and `brokerkit dev-ca` as a user runs them (the real bundle): JSON events, the printed client
// commands, clean stop on SIGTERM/SIGINT with the ports freed, busy ports named with their holder, keys never shown.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { AUTO_TLS, freePorts, listenerYaml, run, startCli, CliBroker } from '../helpers/broker';
import { distDir } from '../helpers/engine';
import { tempDir } from '../helpers/temp';

const stateDir = tempDir();
const work = tempDir('brokerkit-cli-');
const cli = () => path.join(distDir(), 'cli.js');
const running: CliBroker[] = [];
after(() => {
  for (const r of running) r.child.kill('SIGKILL');
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('brokerkit dev-broker', () => {
  test('--json: one listening event per port (port, protocol, tls, host, caFile), then ready; clients work; SIGTERM frees the ports', async () => {
    const [a, c, d] = await freePorts(3);
    const file = path.join(work, 'listener.yaml');
    fs.writeFileSync(
      file,
      listenerYaml('cli-listener', [
        { port: a },
        { port: c, tls: AUTO_TLS() },
        { port: d, protocol: 'WebSockets', tls: AUTO_TLS() },
      ]),
    );
    const b = await startCli([file, '--state-dir', stateDir]);
    running.push(b);
    const ready = await b.events.wait((e) => e.event === 'ready' || e.event === 'error' || e.event === 'exit', 'ready');
    assert.equal(ready.event, 'ready', b.stderr());
    const listening = b.events.all.filter((e) => e.event === 'listening');
    assert.deepEqual(
      listening.map((l) => [l.port, l.protocol, l.tls, l.host]),
      [
        [a, 'mqtt', false, '127.0.0.1'],
        [c, 'mqtt', true, '127.0.0.1'],
        [d, 'websockets', true, '127.0.0.1'],
      ],
    );
    assert.equal(listening[0].caFile, null);
    assert.ok(fs.existsSync(listening[1].caFile));
    assert.ok(
      b.events.all.indexOf(ready) > b.events.all.indexOf(listening[2]),
      'ready comes after every listening event',
    );
    assert.equal(listening[2].url, `wss://localhost:${d}/mqtt`);

    // The printed command runs as printed (quotes are shell syntax: run it through sh).
    const pub = await run('sh', ['-c', listening[1].mosquitto]);
    assert.equal(pub.code, 0, pub.stderr);
    const seen = await b.events.wait(
      (e) => e.event === 'publish' && e.clientId === 'brokerkit-test',
      'publish in the log',
    );
    assert.equal(seen.topic, 'test');

    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
    assert.ok(b.events.all.some((e) => e.event === 'stopped' && e.reason === 'SIGTERM'));
    for (const p of [a, c, d]) assert.equal(await canListen(p), true, `port ${p} is free again`);
    assert.doesNotMatch(JSON.stringify(b.events.all) + b.stderr(), /PRIVATE KEY/);
  });

  test('--port-offset shifts every port; SIGINT stops cleanly', async () => {
    const [base, target] = await freePorts(2); // the listener says `base`; the offset moves it to `target`
    const offset = target - base;
    const file = path.join(work, 'offset.yaml');
    fs.writeFileSync(file, listenerYaml('offset-listener', [{ port: base }]));
    const b = await startCli([file, '--state-dir', stateDir, '--port-offset', String(offset)]);
    running.push(b);
    const l = await b.events.wait((e) => e.event === 'listening' || e.event === 'error', 'listening');
    assert.equal(l.port, target);
    assert.equal(l.listenerPort, base);
    await b.events.wait((e) => e.event === 'ready', 'ready');
    b.child.kill('SIGINT');
    assert.equal(await b.exited, 0);
    assert.equal(await canListen(target), true);
  });

  test('a busy port is reported by number and by the process holding it', async () => {
    const holder = spawn(
      process.execPath,
      ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const port = await new Promise<number>((resolve) =>
        holder.stdout!.once('data', (d) => resolve(Number(String(d).trim()))),
      );
      const file = path.join(work, 'busy.yaml');
      fs.writeFileSync(file, listenerYaml('busy-listener', [{ port }]));
      const b = await startCli([file, '--state-dir', stateDir]);
      running.push(b);
      assert.equal(await b.exited, 1);
      const err = b.events.all.find((e) => e.event === 'error');
      assert.equal(err.port, port);
      assert.match(err.message, new RegExp(`port ${port} is already in use by process ${holder.pid} \\(.*node`));
    } finally {
      holder.kill();
    }
  });

  test('--bind other than loopback (with --allow-remote for a port without authentication) warns; an unknown listener name is an error listing the names', async () => {
    const [p] = await freePorts(1);
    const file = path.join(work, 'bind.yaml');
    fs.writeFileSync(file, listenerYaml('bind-listener', [{ port: p }]));
    const b = await startCli([file, '--state-dir', stateDir, '--bind', '0.0.0.0', '--allow-remote']);
    running.push(b);
    const w = await b.events.wait((e) => e.event === 'log' && e.level === 'warning', 'warning');
    assert.match(w.message, /binding to 0\.0\.0\.0/);
    const l = await b.events.wait((e) => e.event === 'listening', 'listening');
    assert.equal(l.host, '0.0.0.0');
    b.child.kill('SIGTERM');
    await b.exited;

    const bad = await startCli([file, '--state-dir', stateDir, '--listener', 'nope']);
    assert.equal(await bad.exited, 1);
    assert.match(
      bad.events.all.find((e) => e.event === 'error').message,
      /no BrokerListener named 'nope' \(found: bind-listener\)/,
    );
  });

  test('the human output prints, per port, a mosquitto_pub command with --cafile and an MQTT.js URL', async () => {
    const [p] = await freePorts(1);
    const file = path.join(work, 'human.yaml');
    fs.writeFileSync(file, listenerYaml('human-listener', [{ port: p, tls: AUTO_TLS() }]));
    const child = spawn(process.execPath, [cli(), 'dev-broker', file, '--state-dir', stateDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Ready.')) resolve();
      }),
    );
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    assert.match(out, new RegExp(`mosquitto_pub -h localhost -p ${p} -V mqttv5 --cafile \\S+ca\\.crt .*-t test`));
    assert.match(out, new RegExp(`MQTT\\.js:  mqtts://localhost:${p}`));
  });
});

describe('brokerkit dev-ca', () => {
  test('export copies the root certificate only; client-cert writes a 0600 key; the CA key is never printed', async () => {
    const out = path.join(work, 'exported-ca.crt');
    const e = await run(process.execPath, [cli(), 'dev-ca', 'export', '--state-dir', stateDir, '--out', out, '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).caFile, out);
    const text = fs.readFileSync(out, 'utf8');
    assert.match(text, /BEGIN CERTIFICATE/);
    assert.doesNotMatch(text, /PRIVATE KEY/);
    const c = await run(process.execPath, [
      cli(),
      'dev-ca',
      'client-cert',
      'sensor-9',
      '--state-dir',
      stateDir,
      '--out-dir',
      work,
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.doesNotMatch(c.stdout + c.stderr + e.stdout, /PRIVATE KEY/);
    const key = path.join(work, 'sensor-9.key');
    assert.equal(fs.statSync(key).mode & 0o777, 0o600);
    const v = await run('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      out,
      '-untrusted',
      path.join(stateDir, 'ca', 'ec', 'intermediate.crt'),
      path.join(work, 'sensor-9.crt'),
    ]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });
});

describe('every subcommand: --help, errors on stderr', () => {
  for (const name of ['check', 'lsp', 'inspect', 'dev-broker', 'dev-ca', 'explain']) {
    test(`brokerkit ${name} --help prints its usage on stdout and exits 0`, async () => {
      const r = await run(process.execPath, [cli(), name, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Usage: brokerkit ${name}`));
      assert.equal(r.stderr, '');
    });
  }

  test('dev-broker on a file with YAML errors names them (file:line:column), on stderr, exit 1', async () => {
    const file = path.join(work, 'broken.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: x\n spec: [\n',
    );
    const r = await run(process.execPath, [cli(), 'dev-broker', file, '--state-dir', stateDir]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /error: no BrokerListener in the given files; YAML errors/);
    assert.ok(r.stderr.includes(`${file}:5:`), r.stderr);
  });

  test('dev-broker errors (an unknown listener) and warnings go to stderr; --json also has them as events', async () => {
    const [a] = await freePorts(1);
    const file = path.join(work, 'one.yaml');
    fs.writeFileSync(file, listenerYaml('only-one', [{ port: a }]));
    const r = await run(process.execPath, [cli(), 'dev-broker', file, '--listener', 'nope', '--state-dir', stateDir]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /brokerkit dev-broker: error: no BrokerListener named 'nope' \(found: only-one\)/);
    const j = await run(process.execPath, [
      cli(),
      'dev-broker',
      file,
      '--listener',
      'nope',
      '--state-dir',
      stateDir,
      '--json',
    ]);
    assert.equal(JSON.parse(j.stdout.trim()).event, 'error');
    assert.match(j.stderr, /error: no BrokerListener named 'nope'/);
  });

  test('dev-ca: a bad --attribute is a usage error on stderr; client-cert prints where the dev CA is', async () => {
    const bad = await run(process.execPath, [
      cli(),
      'dev-ca',
      'client-cert',
      'x',
      '--attribute',
      'novalue',
      '--state-dir',
      stateDir,
    ]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /--attribute takes KEY=VALUE/);
    const ok = await run(process.execPath, [
      cli(),
      'dev-ca',
      'client-cert',
      'dev-1',
      '--attribute',
      'group=a',
      '--state-dir',
      stateDir,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(ok.stdout.includes(`dev CA in:   ${stateDir}`));
    assert.ok(ok.stdout.includes(path.join(stateDir, 'clients', 'dev-1.crt')));
  });
});

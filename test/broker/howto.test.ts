// The how-to's own listener files (examples/howto) served by `brokerkit dev-broker`: their ports use
// `authenticationRef: default` (SAT, audience aio-internal), so the how-to's bare mosquitto_pub is refused exactly as
// AIO would refuse it, and the command the dev broker prints (the same plus K8S-SAT with a dev token) goes through.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { freePorts, run, startCli, CliBroker } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

const stateDir = tempDir();
const howto = path.resolve('examples/howto');
const running: CliBroker[] = [];
after(() => {
  for (const r of running) r.child.kill('SIGKILL');
});

async function serve(file: string, listenerPort: number): Promise<{ b: CliBroker; port: number; l: any }> {
  const [port] = await freePorts(1);
  const b = await startCli([
    path.join(howto, file.replace(/\.yaml$/, ''), file),
    '--state-dir',
    stateDir,
    '--port-offset',
    String(port - listenerPort),
  ]);
  running.push(b);
  const ready = await b.events.wait((e) => e.event === 'ready' || e.event === 'exit', 'ready');
  assert.equal(ready.event, 'ready', JSON.stringify(b.events.all) + b.stderr());
  const l = b.events.all.find((e) => e.event === 'listening');
  assert.equal(l.port, port);
  return { b, port, l };
}

describe('how-to listeners', () => {
  test('automatic TLS on 8884: the bare command is refused (SAT required, as in AIO); the printed one with K8S-SAT works', async () => {
    const { b, port, l } = await serve('automatic-tls-8884.yaml', 8884);
    assert.equal(l.tls, true);
    assert.match(l.authentication, /^default \(AIO built-in/);
    const work = tempDir('brokerkit-howto-');
    fs.copyFileSync(l.caFile, path.join(work, 'ca.crt'));
    const bare = await run(
      'mosquitto_pub',
      [
        '-h',
        'localhost',
        '-p',
        String(port),
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
      ],
      { cwd: work },
    );
    assert.notEqual(bare.code, 0);
    assert.match(bare.stderr, /Not authori[sz]ed/i);
    assert.match(
      l.mosquitto,
      /-D connect authentication-method K8S-SAT -D connect authentication-data "\$\(cat .*aio-internal\.jwt\)"/,
    );
    const printed = await run('sh', ['-c', l.mosquitto]);
    assert.equal(printed.code, 0, printed.stderr);
    await b.events.wait((e) => e.event === 'publish' && e.clientId === 'brokerkit-test', 'publish');
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });

  test('manual TLS on 8885: the Secret in the file is served and its root_ca.crt verifies the server', async () => {
    const { b, port, l } = await serve('manual-tls-mqtts-endpoint.yaml', 8885);
    assert.equal(
      l.caFile,
      path.join(howto, 'manual-tls-mqtts-endpoint', 'root_ca.crt'),
      "a Manual certificate's CA is the file beside the listener that issued it",
    );
    // The how-to's command, unchanged but for the port: TLS verifies against the how-to's root CA; the default
    // BrokerAuthentication then refuses the client without a token, as AIO does.
    const r = await run(
      'mosquitto_pub',
      [
        '-d',
        '-h',
        'localhost',
        '-p',
        String(port),
        '-i',
        'my-client',
        '-t',
        'test-topic',
        '-m',
        'Hello',
        '--cafile',
        'root_ca.crt',
      ],
      { cwd: path.join(howto, 'manual-tls-mqtts-endpoint') },
    );
    assert.match(r.stdout, /Client my-client sending CONNECT/);
    const rejected = await b.events.wait(
      (e) => e.event === 'client-rejected' && e.clientId === 'my-client',
      'rejection after a good TLS handshake',
    );
    assert.match(rejected.reason, /K8S-SAT/);
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });
});

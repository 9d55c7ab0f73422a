// The first connection works by following what `brokerkit dev-broker` prints (its human output, parsed): the demo's
// X509 port prints a `dev-ca client-cert ... --attribute group=plant-devices` command and a mosquitto_pub command for a
// topic the demo's BrokerAuthorization allows; the how-to listeners print commands that work as they are. Every
// command runs pasted into a shell, with the real mosquitto clients.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { spawn, ChildProcess } from 'node:child_process';
import { EventLog, freePorts, run } from '../helpers/broker';
import { distDir } from '../helpers/engine';
import { tempDir } from '../helpers/temp';

const stateDir = tempDir();
const running: ChildProcess[] = [];
after(() => {
  for (const c of running) c.kill('SIGKILL');
});

interface Printed {
  child: ChildProcess;
  lines: EventLog;
  /** Per local port: the printed client-certificate command and the `try:` command. */
  ports: Map<number, { certCommand?: string; tryCommand?: string }>;
}

/** Starts the CLI in text mode and parses what it prints up to `Ready.`. */
async function startPrinted(args: string[]): Promise<Printed> {
  const child = spawn(process.execPath, [path.join(distDir(), 'cli.js'), 'dev-broker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const lines = new EventLog();
  let buf = '',
    err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.on('exit', (code) => lines.push(`exit ${code}: ${err}`));
  const ready = await lines.wait((l: string) => l.startsWith('Ready.') || l.startsWith('exit '), 'Ready.', 60000);
  assert.match(ready, /^Ready\./, lines.all.join('\n'));
  const ports = new Map<number, { certCommand?: string; tryCommand?: string }>();
  let port = 0;
  const all = lines.all as string[];
  for (let i = 0; i < all.length; i++) {
    const m = /^ {2}port (\d+)/.exec(all[i]);
    if (m) ports.set((port = Number(m[1])), {});
    else if (/^ {6}client certificate/.test(all[i])) ports.get(port)!.certCommand = all[++i].trim();
    else if (/^ {6}try: /.test(all[i])) ports.get(port)!.tryCommand = all[i].replace(/^ {6}try: +/, '');
  }
  return { child, lines, ports };
}

/** Runs a printed command as a user pastes it into a shell. */
const paste = (command: string, cwd: string) => run('sh', ['-c', command], { cwd, timeoutMs: 60000 });

describe('the first connection, by following what the dev broker prints', () => {
  test("demo: the X509 port's client-cert command (group=plant-devices) and its mosquitto_pub to an allowed topic work as printed", async () => {
    const [base] = await freePorts(1);
    const b = await startPrinted([
      path.resolve('examples/demo'),
      '--listener',
      'external',
      '--state-dir',
      stateDir,
      '--port-offset',
      String(base - 8883),
    ]);
    const p = b.ports.get(base);
    assert.ok(p?.certCommand && p.tryCommand, b.lines.all.join('\n'));
    assert.match(p.certCommand, / dev-ca client-cert \S+ --attribute group=plant-devices/);
    assert.match(p.tryCommand, /mosquitto_pub .*--cert .*--key .* -t telemetry\/\S+\/test /);
    assert.match(b.lines.all.join('\n'), new RegExp(`Dev CA and certificates in ${stateDir}`));
    const cwd = tempDir('brokerkit-paste-');

    // Before the certificate exists the printed command cannot succeed; after the printed client-cert it does.
    const made = await paste(p.certCommand, cwd);
    assert.equal(made.code, 0, made.stderr);
    const pub = await paste(p.tryCommand.replace('-m "hello"', '-m "hello" -q 1'), cwd);
    assert.equal(pub.code, 0, pub.stdout + pub.stderr);
    const topic = /-t (\S+)/.exec(p.tryCommand)![1];
    await b.lines.wait(
      (l: string) => l.startsWith('authz    ALLOW Publish') && l.includes(`'${topic}'`),
      'the publish allowed by device-policy',
    );
    await b.lines.wait((l: string) => l.startsWith('publish ') && l.includes(`'${topic}'`), 'the publish');

    // The same command with a certificate that lacks the attribute is refused: the attribute is what lets it in.
    const bare = p.certCommand
      .replace(/ --attribute group=plant-devices/, '')
      .replace(/client-cert (\S+)/, 'client-cert bare-device');
    assert.equal((await paste(bare, cwd)).code, 0);
    const refused = await paste(p.tryCommand.replace(/brokerkit-test\.(crt|key)/g, 'bare-device.$1'), cwd);
    assert.notEqual(refused.code, 0);
    b.child.kill('SIGTERM');
  });

  for (const folder of fs.readdirSync(path.resolve('examples/howto')).sort()) {
    const dir = path.resolve('examples/howto', folder);
    const hasListener = fs
      .readdirSync(dir)
      .some((f) => f.endsWith('.yaml') && /kind: BrokerListener/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    if (!hasListener) continue;
    test(`how-to ${folder}: every printed mosquitto_pub works as printed`, async () => {
      const text = fs
        .readdirSync(dir)
        .map((f) => (f.endsWith('.yaml') ? fs.readFileSync(path.join(dir, f), 'utf8') : ''));
      const listenerPorts = [...text.join('\n').matchAll(/^ {2}- port: (\d+)/gm)].map((m) => Number(m[1]));
      const [free] = await freePorts(1);
      const offset = free + 1000 - Math.min(...listenerPorts);
      const b = await startPrinted([dir, '--state-dir', stateDir, '--port-offset', String(offset)]);
      const printed = [...b.ports.entries()].filter(([, v]) => v.tryCommand);
      assert.ok(printed.length > 0, b.lines.all.join('\n'));
      const cwd = tempDir('brokerkit-paste-');
      for (const [port, v] of printed) {
        assert.doesNotMatch(v.tryCommand!, /</, `port ${port}: no placeholder left to fill in`);
        if (v.certCommand) assert.equal((await paste(v.certCommand, cwd)).code, 0);
        const r = await paste(v.tryCommand!.replace('-m "hello"', '-m "hello" -q 1'), cwd);
        assert.equal(r.code, 0, `port ${port}: ${v.tryCommand}\n${r.stdout}${r.stderr}`);
        await b.lines.wait(
          (l: string) => l.startsWith('publish ') && l.includes(`port ${port})`),
          `publish on ${port}`,
        );
      }
      b.child.kill('SIGTERM');
    });
  }
});

// Helpers for dev-broker tests: free ports, listener YAML, a dev broker in this process (real sockets) or as the real
// CLI process, waiting on events (never on time), and running real client programs.
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { Workspace } from '../../server/src/engine';
import {
  planDevBroker,
  DevBroker,
  DevBrokerEvent,
  DevBrokerPlan,
  PlanOptions,
  StartOptions,
} from '../../server/src/devbroker';
import type { Clock } from '../../server/src/devbroker/mqtt/clock';
import { distDir, listenerDoc } from './engine';

/** Ports that were free a moment ago (the OS hands out each at most once while they are all held). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
    ports.push((s.address() as net.AddressInfo).port);
  }
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface PortYaml {
  port: number;
  protocol?: 'Mqtt' | 'WebSockets';
  tls?: string;
  authn?: string;
  authz?: string;
}

/** A BrokerListener document; `tls` is the YAML of the port's tls block (indented by the helper). */
export function listenerYaml(name: string, ports: PortYaml[], serviceName?: string): string {
  const lines = [
    '  brokerRef: default',
    '  serviceType: LoadBalancer',
    ...(serviceName ? [`  serviceName: ${serviceName}`] : []),
    '  ports:',
  ];
  for (const p of ports) {
    lines.push(`  - port: ${p.port}`);
    if (p.protocol) lines.push(`    protocol: ${p.protocol}`);
    if (p.authn) lines.push(`    authenticationRef: ${p.authn}`);
    if (p.authz) lines.push(`    authorizationRef: ${p.authz}`);
    if (p.tls)
      lines.push(
        '    tls:',
        ...p.tls
          .trim()
          .split('\n')
          .map((l) => '      ' + l),
      );
  }
  return listenerDoc(name, lines.join('\n') + '\n');
}

export const AUTO_TLS = (algorithm = 'Ec256', extra = '') => `mode: Automatic
certManagerCertificateSpec:
  issuerRef:
    name: my-issuer
    kind: Issuer
  privateKey:
    algorithm: ${algorithm}
    rotationPolicy: Always
${extra
  .split('\n')
  .map((l) => (l ? '  ' + l : l))
  .join('\n')}`;

export class EventLog extends EventEmitter {
  readonly all: any[] = [];
  push(e: any): void {
    this.all.push(e);
    this.emit('event', e);
  }
  /** Resolves with the first event (past or future) that satisfies `pred`. */
  wait(pred: (e: any) => boolean, what = 'event', timeoutMs = 20000): Promise<any> {
    const hit = this.all.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('event', on);
        reject(new Error(`timed out waiting for ${what}; saw: ${JSON.stringify(this.all.slice(-8))}`));
      }, timeoutMs);
      const on = (e: any) => {
        if (pred(e)) {
          clearTimeout(t);
          this.off('event', on);
          resolve(e);
        }
      };
      this.on('event', on);
    });
  }
}

export interface InProcess {
  broker: DevBroker;
  plan: DevBrokerPlan;
  events: EventLog;
  stop(): Promise<void>;
}

/** Plans and starts a dev broker in this process from YAML text (several documents allowed). */
export async function startInProcess(
  yaml: string,
  opts: Partial<PlanOptions> & {
    stateDir: string;
    maxPacketSize?: number;
    now?: () => number;
    clock?: Clock;
    limits?: StartOptions['limits'];
  },
): Promise<InProcess> {
  const ws = new Workspace();
  ws.setFile('file:///ws/listener.yaml', yaml);
  const plan = await planDevBroker(ws, opts);
  const events = new EventLog();
  const broker = await DevBroker.start(plan, {
    host: '127.0.0.1',
    onEvent: (e: DevBrokerEvent) => events.push(e),
    maxPacketSize: opts.maxPacketSize,
    now: opts.now,
    clock: opts.clock,
    limits: opts.limits,
  });
  return { broker, plan, events, stop: () => broker.stop() };
}

export interface CliBroker {
  child: ChildProcess;
  events: EventLog;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `brokerkit dev-broker ... --json` (the real bundle) and resolves once it printed `ready` (or failed). */
export async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliBroker> {
  const child = spawn(process.execPath, [path.join(distDir(), 'cli.js'), 'dev-broker', ...args, '--json'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events = new EventLog();
  let err = '',
    buf = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  child.stdout!.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        events.push(JSON.parse(line));
      } catch {
        events.push({ event: 'non-json', line });
      }
    }
  });
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      events.push({ event: 'exit', code });
      r(code);
    }),
  );
  return { child, events, stderr: () => err, exited };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (with a generous failure guard, not a wait). */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {
      /* a program that exits without reading its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts a long-running program (e.g. mosquitto_sub) and collects its output. */
export function startProcess(cmd: string, args: string[]): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30000);
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

/** A JWT-shaped token (unsigned: the dev broker checks only shape, expiry and audience). */
export function fakeJwt(payload: Record<string, unknown>): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'RS256', typ: 'JWT' })}.${b(payload)}.${Buffer.from('not-a-signature').toString('base64url')}`;
}

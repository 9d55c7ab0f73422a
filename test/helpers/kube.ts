// Helpers for the kube suite: a seeded Kubernetes API test server, kubeconfig files, and the real kubectl binaries
// (the machine's and Debian's 1.20, unpacked by scripts/install-kubectl-120.sh). Everything async: the server runs in
// the test process, so a blocking spawnSync would starve it.
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KubeTestServer, TestServerOptions, demoObjects, seedDemoExtras } from '../kube-server';

export async function startDemoCluster(opts: TestServerOptions = {}): Promise<KubeTestServer> {
  const s = await new KubeTestServer({ ...opts, objects: opts.objects ?? demoObjects() }).start();
  seedDemoExtras(s);
  return s;
}

export function writeKubeconfig(
  server: KubeTestServer,
  dir: string,
  o: Parameters<KubeTestServer['kubeconfig']>[0] = {},
  name = 'kubeconfig',
): string {
  const file = join(dir, name);
  writeFileSync(file, server.kubeconfig(o), { mode: 0o600 });
  return file;
}

let kubectl120: string | undefined;
/** The real kubectl binaries to test against. */
export function kubectls(): { name: string; bin: string }[] {
  if (!kubectl120) {
    const script = resolve(__dirname, '../../../scripts/install-kubectl-120.sh');
    kubectl120 = execFileSync('bash', [script], { encoding: 'utf8' }).trim().split('\n').pop()!;
  }
  // The machine image ships a current kubectl; Debian's 1.20 is always unpacked by the script above.
  const machine = execFileSync('bash', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
  return [
    ...(machine ? [{ name: 'kubectl (machine)', bin: machine }] : []),
    { name: 'kubectl 1.20 (Debian)', bin: kubectl120 },
  ];
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kubectlEnv(kubeconfig: string, dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kcache') };
}

export function run(bin: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((res, rej) => {
    const p = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('error', rej);
    p.on('close', (code) => res({ code, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

/** Resolves when the child's stdout has printed text matching `re` (rejects if it exits first). */
export function waitForOutput(p: ChildProcess, re: RegExp, what = String(re)): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        cleanup();
        res(out);
      }
    };
    const onExit = () => {
      cleanup();
      rej(new Error(`process ended before printing ${what}; output so far:\n${out}`));
    };
    const cleanup = () => {
      p.stdout?.off('data', onData);
      p.off('exit', onExit);
    };
    p.stdout?.on('data', onData);
    p.on('exit', onExit);
  });
}

/** The built CLI (BROKERKIT_DIST honoured). */
export function cliPath(): string {
  return join(resolve(process.env.BROKERKIT_DIST || 'dist'), 'cli.js');
}

// brokerkit-kube-test-server: runs the Kubernetes API test server on 127.0.0.1 (a demo cluster for `npm start` and
// manual kubectl sessions).
//   node cli.js [--demo] [--seed FILE]... [--kubeconfig-out FILE] [--port N] [--no-aio] [--context NAME] [--control]
// Prints the URL and the kubeconfig path; runs until SIGINT/SIGTERM. With --control it reads JSON lines on stdin:
// {"op":"apply","object":{...}} | {"op":"remove","apiVersion","kind","namespace","name"} | {"op":"faults","faults":{...}}
// and answers each with one JSON line {"ok":true,"resourceVersion":"..."} (used by the benchmark across processes).
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { KubeTestServer } from './server';
import { parseSeed } from './seed';
import { demoObjects, seedDemoExtras } from './demo';

export async function runTestServer(argv: string[]): Promise<KubeTestServer> {
  const seeds: string[] = [];
  let out: string | undefined;
  let port: number | undefined;
  let aio = true;
  let demo = false;
  let control = false;
  let context: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') seeds.push(argv[++i]);
    else if (a === '--kubeconfig-out') out = argv[++i];
    else if (a === '--port') port = Number(argv[++i]);
    else if (a === '--context') context = argv[++i];
    else if (a === '--no-aio') aio = false;
    else if (a === '--demo') demo = true;
    else if (a === '--control') control = true;
    else throw new Error(`unknown argument ${a}`);
  }
  const objects = [...(demo ? demoObjects() : []), ...seeds.flatMap((f) => parseSeed(readFileSync(f, 'utf8')))];
  const server = await new KubeTestServer({ objects, aio, port }).start();
  if (demo) seedDemoExtras(server);
  if (out) writeFileSync(out, server.kubeconfig({ context }), { mode: 0o600 });
  process.stdout.write(JSON.stringify({ url: server.url, kubeconfig: out ?? null, objects: objects.length }) + '\n');
  if (control) {
    createInterface({ input: process.stdin }).on('line', (line) => {
      try {
        const m = JSON.parse(line);
        if (m.op === 'apply') server.apply(m.object);
        else if (m.op === 'remove') server.remove(m.apiVersion, m.kind, m.namespace, m.name);
        else if (m.op === 'faults') Object.assign(server.faults, m.faults);
        else throw new Error(`unknown op ${m.op}`);
        process.stdout.write(JSON.stringify({ ok: true, resourceVersion: server.resourceVersion }) + '\n');
      } catch (e) {
        process.stdout.write(JSON.stringify({ ok: false, error: (e as Error).message }) + '\n');
      }
    });
  }
  return server;
}

if (require.main === module) {
  // Handlers first: a signal sent as soon as the ready line is read must not meet node's default (kill).
  let server: Awaited<ReturnType<typeof runTestServer>> | undefined;
  const stop = () => {
    if (server) void server.stop().then(() => process.exit(0));
    else process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  runTestServer(process.argv.slice(2)).then(
    (s) => {
      server = s;
    },
    (e) => {
      process.stderr.write(`kube test server: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}

// brokerkit-kube-test-server: runs the Kubernetes API test server on 127.0.0.1 (a demo cluster for `npm start` and
// manual kubectl sessions).
//   node cli.js [--demo] [--seed FILE]... [--kubeconfig-out FILE] [--port N] [--no-aio] [--context NAME]
// Prints the URL and the kubeconfig path; runs until SIGINT/SIGTERM.
import { readFileSync, writeFileSync } from 'node:fs';
import { KubeTestServer } from './server';
import { parseSeed } from './seed';
import { demoObjects, seedDemoExtras } from './demo';

export async function runTestServer(argv: string[]): Promise<KubeTestServer> {
  const seeds: string[] = [];
  let out: string | undefined; let port: number | undefined; let aio = true; let demo = false; let context: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') seeds.push(argv[++i]);
    else if (a === '--kubeconfig-out') out = argv[++i];
    else if (a === '--port') port = Number(argv[++i]);
    else if (a === '--context') context = argv[++i];
    else if (a === '--no-aio') aio = false;
    else if (a === '--demo') demo = true;
    else throw new Error(`unknown argument ${a}`);
  }
  const objects = [...(demo ? demoObjects() : []), ...seeds.flatMap((f) => parseSeed(readFileSync(f, 'utf8')))];
  const server = await new KubeTestServer({ objects, aio, port }).start();
  if (demo) seedDemoExtras(server);
  if (out) writeFileSync(out, server.kubeconfig({ context }), { mode: 0o600 });
  process.stdout.write(JSON.stringify({ url: server.url, kubeconfig: out ?? null, objects: objects.length }) + '\n');
  return server;
}

if (require.main === module) {
  runTestServer(process.argv.slice(2)).then((s) => {
    const stop = () => { void s.stop().then(() => process.exit(0)); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }, (e) => { process.stderr.write(`kube test server: ${(e as Error).message}\n`); process.exit(2); });
}

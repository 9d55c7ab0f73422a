// `npm start`: BrokerKit in a real VS Code in a few minutes, on a demo workspace and a demo cluster.
//   1. builds and packages the extension (brokerkit-<version>.vsix),
//   2. installs code-server 4.100.3 on first use into a cache folder outside the repo,
//   3. starts the demo cluster (the project's own Kubernetes API test server, seeded with a realistic AIO and
//      Service Connector setup) unless --kubeconfig FILE or KUBECONFIG names a real one,
//   4. starts code-server on 127.0.0.1 with the packaged extension and opens examples/ (the demo deployment and the
//      how-to scenarios, each a kustomization of its own), and prints the URL.
// Ctrl-C stops everything.
//
// Usage: npm start [-- --port N] [-- --kubeconfig FILE] [-- --folder DIR] [-- --no-open-walkthrough]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cache = process.env.BROKERKIT_CACHE || join(homedir(), '.cache', 'brokerkit');
const state = join(cache, 'start');
const folder = resolve(opt('--folder') ?? join(root, 'examples'));
// What the demo cluster runs: the demo deployment when the examples are opened, else the opened folder's files.
const deployed = opt('--folder') ? folder : join(root, 'examples', 'demo');
const children = [];

function say(s) {
  process.stdout.write(`[brokerkit] ${s}\n`);
}
function fail(s) {
  process.stderr.write(`[brokerkit] ${s}\n`);
  stopAll();
  process.exit(1);
}
function stopAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}
process.on('SIGINT', () => {
  say('stopping');
  stopAll();
  process.exit(0);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(0);
});
const portArg = opt('--port');
if (portArg !== undefined && !(/^\d+$/.test(portArg) && Number(portArg) >= 1 && Number(portArg) <= 65535)) {
  fail(`--port ${opt('--port')}: give a port number from 1 to 65535 (or leave it out to use a free one from 8080 on)`);
}

function run(cmd, argv, what) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) fail(`${what} failed:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

function freePort(preferred) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => {
      const t = createServer();
      t.listen(0, '127.0.0.1', () => {
        const p = t.address().port;
        t.close(() => res(p));
      });
    });
    s.listen(preferred, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

async function waitHealthy(url, child) {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    if (exited) fail('code-server exited during start-up (see the output above).');
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, delay)); // back-off between probes of a server that is still starting
  }
}

say('building and packaging the extension');
run(process.execPath, [join(root, 'esbuild.mjs')], 'build');
const vsix = join(root, `${pkg.name}-${pkg.version}.vsix`);
run(process.execPath, [join(root, 'scripts', 'package.mjs'), '--quiet', '--out', vsix], 'packaging');

say('making sure code-server 4.100.3 is installed (first run: about a minute)');
const install = spawnSync('bash', [join(root, 'scripts', 'install-code-server.sh')], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (install.status !== 0) fail('code-server could not be installed; the message above says what to run.');
const codeServer = join(cache, 'code-server-4.100.3', 'node_modules', '.bin', 'code-server');
if (!existsSync(codeServer)) fail(`code-server not found at ${codeServer}`);

// The cluster: a real one when asked for, the demo cluster otherwise.
let kubeconfig = opt('--kubeconfig') ?? process.env.KUBECONFIG;
let clusterLabel;
mkdirSync(state, { recursive: true });
if (kubeconfig) {
  kubeconfig = kubeconfig
    .split(':')
    .map((p) => resolve(p))
    .join(':');
  clusterLabel = `your cluster (${kubeconfig})`;
} else {
  const demoConfig = join(state, 'demo-kubeconfig.yaml');
  // The demo cluster runs what the demo workspace describes (its listeners, authentication, issuers), so the views
  // match the files, plus AIO's own objects and a Service Connector setup with a failed and a succeeded sc-job.
  const require = createRequire(import.meta.url);
  const testServer = require(join(root, 'out', 'test', 'kube-server', 'index.js'));
  const YAML = require('yaml');
  const fromFiles = [];
  for (const f of readdirSync(deployed).filter((n) => /\.ya?ml$/.test(n))) {
    for (const d of YAML.parseAllDocuments(readFileSync(join(deployed, f), 'utf8'))) {
      try {
        fromFiles.push(d.toJS());
      } catch {
        /* a broken document is the editor's business, not the cluster's */
      }
    }
  }
  const objects = testServer.demoObjectsFor(fromFiles);
  const server = await new testServer.KubeTestServer({ objects, aio: true }).start();
  testServer.seedDemoExtras(server);
  writeFileSync(demoConfig, server.kubeconfig({ context: 'demo-cluster' }), { mode: 0o600 });
  kubeconfig = demoConfig;
  clusterLabel = `demo cluster ${server.url} (context "demo-cluster"; not a real cluster)`;
}

// A fresh profile each time, so the first screen is what a new user sees.
const profile = join(state, 'profile');
rmSync(profile, { recursive: true, force: true });
const dirs = { ud: join(profile, 'user-data'), ext: join(profile, 'extensions'), xdg: join(profile, 'xdg') };
for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
mkdirSync(join(dirs.ud, 'User'), { recursive: true });
writeFileSync(
  join(dirs.ud, 'User', 'settings.json'),
  JSON.stringify(
    {
      // scripts/start-settings.json (the walkthrough test starts from it too). files.autoSave is off, as in desktop
      // VS Code (code-server saves after a delay by default): a quick fix leaves the example files changed but
      // unsaved, never written to the repository behind the user's back.
      ...JSON.parse(readFileSync(join(root, 'scripts', 'start-settings.json'), 'utf8')),
      'brokerkit.kubeconfig': kubeconfig,
    },
    null,
    2,
  ),
);
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
  XDG_DATA_HOME: join(dirs.xdg, 'data'),
  XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
  // The extension opens its walkthrough on this fresh profile's first start (client/src/commands.ts).
  BROKERKIT_OPEN_WALKTHROUGH: '1',
};
const common = [
  '--auth',
  'none',
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--user-data-dir',
  dirs.ud,
  '--extensions-dir',
  dirs.ext,
];

say('installing the packaged extension into code-server');
const inst = spawnSync(codeServer, [...common, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
if (inst.status !== 0) fail(`installing ${vsix} failed:\n${inst.stdout}${inst.stderr}`);

const port = opt('--port') ? Number(opt('--port')) : await freePort(8080);
const cs = spawn(codeServer, [...common, '--bind-addr', `127.0.0.1:${port}`, folder], {
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
  detached: true,
});
children.push(cs);
await waitHealthy(`http://127.0.0.1:${port}/healthz`, cs);

const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
say('ready');
process.stdout.write(`
  BrokerKit ${pkg.version} is running in VS Code (code-server 4.100.3):

    ${url}

  Workspace: ${folder}
  Cluster:   ${clusterLabel}
  The "Get started with BrokerKit" walkthrough opens with the workspace; to open it again, run
  "Welcome: Open Walkthrough..." from the Command Palette and pick it.
  Press Ctrl-C to stop.
`);
cs.on('exit', (code) => {
  say(`code-server exited (${code})`);
  stopAll();
  process.exit(code ?? 0);
});

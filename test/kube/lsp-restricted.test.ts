// Restricted Mode over real JSON-RPC: a workspace whose settings point brokerkit.kubeconfig at a kubeconfig with an
// exec credential plugin (a shell command that leaves a marker file) must not run it while the client says the
// workspace is untrusted — not through the views, not through any cluster request, and not through ~/.kube/config or
// KUBECONFIG either. When the client reports that trust was granted, the same kubeconfig is used and the views connect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeTestServer } from '../kube-server';
import { Methods, ClusterTreeResult, ClusterContextsResult } from '../../server/src/protocol';
import type { LspClient } from '../helpers/lsp-client';
import { TempWorkspace, startServer } from '../helpers/lsp-fixtures';
import { startDemoCluster } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

let server: KubeTestServer;
let requests = 0;
const clients: LspClient[] = [];
before(async () => {
  server = await startDemoCluster();
  server.events.on('request', () => requests++);
});
after(async () => {
  for (const c of clients) await c.shutdown().catch(() => undefined);
  await server.stop();
});

/** A kubeconfig whose credential plugin is `sh -c` writing `marker`, then printing a valid ExecCredential. */
function evilKubeconfig(dir: string, marker: string): string {
  const cred = join(dir, 'cred.json');
  writeFileSync(
    cred,
    JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      status: { token: server.token },
    }),
  );
  return server.kubeconfig({
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'sh',
        args: ['-c', `echo ran >> '${marker}'; cat '${cred}'`],
        interactiveMode: 'Never',
      },
    },
  });
}

const roots = async (c: LspClient, view: 'listeners' | 'serviceConnector') =>
  (await c.request<ClusterTreeResult>(Methods.clusterTree, { view })).nodes;

async function untilTree(c: LspClient, view: 'listeners' | 'serviceConnector', pred: () => Promise<boolean>) {
  for (;;) {
    const seen = c.notifications.length;
    if (await pred()) return;
    await c.notification(Methods.clusterTreeChanged, (p: any) => p.view === view && c.notifications.length > seen);
  }
}

test('untrusted: no kubeconfig is read and no credential plugin runs; trust granted: the views connect', async () => {
  const home = tempDir('bk-restricted-');
  const marker = join(home, 'marker');
  const evil = evilKubeconfig(home, marker);
  // The same plugin in every place a kubeconfig is looked for: the workspace setting (relative to the workspace),
  // KUBECONFIG and ~/.kube/config.
  const ws = new TempWorkspace({ 'evil-kubeconfig.yaml': evil, '.vscode/settings.json': '{}' });
  mkdirSync(join(home, '.kube'));
  writeFileSync(join(home, '.kube', 'config'), evil);
  writeFileSync(join(home, 'env-kubeconfig'), evil);
  const c = await startServer({
    rootPath: ws.root,
    env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'env-kubeconfig') },
    initializationOptions: { workspaceTrusted: false },
    settings: { brokerkit: { kubeconfig: 'evil-kubeconfig.yaml' } },
  });
  clients.push(c);
  const before = requests;

  for (const view of ['listeners', 'serviceConnector'] as const)
    await c.conn.sendNotification(Methods.clusterViewVisible, { view, visible: true });
  // Once the settings are read, each view says why it is empty and how to trust the workspace.
  for (const view of ['listeners', 'serviceConnector'] as const)
    await untilTree(c, view, async () => (await roots(c, view))[0]?.contextValue === 'restricted');
  const [restricted] = await roots(c, 'listeners');
  assert.match(restricted.label, /^Restricted Mode/);
  const [manage] = (
    await c.request<ClusterTreeResult>(Methods.clusterTree, { view: 'listeners', parentId: restricted.id })
  ).nodes;
  assert.equal(manage.label, 'Manage Workspace Trust');
  assert.deepEqual(manage.command, { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' });

  // Every cluster request the views and commands make: none reads the kubeconfig.
  const contexts = await c.request<ClusterContextsResult>(Methods.clusterContexts, {});
  assert.deepEqual(contexts.contexts, []);
  assert.match(contexts.error ?? '', /Restricted Mode/);
  await c.request(Methods.clusterSelect, { context: 'brokerkit-test', namespace: 'azure-iot-operations' });
  await c.conn.sendNotification(Methods.clusterRefresh, {});
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'azure-iot-operations', name: 'x' };
  for (const [method, params] of [
    [Methods.clusterObject, { ref }],
    [Methods.clusterLog, { namespace: 'sc-system', pod: 'p', container: 'main' }],
    [Methods.clusterTrustBundle, { namespace: 'azure-iot-operations' }],
    [Methods.clusterListenerYaml, { namespace: 'azure-iot-operations', name: 'default' }],
  ] as const)
    await assert.rejects(c.request(method, params), /Restricted Mode/, method);
  for (const view of ['listeners', 'serviceConnector'] as const)
    assert.equal((await roots(c, view))[0]?.contextValue, 'restricted');
  // Every request above was answered after the server handled it; a plugin started by any of them had its chance.
  assert.equal(existsSync(marker), false, 'the credential plugin ran in an untrusted workspace');
  assert.equal(requests, before, 'the cluster was contacted in an untrusted workspace');

  // The user trusts the workspace: the configured kubeconfig is used as kubectl would use it.
  await c.conn.sendNotification(Methods.workspaceTrusted);
  await untilTree(c, 'listeners', async () => {
    const [ctxNode] = await roots(c, 'listeners');
    if (ctxNode?.label !== 'brokerkit-test') return false;
    const below = await c.request<ClusterTreeResult>(Methods.clusterTree, { view: 'listeners', parentId: ctxNode.id });
    return below.nodes.some((n) => n.label === 'azure-iot-operations');
  });
  assert.ok(existsSync(marker), 'the trusted kubeconfig’s credential plugin ran');
  assert.ok(requests > before);
});

test('editors that send no trust state are trusted (the CLI and other LSP clients)', async () => {
  const home = tempDir('bk-restricted-');
  const ws = new TempWorkspace({});
  writeFileSync(join(home, 'kubeconfig'), server.kubeconfig());
  const c = await startServer({ rootPath: ws.root, settings: { brokerkit: { kubeconfig: join(home, 'kubeconfig') } } });
  clients.push(c);
  await c.conn.sendNotification(Methods.clusterViewVisible, { view: 'listeners', visible: true });
  await untilTree(c, 'listeners', async () => (await roots(c, 'listeners'))[0]?.label === 'brokerkit-test');
});

// Restricted Mode in a real VS Code (code-server, workspace trust on): a repository whose .vscode/settings.json points
// brokerkit.kubeconfig at its own kubeconfig, whose exec credential plugin is a shell command leaving a marker file.
// Opened untrusted, both BrokerKit views say why they show nothing and offer "Manage Workspace Trust"; showing the
// views and running the commands leaves no marker. Trusting the folder from the view connects to the cluster.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';
import type { KubeTestServer } from '../kube-server';
import { startDemoCluster } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

let server: KubeTestServer;
let evil = '';
let marker = '';
before(async () => {
  server = await startDemoCluster();
  const dir = tempDir('bk-e2e-restricted-');
  marker = join(dir, 'marker');
  const cred = join(dir, 'cred.json');
  writeFileSync(
    cred,
    JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      status: { token: server.token },
    }),
  );
  evil = server.kubeconfig({
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'sh',
        args: ['-c', `echo ran >> '${marker}'; cat '${cred}'`],
        interactiveMode: 'Never',
      },
    },
  });
  // KUBECONFIG for the editor is the same kubeconfig: Restricted Mode must not read it either.
  writeFileSync(join(dir, 'env-kubeconfig'), evil);
  process.env.BK_RESTRICTED_ENV_KUBECONFIG = join(dir, 'env-kubeconfig');
});
after(async () => {
  await server?.stop();
});

editorTest(
  'Restricted Mode: an untrusted folder runs no kubeconfig credential plugin; trusting it connects',
  () => ({
    vsix: packagedVsix(),
    workspaceTrust: false,
    workspace: {
      files: {
        '.vscode/settings.json': JSON.stringify({ 'brokerkit.kubeconfig': 'evil-kubeconfig.yaml' }),
        'evil-kubeconfig.yaml': evil,
        'listener.yaml': '# BrokerKit restricted mode\n',
      },
    },
    env: { KUBECONFIG: process.env.BK_RESTRICTED_ENV_KUBECONFIG! },
    viewport: { width: 1400, height: 1000 },
  }),
  async (ed) => {
    await (await ed.brokerKitIcon()).click();
    const row = (text: string | RegExp) =>
      ed.page
        .locator('.pane .monaco-list-row', { hasText: text })
        .first()
        .waitFor({ state: 'visible', timeout: 90_000 });
    await row(/Restricted Mode: no cluster is read/);
    for (const view of ['Broker Listeners', 'Service Connector']) {
      const rows = await ed.treeRows(view, 2, 90_000);
      assert.match(rows[0].label, /^Restricted Mode: no cluster is read in an untrusted workspace/, view);
      assert.equal(rows[1].label, 'Manage Workspace Trust', view);
    }
    await ed.screenshot('restricted-views');

    // Every command a user could run from here.
    await ed.runCommand('BrokerKit: Refresh');
    await ed.runCommand('BrokerKit: Switch Kube Context');
    // Filter by Namespace asks with an input box, which replaces the palette in the same widget.
    await ed.page.keyboard.press('F1');
    await ed.page.keyboard.type('BrokerKit: Filter by Namespace');
    await ed.page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'BrokerKit: Filter by Namespace' })
      .first()
      .click();
    await ed.page
      .locator('.quick-input-widget', { hasText: 'Show only this namespace' })
      .waitFor({ state: 'visible', timeout: 30_000 });
    await ed.page.keyboard.type('sc-system');
    await ed.page.keyboard.press('Enter');
    await ed.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
    await ed.runCommand('BrokerKit: Start Dev Broker');
    await ed.page
      .locator('.notifications-toasts .notification-toast', { hasText: /only starts in a trusted workspace/ })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    await ed.page
      .locator('.notifications-toasts .notification-toast', { hasText: /Restricted Mode/ })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    await ed.screenshot('restricted-commands');
    assert.equal(existsSync(marker), false, 'the kubeconfig credential plugin ran in Restricted Mode');

    // Trust the folder from the view's own row: VS Code's trust editor, "Trust".
    await ed.page.locator('.pane .monaco-list-row', { hasText: 'Manage Workspace Trust' }).first().click();
    const trust = ed.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ }).first();
    await trust.waitFor({ state: 'visible', timeout: 60_000 });
    await trust.click();
    // The side bar is where it was; show the view again (the trust editor took the focus).
    await ed.showView('Broker Listeners');
    await row('brokerkit-test');
    await ed.screenshot('trusted-connected');
    assert.ok(existsSync(marker), 'trusted: the configured kubeconfig is used as kubectl would');
  },
  360_000,
);

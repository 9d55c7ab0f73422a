// The cluster views in a real VS Code (code-server) with the packaged extension, against the Kubernetes API test
// server: both trees fill from the cluster, a job created on the server appears without a refresh, a forbidden
// resource shows as its own node. Screenshots are kept under test-results/.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';
import type { KubeTestServer } from '../kube-server';
import { job, jobPod } from '../kube-server';
import { startDemoCluster, writeKubeconfig } from '../helpers/kube';
import { tempDir } from '../helpers/temp';

let server: KubeTestServer;
let kubeconfig = '';
before(async () => {
  server = await startDemoCluster();
  kubeconfig = writeKubeconfig(server, tempDir());
});
after(async () => {
  await server?.stop();
});

editorTest(
  'cluster views: listeners and Service Connector from a live cluster',
  () => ({
    vsix: packagedVsix(),
    workspace: { files: { 'notes.yaml': '# BrokerKit cluster views\n' } },
    settings: { 'brokerkit.kubeconfig': kubeconfig },
    viewport: { width: 1400, height: 1000 },
  }),
  async (ed) => {
    // Broker Listeners: context → namespace → broker → listeners (expanded by the server's hints).
    // The activity-bar container "BrokerKit" holds both views.
    await (await ed.brokerKitIcon()).click();
    const row = (text: string | RegExp) =>
      ed.page
        .locator('.pane .monaco-list-row', { hasText: text })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
    await row('aio-broker-loadbalancer');
    let rows = await ed.treeRows('Broker Listeners', 4);
    assert.ok(
      rows.some((r) => r.label === 'brokerkit-test'),
      'the context row',
    );
    assert.ok(
      rows.some((r) => r.label === 'azure-iot-operations'),
      'the namespace row',
    );
    const lb = rows.find((r) => r.label === 'aio-broker-loadbalancer')!;
    assert.equal(lb.description, 'LoadBalancer · pending · Running');
    // The view title names the context in use.
    await ed.page
      .locator('.pane-header', { hasText: /Broker Listeners/i })
      .locator('.description', { hasText: 'brokerkit-test' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await ed.screenshot('broker-listeners');

    // Service Connector (collapsed until opened): the Helm release, the failed sc-job and its diagnosis. The listeners
    // view is collapsed first, so the Service Connector view has the side bar's height (only rows on screen render).
    await ed.page
      .locator('.pane-header[aria-expanded="true"]', { hasText: /Broker Listeners/i })
      .first()
      .click();
    await ed.page
      .locator('.pane-header[aria-expanded="false"]', { hasText: /Broker Listeners/i })
      .first()
      .waitFor({ state: 'visible' });
    await ed.treeRows('Service Connector');
    await row('sc-extension');
    await row('sc-job');
    rows = await ed.treeRows('Service Connector', 4);
    assert.equal(
      rows.find((r) => r.label === 'sc-extension')!.description,
      'revision 2 · deployed · sc-extension 1.1.0',
    );
    assert.equal(rows.find((r) => r.label === 'sc-job')!.description, 'failed');
    assert.ok(
      rows.some((r) => r.description === 'diagnosis'),
      'the diagnosis row under the failed job',
    );
    await ed.screenshot('service-connector');

    // A job created on the server appears without a refresh (watch → server → notification → view).
    const j = server.apply(job('sc-job-e2e', 'sc-system', 'running'));
    server.apply(jobPod(j, 'e2e01', 'running'));
    await row('sc-job-e2e');
    await ed.screenshot('job-appeared');

    // A forbidden resource: the Jobs group shows the 403 as a node, and the rest of the view stays.
    server.faults.forbidden = [{ resource: 'jobs', group: 'batch', namespace: 'sc-system' }];
    try {
      server.dropWatches('destroy');
      await row(/no permission to (list|watch) jobs in sc-system/);
      rows = await ed.treeRows('Service Connector', 1);
      assert.ok(
        rows.some((r) => r.label === 'sc-extension'),
        'releases still shown',
      );
      await ed.screenshot('forbidden-node');
    } finally {
      server.faults.forbidden = [];
    }
  },
);

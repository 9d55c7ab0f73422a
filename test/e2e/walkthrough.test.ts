// The first five minutes, in a real VS Code with the PACKAGED extension: the "Get started with BrokerKit"
// walkthrough opens, and each of its steps works on examples/demo against the demo cluster (the same seeding as
// `npm start`): validate, fix the port clash with the quick fix (the error leaves both files), the cluster view,
// the Service Connector view, and the dev broker started from the CodeLens with its ports in the status bar.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';
import { KubeTestServer, demoObjectsFor, seedDemoExtras } from '../kube-server';
import { writeKubeconfig } from '../helpers/kube';
import { freePorts } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

const DEMO = 'examples/demo';
let server: KubeTestServer;
let kubeconfig = '';

before(async () => {
  const objects: unknown[] = [];
  for (const f of readdirSync(DEMO).filter((n) => n.endsWith('.yaml'))) {
    for (const d of parseAllDocuments(readFileSync(join(DEMO, f), 'utf8'))) objects.push(d.toJS());
  }
  server = await new KubeTestServer({ objects: demoObjectsFor(objects), aio: true }).start();
  seedDemoExtras(server);
  kubeconfig = writeKubeconfig(server, tempDir(), { context: 'demo-cluster' });
});
after(async () => {
  await server?.stop();
});

editorTest(
  'walkthrough: the five first steps on the demo workspace and demo cluster',
  () => ({
    vsix: packagedVsix(),
    workspace: { copy: DEMO },
    settings: { 'brokerkit.kubeconfig': kubeconfig },
    viewport: { width: 1400, height: 1000 },
  }),
  async (ed) => {
    // The walkthrough is contributed and opens with its five steps.
    // "Welcome: Open Walkthrough..." asks for the walkthrough in a second picker, so it is driven by hand.
    await ed.page.keyboard.press('F1');
    await ed.page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await ed.page.keyboard.type('Welcome: Open Walkthrough');
    await ed.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().click();
    const pick = ed.page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with BrokerKit' })
      .first();
    await pick.waitFor({ state: 'visible', timeout: 60_000 });
    await pick.click();
    for (const step of [
      'Validate your listeners',
      'Fix a clash with a quick fix',
      'Connect a cluster',
      'Browse Service Connector jobs',
      'Start the dev broker and publish',
    ]) {
      await ed.waitForText('.gettingStartedContainer', step, 30_000);
    }
    await ed.screenshot('walkthrough');

    // Step 1, validate: the planted port clash is reported in both listener files.
    await ed.openFile('demo/listener-external.yaml');
    const clash = await ed.waitForProblem({ code: 'port-conflict', file: 'listener-external.yaml' });
    assert.equal(clash.line, 29);
    await ed.waitForProblem({ code: 'port-conflict', file: 'listener-nodeport.yaml' });
    await ed.screenshot('validate');

    // Step 2, quick fix: "use the next free port" rewrites 1884 and the error leaves both files.
    await ed.openFile('demo/listener-external.yaml');
    await ed.goTo(clash.line, clash.column);
    await ed.applyCodeAction(/Use the next free port/);
    await ed.save();
    assert.doesNotMatch(ed.readFile('demo/listener-external.yaml'), /- port: 1884/);
    await ed.waitForNoProblem({ code: 'port-conflict', file: 'listener-external.yaml' });
    await ed.waitForNoProblem({ code: 'port-conflict', file: 'listener-nodeport.yaml' });
    await ed.screenshot('quick-fix');

    // Steps 3 and 4: the cluster views show the demo cluster's listeners and Service Connector jobs.
    await ed.page
      .locator(
        '.activitybar .action-item a[aria-label^="BrokerKit"], .activitybar .action-item[aria-label^="BrokerKit"]',
      )
      .first()
      .click();
    const row = (text: string | RegExp) =>
      ed.page
        .locator('.pane .monaco-list-row', { hasText: text })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
    await row('demo-cluster');
    await row('external');
    await row('sc-job');
    const listeners = await ed.treeRows('Broker Listeners', 3);
    assert.ok(
      listeners.some((r) => r.label === 'external' && /LoadBalancer/.test(r.description)),
      JSON.stringify(listeners),
    );
    const sc = await ed.treeRows('Service Connector', 3);
    assert.ok(
      sc.some((r) => r.label === 'sc-job' && r.description === 'failed'),
      JSON.stringify(sc),
    );
    await ed.screenshot('cluster-views');

    // Step 5: the dev broker from the CodeLens, on free ports (the listener is rewritten to use them).
    const [p1, p2] = await freePorts(2);
    const file = ed.path('demo/listener-external.yaml');
    const text = readFileSync(file, 'utf8')
      .replace(/- port: 8883/, `- port: ${p1}`)
      .replace(/- port: 1885/, `- port: ${p2}`);
    writeFileSync(file, text);
    await ed.openFile('demo/listener-external.yaml');
    await ed.goTo(1, 1); // the lens stands above the listener's first line
    const lens = ed.page.locator('.codelens-decoration a', { hasText: 'Start dev broker' }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
    const status = await ed.waitForText('.statusbar-item', /dev broker: \d+/, 60_000);
    assert.match(status, new RegExp(`${p1} TLS`));
    await ed.screenshot('dev-broker');
    await ed.runCommand('BrokerKit: Stop Dev Broker');
    await ed.page
      .locator('.statusbar-item', { hasText: 'dev broker:' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
  },
);

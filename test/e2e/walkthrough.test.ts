// The first five minutes, in a real VS Code with the PACKAGED extension, from a fresh profile set up as `npm start`
// sets it up (its settings, the examples folder as the workspace, the demo cluster running examples/demo, the
// walkthrough opened by the extension). The "Get started with BrokerKit" walkthrough is walked step by step, in
// order, through its own buttons, and after each step the test checks what the user sees: the Problems, the trees,
// the diff, the status bar, and which steps are ticked (only those really done).
//
// BROKERKIT_SCREENSHOTS=<dir> also writes the README's pictures into <dir> (`npm run screenshots`: docs/images).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Editor } from './harness';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';
import { KubeTestServer, demoObjectsFor, seedDemoExtras } from '../kube-server';
import { writeKubeconfig } from '../helpers/kube';
import { freePorts } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

// The workspace as `npm start` opens it: a copy of examples/ (demo deployment + how-to scenarios).
const ws = tempDir('bk-walk-');
let server: KubeTestServer;
let kubeconfig = '';

before(async () => {
  cpSync('examples', ws, { recursive: true });
  const objects: unknown[] = [];
  for (const f of readdirSync(join(ws, 'demo')).filter((n) => /\.ya?ml$/.test(n))) {
    for (const d of parseAllDocuments(readFileSync(join(ws, 'demo', f), 'utf8'))) objects.push(d.toJS());
  }
  server = await new KubeTestServer({ objects: demoObjectsFor(objects), aio: true }).start();
  seedDemoExtras(server);
  kubeconfig = writeKubeconfig(server, tempDir(), { context: 'demo-cluster' });
});
after(async () => {
  await server?.stop();
});

const STEPS = ['validate', 'quickfix', 'cluster', 'serviceconnector', 'devbroker'];

class Walkthrough {
  constructor(private readonly ed: Editor) {}
  step(id: string) {
    return this.ed.page.locator(`button.getting-started-step[data-step-id$="#${id}"]`).first();
  }
  /** Brings the walkthrough's tab to the front. */
  async show(): Promise<void> {
    const tab = this.ed.page.locator('.tabs-container .tab', { hasText: /^Walkthrough/ }).first();
    await tab.click();
    await this.step(STEPS[0]).waitFor({ state: 'visible' });
  }
  /** Opens it again from the Command Palette ("Welcome: Open Walkthrough..." and its second picker). */
  async reopen(): Promise<void> {
    await this.ed.page.keyboard.press('F1');
    await this.ed.page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await this.ed.page.keyboard.type('Welcome: Open Walkthrough');
    await this.ed.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().click();
    const pick = this.ed.page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with BrokerKit' })
      .first();
    await pick.waitFor({ state: 'visible', timeout: 60_000 });
    await pick.click();
    await this.step(STEPS[0]).waitFor({ state: 'visible' });
  }
  /** Expands a step and clicks its button, as the user does. */
  async press(id: string, button: string): Promise<void> {
    await this.show();
    const step = this.step(id);
    if ((await step.getAttribute('aria-expanded')) !== 'true') await step.click();
    const b = step.locator('a.monaco-button', { hasText: button }).first();
    await b.waitFor({ state: 'visible' });
    await b.click();
  }
  /** The ids of the ticked steps, in walkthrough order. */
  async ticked(): Promise<string[]> {
    const out: string[] = [];
    for (const id of STEPS) if ((await this.step(id).getAttribute('aria-checked')) === 'true') out.push(id);
    return out;
  }
  /** Waits until `id` is ticked, then checks that exactly `all` are. */
  async expectTicked(id: string | undefined, all: string[]): Promise<void> {
    if (id)
      await this.ed.page
        .locator(`button.getting-started-step[data-step-id$="#${id}"][aria-checked="true"]`)
        .first()
        .waitFor({ state: 'attached', timeout: 60_000 });
    assert.deepEqual(await this.ticked(), all);
  }
}

async function shot(ed: Editor, step: string, readme?: string): Promise<void> {
  const file = await ed.screenshot(step);
  const dir = process.env.BROKERKIT_SCREENSHOTS;
  if (dir && readme) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, join(dir, `${readme}.png`));
  }
}

editorTest(
  'walkthrough: from a fresh profile as npm start sets it up, every step in order against the demo cluster',
  () => ({
    vsix: packagedVsix(),
    workspace: ws,
    settings: {
      ...JSON.parse(readFileSync('scripts/start-settings.json', 'utf8')),
      'brokerkit.kubeconfig': kubeconfig,
    },
    env: { BROKERKIT_OPEN_WALKTHROUGH: '1' },
    viewport: { width: 1280, height: 860 },
  }),
  async (ed) => {
    const w = new Walkthrough(ed);
    const disk = (rel: string) => readFileSync(join(ws, rel), 'utf8');
    const original = new Map(['demo/listener-external.yaml', 'demo/listener-nodeport.yaml'].map((f) => [f, disk(f)]));

    // The extension opens the walkthrough by itself on this fresh profile, with its five steps in order, none done.
    await ed.waitForText('.gettingStartedContainer', 'Get started with BrokerKit', 90_000);
    const ids = await ed.page
      .locator('button.getting-started-step')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('data-step-id') ?? '').replace(/^.*#/, '')));
    assert.deepEqual(ids, STEPS);
    await w.expectTicked(undefined, []);
    await shot(ed, 'walkthrough', 'walkthrough');

    // 1. "Show Problems": the panel opens with the demo's four mistakes (a port clash in two files, a nodePort out of
    // range, an authentication name typo, a workload-identity label on the wrong object) and the how-to notes.
    await w.press('validate', 'Show Problems');
    await ed.page.locator('.markers-panel').first().waitFor({ state: 'visible' });
    await ed.waitForProblemCounts([3, 3, 2]);
    await w.expectTicked('validate', ['validate']);
    const clash = await ed.waitForProblem({ code: 'port-conflict', file: 'listener-external.yaml' });
    assert.equal(clash.line, 29);
    await ed.waitForProblem({ code: 'port-conflict', file: 'listener-nodeport.yaml' });
    await ed.problems(); // the whole list again, for the picture
    await ed.openFile('demo/listener-external.yaml');
    await ed.goTo(clash.line, clash.column);
    await shot(ed, 'validate', 'diagnostics');

    // 2. "Quick Fix": goes to the clash and opens its quick fixes; asking is not doing, so the step stays open until
    // a fix is applied. Here the other end takes the next free port: listener-nodeport.yaml is not open, so the change
    // opens there in an editor, unsaved (nothing is written to disk behind the user's back), and the error leaves
    // both files.
    await w.press('quickfix', 'Quick Fix');
    await ed.page.locator('.tabs-container .tab.active[aria-label^="listener-external.yaml"]').waitFor();
    const fixes = ed.page.locator('.action-widget .monaco-list-row.action');
    await fixes
      .filter({ hasText: /Use the next free port 1885$/ })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    assert.ok(
      (await fixes.allTextContents()).some((t) => /for port 1884 of BrokerListener 'nodeport'.*instead/.test(t)),
      'the fix at the other end is offered',
    );
    await shot(ed, 'quick-fix', 'quick-fix');
    await ed.page.keyboard.press('Escape');
    await w.show();
    await w.expectTicked(undefined, ['validate']);
    await ed.openFile('demo/listener-external.yaml');
    await ed.goTo(clash.line, clash.column);
    await ed.applyCodeAction(/^Use the next free port 1885 for port 1884 of BrokerListener 'nodeport'/, {
      waitForEdit: false,
    });
    await ed.page
      .locator('.tabs-container .tab.dirty[aria-label^="listener-nodeport.yaml"]')
      .waitFor({ state: 'visible', timeout: 60_000 });
    await ed.page.locator('.tabs-container .tab.active[aria-label^="listener-external.yaml"]').waitFor();
    // The clash leaves both files: the workspace's one error left is the nodePort out of range (listener-external.yaml
    // has no problem left, so the count, which includes it, says so).
    await ed.waitForProblemCounts([1, 3, 2]);
    await ed.waitForProblem({ code: 'node-port-range', file: 'listener-nodeport.yaml', severity: 'error' });
    await ed.waitForNoProblem({ code: 'port-conflict', file: 'listener-nodeport.yaml' });
    for (const [f, text] of original) assert.equal(disk(f), text, `${f} on disk is unchanged`);
    await shot(ed, 'quick-fix-applied');
    await w.show();
    await w.expectTicked('quickfix', ['validate', 'quickfix']);
    // The user reviews and saves.
    await ed.runCommand('File: Save All Files');
    await ed.page.locator('.tabs-container .tab.dirty').first().waitFor({ state: 'detached' });
    assert.match(disk('demo/listener-nodeport.yaml'), /- port: 1885/);
    assert.equal(disk('demo/listener-external.yaml'), original.get('demo/listener-external.yaml'));

    // 3. "Choose a context": the picker offers the demo cluster; choosing it shows its listeners (ports, TLS,
    // authentication) and validation compares the demo deployment, and only it, with the cluster: the Problems are
    // the demo's own (no clash of a how-to scenario with the demo's listeners).
    await w.press('cluster', 'Choose a context');
    const ctxRow = ed.page.locator('.quick-input-list .monaco-list-row', { hasText: 'demo-cluster' }).first();
    await ctxRow.waitFor({ state: 'visible', timeout: 60_000 });
    await w.expectTicked(undefined, ['validate', 'quickfix']);
    await ctxRow.click();
    const row2 = (text: string | RegExp) =>
      ed.page
        .locator('.pane .monaco-list-row', { hasText: text })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
    await row2('demo-cluster');
    await row2('external');
    await row2('8883');
    const listeners = await ed.treeRows('Broker Listeners', 3);
    const l = (label: string) => listeners.find((r) => r.label === label)?.description ?? JSON.stringify(listeners);
    assert.match(l('external'), /^LoadBalancer · .* · Running$/);
    assert.match(l('8883'), /^Mqtt · TLS Automatic \(Issuer\/demo-ca-issuer\) · authn devices · authz device-policy/);
    assert.match(l('nodeport'), /^NodePort · .* · Failed$/);
    // The Service Connector view opens at its own step (collapsed until then).
    assert.equal(
      await ed.page.locator('.pane-header', { hasText: /Service Connector/i }).getAttribute('aria-expanded'),
      'false',
    );
    await ed.page
      .locator('.statusbar-item', { hasText: /demo-cluster ↔ \S*demo\b/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await ed.waitForProblemCounts([2, 2, 2]);
    // Every one of them is the demo's own or a how-to scenario's own note (no clash of a how-to listener with the
    // cluster's): file by file they add up to the status bar's count, so there is none anywhere else.
    await ed.waitForProblemCodes('listener-nodeport.yaml', ['authentication-not-found', 'node-port-range']);
    await ed.waitForProblemCodes('service-connector-app.yaml', ['workload-identity-label']);
    await ed.waitForProblemCodes('two-port-loadbalancer.yaml', [
      'insecure-port',
      'quickstart-issuer',
      'tls-san-missing',
    ]);
    await ed.problems();
    await w.show();
    await w.expectTicked('cluster', ['validate', 'quickfix', 'cluster']);

    // 4. "Open the Service Connector view": sc-system with the failed sc-job and its diagnosis.
    await w.press('serviceconnector', 'Open the Service Connector view');
    await row2('sc-job');
    await row2('sc-extension');
    const sc = await ed.treeRows('Service Connector', 3);
    assert.equal(sc.find((r) => r.label === 'sc-job')?.description, 'failed', JSON.stringify(sc));
    assert.ok(
      sc.some((r) => r.description === 'diagnosis'),
      JSON.stringify(sc),
    );
    await shot(ed, 'cluster-views', 'cluster-views');
    await w.show();
    await w.expectTicked('serviceconnector', ['validate', 'quickfix', 'cluster', 'serviceconnector']);

    // "Compare with Workspace File" on a listener nobody changed: the live object is printed in the file's style,
    // so the diff is empty. (Proved after a full recompute: a typed character shows as a change, its undo clears it.)
    await ed.showView('Broker Listeners');
    const external = ed.page
      .locator('.pane .monaco-list-row')
      .filter({ has: ed.page.locator('.label-name', { hasText: /^external$/ }) })
      .first();
    await external.waitFor({ state: 'visible', timeout: 60_000 });
    await external.click({ button: 'right' });
    await ed.page.locator('.context-view .action-item', { hasText: 'Compare with Workspace File' }).first().click();
    const diff = ed.page.locator('.monaco-diff-editor').first();
    await diff.locator('.editor.modified .view-lines', { hasText: 'name: external' }).waitFor({ timeout: 60_000 });
    const changes = diff.locator('.char-insert, .char-delete, .line-insert, .line-delete');
    await diff.locator('.editor.modified .view-lines').first().click();
    await ed.page.keyboard.press('Control+Home');
    await ed.page.keyboard.type('x');
    await changes.first().waitFor({ state: 'attached', timeout: 60_000 });
    await ed.page.keyboard.press('Control+Z');
    await ed.page.locator('.tabs-container .tab.active:not(.dirty)').waitFor({ timeout: 60_000 });
    await ed.page.waitForFunction(
      () =>
        document.querySelectorAll(
          '.monaco-diff-editor .char-insert, .monaco-diff-editor .char-delete, .monaco-diff-editor .line-insert, .monaco-diff-editor .line-delete',
        ).length === 0,
      undefined,
      { timeout: 60_000 },
    );
    await shot(ed, 'compare-empty');

    // 5. "Start Dev Broker" with no listener file open: a pick of the workspace's listeners; the step is ticked when
    // the broker listens, not on the click. (The demo listener's ports are moved to free ones first: other tests and
    // programs may hold 8883 and 1884 on this machine.)
    const ports = await freePorts(2);
    writeFileSync(
      join(ws, 'demo/listener-external.yaml'),
      disk('demo/listener-external.yaml')
        .replace(/- port: 8883/, `- port: ${ports[0]}`)
        .replace(/- port: 1884/, `- port: ${ports[1]}`),
    );
    await ed.runCommand('View: Close All Editors');
    await ed.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
    await w.reopen();
    await w.press('devbroker', 'Start Dev Broker');
    const pick = ed.page
      .locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`ports ${ports[0]} TLS`) })
      .filter({ has: ed.page.locator('.label-name').filter({ hasText: /^external$/ }) });
    await pick.first().waitFor({ state: 'visible', timeout: 60_000 });
    await w.expectTicked(undefined, ['validate', 'quickfix', 'cluster', 'serviceconnector']);
    await pick.first().click();
    const status = await ed.waitForText('.statusbar-item', /dev broker: \d+/, 60_000);
    assert.match(status, new RegExp(`${ports[0]} TLS`));
    await w.expectTicked('devbroker', STEPS);
    await shot(ed, 'dev-broker', 'dev-broker');
    await ed.runCommand('BrokerKit: Stop Dev Broker');
    await ed.page
      .locator('.statusbar-item', { hasText: 'dev broker:' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
  },
  480_000,
);

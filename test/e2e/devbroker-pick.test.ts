// The dev broker started from the Command Palette with no file open, in a real VS Code (code-server) with the packaged
// extension: "BrokerKit: Start Dev Broker" offers the workspace's BrokerListeners (from the language server's index),
// the picked one starts on its ports; "Make a Dev Broker Client Certificate" makes a certificate with the attributes
// the listener's BrokerAuthorization asks for, and the mosquitto_pub it offers publishes over TLS with it; the
// listener's CodeLens reads "Stop dev broker (ports ...)" while it runs, and "Start dev broker" again once it is
// stopped from the lens or its process dies. With one listener in the workspace it starts without a pick and says
// which; with none, a message says what to do.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { Editor } from './harness';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';
import { freePorts, run } from '../helpers/broker';

const DEMO = 'examples/demo';
let ports: number[] = [];
// Free ports before the editor's workspace is written (the options are read when the test starts).
before(async () => {
  ports = await freePorts(4);
});

/** The demo's two listeners on free ports (a copy: the examples stay as they are). */
function demoFiles(): Record<string, string> {
  const [e1, e2, n1, n2] = ports;
  const external = readFileSync(`${DEMO}/listener-external.yaml`, 'utf8')
    .replace(/- port: 8883\b/, `- port: ${e1}`)
    .replace(/- port: 1884\b/, `- port: ${e2}`);
  const nodeport = readFileSync(`${DEMO}/listener-nodeport.yaml`, 'utf8')
    .replace(/- port: 1884\b/, `- port: ${n1}`)
    .replace(/- port: 8884\b/, `- port: ${n2}`);
  assert.ok(external.includes(`port: ${e2}`) && nodeport.includes(`port: ${n2}`), 'the demo listeners changed');
  return { 'demo/listener-external.yaml': external, 'demo/listener-nodeport.yaml': nodeport };
}

/** Runs a palette command whose next step is a quick pick of our own (so the palette closing is not awaited). */
async function paletteCommand(ed: Editor, title: string): Promise<void> {
  await ed.page.keyboard.press('F1');
  await ed.page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await ed.page.keyboard.type(title);
  await ed.page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: ed.page.locator('.label-name').filter({ hasText: new RegExp(`^${title}$`) }) })
    .first()
    .click();
}

const quickRow = (ed: Editor, label: string) =>
  ed.page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: ed.page.locator('.label-name').filter({ hasText: new RegExp(`^${label}$`) }) })
    .first();

const lens = (ed: Editor, text: string | RegExp) =>
  ed.page.locator('.codelens-decoration a', { hasText: text }).first();

/** The process listening on a TCP port of this machine (ours: the dev broker the extension started). */
function listenerPid(port: number): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(out);
  if (!m) throw new Error(`no process listens on ${port}: ${out}`);
  return Number(m[1]);
}

editorTest(
  'Start Dev Broker with no file open: pick a workspace listener, client certificate, CodeLens Stop/Start',
  () => ({
    vsix: packagedVsix(),
    workspace: { copy: DEMO, files: demoFiles() },
    viewport: { width: 1400, height: 1000 },
  }),
  async (ed) => {
    const [e1, e2, n1, n2] = ports;

    // The palette lists what the extensions contributed when it opens: wait for BrokerKit's contributions (its
    // activity bar icon) first.
    await ed.brokerKitIcon();
    // No editor is open: the palette command offers the workspace's listeners, with their ports and files.
    assert.equal(await ed.page.locator('.tabs-container .tab').count(), 0);
    await paletteCommand(ed, 'BrokerKit: Start Dev Broker');
    const external = quickRow(ed, 'external');
    await external.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await external.textContent()) ?? '', new RegExp(`ports ${e1} TLS, ${e2} WS TLS`));
    assert.match(
      (await external.textContent()) ?? '',
      /demo\/listener-external\.yaml · namespace azure-iot-operations/,
    );
    const nodeport = quickRow(ed, 'nodeport');
    assert.match((await nodeport.textContent()) ?? '', new RegExp(`ports ${n1} TLS, ${n2} TLS`));
    await ed.screenshot('pick');
    await external.click();

    const status = await ed.waitForText('.statusbar-item', /dev broker: \d+/, 90_000);
    assert.match(status, new RegExp(`dev broker: ${e1} TLS, ${e2} WS TLS`));
    await ed.waitForText('.notifications-toasts .notification-toast', `Dev broker for 'external'`, 30_000);

    // The client certificate the first port asks for (X509 + a policy wanting group=plant-devices).
    await paletteCommand(ed, 'BrokerKit: Make a Dev Broker Client Certificate');
    const portRow = quickRow(ed, String(e1));
    await portRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await portRow.textContent()) ?? '', /--attribute group=plant-devices/);
    await portRow.click();
    const made = ed.page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Client certificate' })
      .filter({ hasText: 'group=plant-devices' })
      .first();
    await made.waitFor({ state: 'visible', timeout: 60_000 });
    await ed.screenshot('client-cert');
    // What the editor copies, as the page's clipboard API is asked to write it.
    await ed.page.evaluate(() => {
      const w = window as unknown as { __copied?: string };
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      navigator.clipboard.writeText = (t: string) => {
        w.__copied = t;
        return write(t).catch(() => undefined);
      };
    });
    await made.locator('a.monaco-button', { hasText: 'Copy mosquitto_pub Command' }).click();
    const command = await ed.page.waitForFunction(
      () => (window as unknown as { __copied?: string }).__copied ?? false,
      undefined,
      { timeout: 30_000 },
    );
    const pub = String(await command.jsonValue());
    assert.match(pub, new RegExp(`-p ${e1} `));
    const files = [...pub.matchAll(/--(?:cafile|cert|key) (\S+)/g)].map((m) => m[1].replace(/^'|'$/g, ''));
    assert.equal(files.length, 3, pub);
    for (const f of files) assert.ok(existsSync(f), `${f} exists`);
    const r = await run('sh', ['-c', pub]);
    assert.equal(r.code, 0, `${pub}\n${r.stderr}`);

    // The broker saw it: its log (from the status bar item) shows the publish.
    const clientId = /-i (\S+)/.exec(pub)![1].replace(/^'|'$/g, '');
    await ed.page.locator('.statusbar-item', { hasText: 'dev broker:' }).first().click();
    const logRow = ed.page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Show the dev broker log' })
      .first();
    await logRow.waitFor({ state: 'visible', timeout: 30_000 });
    await logRow.click();
    await ed.waitForText('.pane-body.output-view .view-line', `publish ${clientId} -> `, 30_000);

    // The listener's CodeLens: "Stop dev broker" with the ports while it runs.
    await ed.openFile('demo/listener-external.yaml');
    const stop = lens(ed, `Stop dev broker (ports ${e1} TLS, ${e2} WS TLS)`);
    await stop.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await lens(ed, 'Start dev broker').count(), 0);
    await ed.screenshot('stop-lens');

    // Stopped from the lens: the status bar item goes, the lens offers Start again.
    await stop.click();
    await ed.page
      .locator('.statusbar-item', { hasText: 'dev broker:' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
    const start = lens(ed, 'Start dev broker');
    await start.waitFor({ state: 'visible', timeout: 60_000 });

    // Started from the lens again, then its process dies: the lens offers Start again.
    await start.click();
    await stop.waitFor({ state: 'visible', timeout: 90_000 });
    process.kill(listenerPid(e1), 'SIGKILL');
    await start.waitFor({ state: 'visible', timeout: 60_000 });
    await ed.page
      .locator('.statusbar-item', { hasText: 'dev broker:' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
    await ed.screenshot('start-lens-after-kill');
  },
  420_000,
);

editorTest(
  "Start Dev Broker with the workspace's only listener starts it without a pick, and says which",
  () => ({
    vsix: packagedVsix(),
    workspace: {
      files: {
        'only/listener.yaml': `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: the-only-one
  namespace: azure-iot-operations
spec:
  ports:
  - port: ${ports[0]}
`,
      },
    },
  }),
  async (ed) => {
    await ed.brokerKitIcon();
    await ed.runCommand('BrokerKit: Start Dev Broker');
    await ed.waitForText(
      '.notifications-toasts .notification-toast',
      `Dev broker for 'the-only-one' (the workspace's only BrokerListener, in only/listener.yaml) is listening on ${ports[0]}.`,
      90_000,
    );
    const sub = await run('mosquitto_pub', ['-h', 'localhost', '-p', String(ports[0]), '-t', 'only/t', '-m', 'x']);
    assert.equal(sub.code, 0, sub.stderr);
    await ed.runCommand('BrokerKit: Stop Dev Broker');
    await ed.page
      .locator('.statusbar-item', { hasText: 'dev broker:' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
  },
);

editorTest(
  'Start Dev Broker in a workspace without a BrokerListener says what to do',
  () => ({ vsix: packagedVsix(), workspace: { files: { 'config.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n' } } }),
  async (ed) => {
    await ed.brokerKitIcon();
    await ed.runCommand('BrokerKit: Start Dev Broker');
    const toast = await ed.waitForText(
      '.notifications-toasts .notification-toast',
      'no BrokerListener with ports in this workspace',
      60_000,
    );
    assert.match(toast, /add a YAML file with a BrokerListener/);
    assert.equal(await ed.page.locator('.statusbar-item', { hasText: 'dev broker:' }).count(), 0);
  },
);

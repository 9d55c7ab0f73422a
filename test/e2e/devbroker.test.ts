// The dev broker in a real VS Code (code-server) with the packaged extension: started from the CodeLens above a
// BrokerListener, the status bar shows its ports, a real mosquitto_pub publishes, and the dev broker log shows it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';
import { freePorts, run } from '../helpers/broker';

const listener = (plain: number, tls: number) => `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: e2e-listener
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  - port: ${plain}
  - port: ${tls}
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: my-issuer
          kind: Issuer
`;

editorTest(
  'dev broker from the CodeLens: status bar, a client publishes, the log shows it',
  () => ({
    vsix: packagedVsix(),
    workspace: { files: { 'placeholder.txt': 'the listener file is written by the test with free ports\n' } },
  }),
  async (ed) => {
    const [plain, tls] = await freePorts(2);
    fs.writeFileSync(ed.path('listener.yaml'), listener(plain, tls));
    await ed.openFile('listener.yaml');

    const lens = ed.page.locator('.codelens-decoration a', { hasText: 'Start dev broker' }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await ed.screenshot('codelens');
    await lens.click();

    const status = await ed.waitForText('.statusbar-item', /dev broker: \d+/, 60_000);
    assert.match(status, new RegExp(`dev broker: ${plain}, ${tls} TLS`));
    await ed.screenshot('status-bar');

    const pub = await run('mosquitto_pub', [
      '-h',
      'localhost',
      '-p',
      String(plain),
      '-V',
      'mqttv5',
      '-i',
      'e2e-client',
      '-t',
      'e2e/topic',
      '-m',
      'hello',
    ]);
    assert.equal(pub.code, 0, pub.stderr);

    // The status bar item offers the client commands and the log; the log shows the publish.
    await ed.page.locator('.statusbar-item', { hasText: 'dev broker:' }).first().click();
    const row = ed.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show the dev broker log' }).first();
    await row.waitFor({ state: 'visible' });
    assert.ok(
      await ed.page
        .locator('.quick-input-list .monaco-list-row', { hasText: `${tls}: mosquitto_pub` })
        .first()
        .isVisible(),
    );
    await row.click();
    await ed.waitForText('.pane-body.output-view .view-line', `publish e2e-client -> 'e2e/topic'`, 30_000);
    const out = await ed.output();
    const text = out.text.replace(/\u00a0/g, ' '); // the editor renders spaces as no-break spaces
    assert.equal(out.channel, 'BrokerKit Dev Broker');
    assert.match(text, new RegExp(`port ${tls}: MQTT with TLS`));
    assert.match(text, new RegExp(`publish e2e-client -> 'e2e/topic' \\(QoS 0, 5 bytes, port ${plain}\\)`));
    assert.doesNotMatch(text, /PRIVATE KEY/);
    await ed.screenshot('log');

    await ed.runCommand('BrokerKit: Stop Dev Broker');
    await ed.page
      .locator('.statusbar-item', { hasText: 'dev broker:' })
      .first()
      .waitFor({ state: 'hidden', timeout: 30_000 });
    await ed.waitForText('.pane-body.output-view .view-line', 'Dev broker stopped', 30_000);
  },
);

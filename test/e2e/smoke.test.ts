// Smoke test of the PACKAGED extension in a real VS Code (code-server): the .vsix installs, BrokerKit activates on a
// workspace of YAML files, its palette command shows the BrokerKit output channel, and the language server's
// diagnostics reach the Problems panel.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';

// A listener on 18883: AIO's built-in default listener owns that port, so port-conflict fires.
const CLASH = `apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
  name: clash
  namespace: azure-iot-operations
spec:
  brokerRef: default
  serviceType: LoadBalancer
  ports:
  - port: 18883
    protocol: Mqtt
`;

const sample = existsSync('examples/demo') ? 'examples/demo' : 'examples/howto';

editorTest(
  'packaged extension smoke',
  () => ({
    vsix: packagedVsix(),
    workspace: { copy: sample, files: { 'scratch/clash.yaml': CLASH } },
  }),
  async (ed) => {
    await ed.screenshot('workbench');

    // Open a YAML file of the samples (the how-to's two-port LoadBalancer listener, or the demo's first file).
    const yaml = sample.endsWith('howto')
      ? 'howto/two-port-loadbalancer.yaml'
      : await firstYaml(ed.path('demo'), 'demo');
    await ed.openFile(yaml);
    assert.ok(
      (await ed.editorLines()).some((l) => l.trim() !== ''),
      'the YAML file is shown',
    );
    await ed.screenshot('yaml-open');

    // The installed (packaged) extension is active: VS Code's own list of running extensions shows it.
    await ed.runCommand('Developer: Show Running Extensions');
    const running = await ed.waitForText('.runtime-extensions-editor .monaco-list-row', /BrokerKit/);
    assert.match(running, /BrokerKit\s*0\.\d+\.\d+/);
    await ed.screenshot('running-extensions');

    // Its palette command runs and brings up its output channel.
    await ed.runCommand('BrokerKit: Show Output');
    const out = await ed.output();
    assert.equal(out.channel, 'BrokerKit');
    await ed.screenshot('output-channel');

    // A BrokerKit diagnostic reaches the Problems panel at the clashing port.
    await ed.openFile('scratch/clash.yaml');
    const p = await ed.waitForProblem({ code: 'port-conflict', file: 'clash.yaml' });
    assert.equal(p.source, 'brokerkit');
    assert.equal(p.severity, 'error');
    assert.equal(p.line, 10);
    assert.equal(p.column, 11);
    assert.match(p.message, /18883/);
    await ed.screenshot('problems');

    // And the hover over the clashing port carries the same message.
    const hover = await ed.hover('18883');
    assert.match(hover, /port-conflict/);
    await ed.screenshot('hover');
  },
);

async function firstYaml(dir: string, prefix: string): Promise<string> {
  const { readdirSync } = await import('node:fs');
  const f = readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()[0];
  if (!f) throw new Error(`no YAML file in ${dir}`);
  return `${prefix}/${f}`;
}

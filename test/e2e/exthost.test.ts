// Tests that run INSIDE VS Code's extension host (the `vscode` API), with this build of BrokerKit loaded as a
// development extension through code-server's extensionDevelopmentPath/extensionTestsPath URL payload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { editorAvailable, runExtensionTests } from './harness';

const OUT = process.env.BROKERKIT_OUT || 'out';

// A listener on 18883, the port of AIO's built-in default listener.
const CLASH = [
  'apiVersion: mqttbroker.iotoperations.azure.com/v1',
  'kind: BrokerListener',
  'metadata:',
  '  name: clash',
  '  namespace: azure-iot-operations',
  'spec:',
  '  brokerRef: default',
  '  serviceType: LoadBalancer',
  '  ports:',
  '  - port: 18883',
  '    protocol: Mqtt',
  '',
].join('\n');

test('extension-host tests: commands and diagnostics through the vscode API', { timeout: 240_000 }, async (t) => {
  if (!editorAvailable(t)) return;
  const r = await runExtensionTests({
    name: 'exthost commands',
    testsModule: join(OUT, 'test/e2e/exthost/commands.exthost.js'),
    workspace: { files: { 'clash.yaml': CLASH } },
  });
  const failed = r.results.filter((x) => !x.ok);
  assert.deepEqual(
    failed.map((x) => `${x.name}: ${x.error}`),
    [],
  );
  assert.equal(r.results.length, 3, `expected 3 results, got ${JSON.stringify(r.results)}`);
  assert.equal(r.exitCode, 0);
});

test('extension-host harness reports failures with a non-zero exit code', { timeout: 240_000 }, async (t) => {
  if (!editorAvailable(t)) return;
  const r = await runExtensionTests({
    name: 'exthost self-check',
    testsModule: join(OUT, 'test/e2e/exthost/self-check.exthost.js'),
  });
  assert.notEqual(r.exitCode, 0);
  assert.deepEqual(
    r.results.map((x) => [x.name, x.ok]),
    [
      ['sees the vscode API and the environment the harness set', true],
      ['deliberately fails', false],
    ],
  );
  assert.match(r.results[1].error ?? '', /expected by the harness self-check/);
});

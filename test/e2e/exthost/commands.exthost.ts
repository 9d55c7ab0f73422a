// Runs inside the extension host (see ../exthost.test.ts): BrokerKit's commands and diagnostics through the vscode API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runAll, test, when } from './runner';

const ID = 'brokerkit.brokerkit';

test('the extension is present and activates', async () => {
  const ext = vscode.extensions.getExtension(ID);
  assert.ok(ext, `${ID} is not loaded`);
  await ext.activate();
  assert.equal(ext.isActive, true);
});

test('every command in the manifest is registered and brokerkit.showOutput runs', async () => {
  const declared = (vscode.extensions.getExtension(ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  await vscode.commands.executeCommand('brokerkit.showOutput');
});

test('a listener on port 18883 gets a port-conflict diagnostic from the language server', async () => {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: [
    'apiVersion: mqttbroker.iotoperations.azure.com/v1', 'kind: BrokerListener',
    'metadata:', '  name: clash', '  namespace: azure-iot-operations',
    'spec:', '  brokerRef: default', '  serviceType: LoadBalancer', '  ports:', '  - port: 18883', ''].join('\n') });
  await vscode.window.showTextDocument(doc);
  const found = await when(vscode.languages.onDidChangeDiagnostics,
    () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'brokerkit' && d.code === 'port-conflict'));
  assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(found.range.start.line, 9);
  assert.equal(doc.getText(found.range), '18883');
});

export const run = runAll;

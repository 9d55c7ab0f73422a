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
  const declared = (vscode.extensions.getExtension(ID)!.packageJSON.contributes.commands as { command: string }[]).map(
    (c) => c.command,
  );
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(
    declared.filter((c) => !registered.has(c)),
    [],
  );
  await vscode.commands.executeCommand('brokerkit.showOutput');
});

test('a listener on port 18883 gets a port-conflict diagnostic from the language server', async () => {
  // clash.yaml is written into the workspace by ../exthost.test.ts.
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'clash.yaml'));
  await vscode.window.showTextDocument(doc);
  const found = await when(vscode.languages.onDidChangeDiagnostics, () =>
    vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'brokerkit' && codeOf(d) === 'port-conflict'),
  ).catch((e: Error) => {
    const all = vscode.languages
      .getDiagnostics()
      .map(([u, ds]) => [u.toString(), ds.map((d) => `${codeOf(d)}: ${d.message}`)]);
    throw new Error(`${e.message}; diagnostics: ${JSON.stringify(all)}`);
  });
  assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(found.range.start.line, 9);
  assert.equal(doc.getText(found.range), '18883');
});

/** A diagnostic's code: plain, or `{ value, target }` when the server links the rule's documentation. */
function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

export const run = runAll;

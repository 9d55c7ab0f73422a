// The editor experience in a real VS Code (code-server + chromium), with the PACKAGED extension, on a copy of
// examples/: the demo's deliberate cross-file port clash shows as `port-conflict` in the Problems panel at the right
// line of both files (one of them never opened), the quick fix from the light-bulb menu renumbers the port, and the
// error goes away in both files; hover shows the schema's documentation. The how-to scenarios next to the demo are
// deployments of their own (kustomizations): nothing is reported from mixing them with the demo. A screenshot of each
// step is kept in test-results/<test>/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { editorTest } from './harness';
import { packagedVsix } from '../helpers/vsix';

/** 1-based line of the first line containing `needle` in a demo file (the same numbering as the Problems panel). */
function lineIn(file: string, needle: string): number {
  const i = readFileSync(`examples/demo/${file}`, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

editorTest(
  'port clash across files: Problems panel, quick fix, both files clear, hover docs',
  () => ({
    vsix: packagedVsix(),
    workspace: { copy: 'examples' },
  }),
  async (ed) => {
    const extLine = lineIn('listener-external.yaml', '- port: 1884');
    const npLine = lineIn('listener-nodeport.yaml', '- port: 1884');

    await ed.openFile('examples/demo/listener-external.yaml');
    await ed.screenshot('demo-open');

    // The clash is reported in the open file, at the port, with a link to the other end...
    const open = await ed.waitForProblem({ code: 'port-conflict', file: 'listener-external.yaml' });
    assert.equal(open.source, 'brokerkit');
    assert.equal(open.severity, 'error');
    assert.equal(open.line, extLine);
    assert.equal(open.column, 11);
    assert.match(open.message, /Port 1884 is already used by BrokerListener 'nodeport'/);
    // ...and in the file that was never opened (found by the workspace index).
    const closed = await ed.waitForProblem({ code: 'port-conflict', file: 'listener-nodeport.yaml' });
    assert.equal(closed.line, npLine);
    assert.match(closed.message, /BrokerListener 'external'/);
    await ed.screenshot('problems-port-conflict');

    // The how-to's two-port LoadBalancer listener sits next to the demo's LoadBalancer listener, in its own kustomization:
    // only its own notes, no clash with the demo (a second LoadBalancer listener, port 8883 twice).
    await ed.waitForProblemCodes('two-port-loadbalancer.yaml', [
      'insecure-port',
      'quickstart-issuer',
      'tls-san-missing',
    ]);
    await ed.problems();

    // The light-bulb menu at the clashing port offers the next free port; apply it.
    await ed.openFile('examples/demo/listener-external.yaml');
    await ed.goTo(extLine, 11);
    const actions = await ed.codeActions();
    assert.ok(
      actions.some((a) => /^Use the next free port \d+$/.test(a)),
      `code actions: ${actions.join(' | ')}`,
    );
    await ed.screenshot('quick-fix-menu');
    await ed.page.keyboard.press('Escape');
    await ed.page.locator('.action-widget').waitFor({ state: 'hidden' });
    await ed.applyCodeAction(/^Use the next free port \d+$/);
    await ed.save();
    const fixed = ed.readFile('examples/demo/listener-external.yaml');
    const newPort = /- port: (\d+)\n {4}authenticationRef: devices\n {4}protocol: WebSockets/.exec(fixed)?.[1];
    assert.ok(newPort && newPort !== '1884', 'the port was renumbered');
    await ed.screenshot('quick-fix-applied');

    // Both files are clear of the clash (the other findings of the demo stay): the workspace's one error left is the
    // nodePort out of range, and listener-external.yaml has no problem left (the status bar's count includes it).
    await ed.waitForProblemCounts([1, 3, 2]);
    await ed.waitForProblem({ code: 'node-port-range', file: 'listener-nodeport.yaml', severity: 'error' });
    await ed.waitForNoProblem({ code: 'port-conflict', file: 'listener-nodeport.yaml' });
    await ed.screenshot('problems-cleared');

    // Hover over a field shows its documentation and allowed values from the schema.
    await ed.openFile('examples/demo/listener-external.yaml');
    await ed.goTo(lineIn('listener-external.yaml', 'serviceType'), 3);
    const hover = await ed.hover('serviceType');
    assert.match(hover, /serviceType/);
    assert.match(hover, /Allowed values/);
    assert.match(hover, /LoadBalancer/);
    await ed.screenshot('hover-docs');

    // Hover over a reference says where the object is defined.
    await ed.goTo(lineIn('listener-external.yaml', 'demo-ca-issuer'), 15);
    const ref = await ed.hover('demo-ca-issuer');
    assert.match(ref, /Issuer 'demo-ca-issuer'/);
    assert.match(ref, /issuers\.yaml:\d+/);
    await ed.screenshot('hover-reference');
  },
);

// The rule pages ship with the PACKAGED extension and open offline: in a real VS Code (code-server) with the .vsix
// installed, clicking the rule code of a problem in the Problems panel opens docs/rules/<code>.md from inside the
// installed extension in the Markdown preview, and the page's own text is shown; the 'Rule page' link in the hover of
// a `# brokerkit-ignore <code>` comment does the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

// The same listener with the insecure-port finding silenced by a comment that names the rule.
const IGNORED = CLASH.replace('name: clash', 'name: ignored').replace(
  '  - port: 18883',
  '  # brokerkit-ignore insecure-port\n  - port: 18883',
);

/** The first sentence under a heading of the page in the repository: the preview must show the same words. */
function pageLine(code: string, heading: string): string {
  const md = readFileSync(`docs/rules/${code}.md`, 'utf8');
  const after = md.slice(md.indexOf(`## ${heading}`) + heading.length + 3).trimStart();
  return after.split('\n')[0].replace(/[`*]/g, '').split(/[.(]/)[0].trim();
}

editorTest(
  'a rule code in the Problems panel opens its page from the installed extension',
  () => ({
    vsix: packagedVsix(),
    settings: { 'editor.codeLens': false },
    workspace: { files: { 'clash.yaml': CLASH, 'ignored.yaml': IGNORED } },
  }),
  async (ed) => {
    await ed.openFile('clash.yaml');
    await ed.waitForProblem({ code: 'port-conflict', file: 'clash.yaml' });
    await ed.screenshot('problem');

    // The link is the extension's command (a file URL would open the Markdown source as text, or nothing at all in a
    // browser-based VS Code, where file URLs name files on the wrong machine).
    const href = await ed.clickProblemCode('port-conflict', 'clash.yaml');
    assert.match(decodeURIComponent(href), /^command:brokerkit\.showRulePage\?\["port-conflict"\]$/);

    // A Markdown preview tab of the page (not the page's source as text, not a browser tab).
    const tab = await ed.waitForText('.part.editor .tabs-container .tab.active', /Preview port-conflict\.md/);
    assert.match(tab, /Preview port-conflict\.md/);
    const text = await ed.webviewText('h1');
    assert.match(text, /^port-conflict\b/);
    assert.ok(text.includes(pageLine('port-conflict', 'What it checks')), text.slice(0, 400));
    assert.match(text, /Why it matters/);
    // Rendered, not raw Markdown.
    assert.ok(!/^## /m.test(text), 'headings are rendered');
    await ed.screenshot('rule-page');

    // The rule named in a brokerkit-ignore comment: its hover links the page, which opens the same way.
    await ed.openFile('ignored.yaml');
    // CodeLenses are off in this test: the listener's "Start dev broker" lens would push the text down a line whenever
    // it arrives, and the mouse could end up on the line above the word it points at.
    await ed.waitForProblem({ code: 'port-conflict', file: 'ignored.yaml' });
    const hover = await ed.hover('insecure-port');
    assert.match(hover, /insecure-port/);
    await ed.page
      .locator('.monaco-hover:not(.hidden) a')
      .filter({ hasText: /^Rule page$/ })
      .first()
      .click();
    await ed.waitForText('.part.editor .tabs-container .tab.active', /Preview insecure-port\.md/);
    assert.match(await ed.webviewText('h1'), /^insecure-port\b/);
    await ed.screenshot('rule-page-from-hover');
  },
);

// The language server over real JSON-RPC on stdio: initialize, workspace indexing of closed files, diagnostics with
// code links and related information across files, edits clearing both sides, file events, settings, shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FileChangeType, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { TempWorkspace, lineOf, listener, startServer } from '../helpers/lsp-fixtures';

const codes = (ds: { code?: unknown }[]) => ds.map((d) => d.code);

test('initialize answers with the features, from dist/server.js and from `brokerkit lsp --stdio`', async () => {
  for (const viaCli of [false, true]) {
    const client = await startServer({ viaCli });
    try {
      const caps = client.initializeResult.capabilities;
      assert.equal(client.initializeResult.serverInfo?.name, 'brokerkit');
      assert.ok(
        caps.hoverProvider && caps.definitionProvider && caps.referencesProvider && caps.documentSymbolProvider,
      );
      assert.ok(caps.completionProvider && caps.codeActionProvider);
      assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    } finally {
      assert.equal(await client.shutdown(), 0);
    }
  }
});

test('a clash between an open and a closed file is found; fixing either side clears both', async () => {
  const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const b = listener('np', { type: 'NodePort', ports: [8883] });
  const ws = new TempWorkspace({
    'a.yaml': a,
    'sub/b.yaml': b,
    'node_modules/x/c.yaml': listener('hidden', { type: 'NodePort', ports: [8883] }),
  });
  // The two files are in two folders: the setting says the whole workspace is applied as one.
  const client = await startServer({ rootPath: ws.root, settings: { brokerkit: { deployments: 'workspace' } } });
  try {
    const ua = ws.uri('a.yaml');
    const ub = ws.uri('sub/b.yaml');
    // The closed file is indexed and reported without being opened.
    const closed = await client.diagnosticsFor(ub, (p) => codes(p.diagnostics).includes('port-conflict'));
    const dB = closed.diagnostics.find((d) => d.code === 'port-conflict')!;
    assert.equal(dB.range.start.line, lineOf(b, 'port: 8883'));
    // The code links the rule's page, a local file that works offline.
    assert.match(dB.codeDescription!.href, /^file:\/\/.*\/docs\/rules\/port-conflict\.md$/);
    assert.match(readFileSync(fileURLToPath(dB.codeDescription!.href), 'utf8'), /^# port-conflict\n/);
    assert.equal(dB.source, 'brokerkit');
    // node_modules is never indexed: the clash names only a.yaml. The whole workspace is the only deployment, so no
    // entry says which deployment judged it (the next test has one).
    assert.deepEqual(
      dB.relatedInformation!.map((r) => r.location.uri),
      [ua],
    );
    assert.ok(!client.diagnostics.has(ws.uri('node_modules/x/c.yaml')));
    // Progress was shown while indexing.
    const kinds = client.progress.map((p) => p.value.kind);
    assert.ok(kinds.includes('begin') && kinds.includes('end'), `progress: ${kinds.join(',')}`);

    await client.open(ua, a);
    const open = await client.currentDiagnostics(ua, (ds) => codes(ds).includes('port-conflict'));
    const dA = open.find((d) => d.code === 'port-conflict')!;
    assert.equal(dA.range.start.line, lineOf(a, 'port: 8883'));
    assert.equal(dA.relatedInformation![0].location.uri, ub);
    assert.equal(dA.relatedInformation![0].location.range.start.line, lineOf(b, 'port: 8883'));

    // Edit the open side: both files clear.
    const line = lineOf(a, 'port: 8883');
    const clearedB = client.nextDiagnostics(ub, (p) => !codes(p.diagnostics).includes('port-conflict'));
    await client.change(ua, [
      { range: { start: { line, character: 10 }, end: { line, character: 14 } }, text: '8884' },
    ]);
    const afterA = await client.currentDiagnostics(ua);
    assert.ok(!codes(afterA).includes('port-conflict'));
    await clearedB;

    // Edit it back: the clash returns on both sides.
    const backB = client.nextDiagnostics(ub, (p) => codes(p.diagnostics).includes('port-conflict'));
    await client.change(ua, [
      { range: { start: { line, character: 10 }, end: { line, character: 14 } }, text: '8883' },
    ]);
    assert.ok(
      codes(await client.currentDiagnostics(ua, (ds) => codes(ds).includes('port-conflict'))).includes('port-conflict'),
    );
    await backB;

    // Fix the closed side on disk: the open side clears.
    const clearedA = client.nextDiagnostics(ua, (p) => !codes(p.diagnostics).includes('port-conflict'));
    ws.write('sub/b.yaml', b.replace('port: 8883', 'port: 8885'));
    await client.filesChanged([{ uri: ub, type: FileChangeType.Changed }]);
    await clearedA;
    await client.diagnosticsFor(ub, (p) => !codes(p.diagnostics).includes('port-conflict'));
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('with two deployments (two plain folders), a relation finding names the one it was judged in, at itself; with one, it does not', async () => {
  const clash =
    listener('lb', { type: 'LoadBalancer', ports: [8883] }) +
    '---\n' +
    listener('np', { type: 'NodePort', ports: [8883] });
  const ws = new TempWorkspace({
    'one/a.yaml': clash,
    'two/b.yaml': listener('other', { type: 'ClusterIP', ports: [1883] }),
  });
  const client = await startServer({ rootPath: ws.root });
  try {
    const ua = ws.uri('one/a.yaml');
    const judged = async () => {
      const p = await client.diagnosticsFor(ua, (x) => codes(x.diagnostics).includes('port-conflict'));
      const d = p.diagnostics.find((x) => x.code === 'port-conflict')!;
      return (d.relatedInformation ?? []).filter((r) => r.message.startsWith('judged in deployment'));
    };
    const two = await judged();
    assert.equal(two.length, 1);
    assert.match(two[0].message, /^judged in deployment \S*one$/);
    assert.equal(two[0].location.uri, ua);
    // The other folder removed: one deployment left, and the entry would only point back at the finding.
    const after = client.nextDiagnostics(ua, () => true);
    unlinkSync(ws.path('two/b.yaml'));
    await client.filesChanged([{ uri: ws.uri('two/b.yaml'), type: FileChangeType.Deleted }]);
    await after;
    assert.deepEqual(await judged(), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('files created and deleted on disk, deleted folders, and the exclude setting', async () => {
  const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const ws = new TempWorkspace({ 'a.yaml': a });
  const client = await startServer({ rootPath: ws.root, settings: { brokerkit: { deployments: 'workspace' } } });
  try {
    const ua = ws.uri('a.yaml');
    await client.open(ua, a);
    assert.ok(!codes(await client.currentDiagnostics(ua)).includes('port-conflict'));
    await client.registered('workspace/didChangeWatchedFiles');

    // A new file with a clash appears.
    const clash = client.nextDiagnostics(ua, (p) => codes(p.diagnostics).includes('port-conflict'));
    const uc = ws.write('new/c.yaml', listener('np', { type: 'NodePort', ports: [8883] }));
    await client.filesChanged([{ uri: uc, type: FileChangeType.Created }]);
    await clash;
    await client.diagnosticsFor(uc, (p) => codes(p.diagnostics).includes('port-conflict'));

    // Its folder is deleted: only the folder is reported, the file goes with it.
    const gone = client.nextDiagnostics(ua, (p) => !codes(p.diagnostics).includes('port-conflict'));
    const goneC = client.nextDiagnostics(uc, (p) => p.diagnostics.length === 0);
    ws.remove('new');
    await client.filesChanged([{ uri: ws.uri('new'), type: FileChangeType.Deleted }]);
    await gone;
    await goneC;

    // Created again, then excluded by a setting change: its diagnostics go away.
    const again = client.nextDiagnostics(ua, (p) => codes(p.diagnostics).includes('port-conflict'));
    const ud = ws.write('gen/d.yaml', listener('np', { type: 'NodePort', ports: [8883] }));
    await client.filesChanged([{ uri: ud, type: FileChangeType.Created }]);
    await again;
    const excluded = client.nextDiagnostics(ua, (p) => !codes(p.diagnostics).includes('port-conflict'));
    await client.settingsChanged({ brokerkit: { exclude: ['gen/**'], deployments: 'workspace' } });
    await excluded;
    await client.diagnosticsFor(ud, (p) => p.diagnostics.length === 0);

    // A single deleted file.
    const ue = ws.write('e.yaml', listener('np2', { type: 'NodePort', ports: [8883] }));
    const clashE = client.nextDiagnostics(ua, (p) => codes(p.diagnostics).includes('port-conflict'));
    await client.filesChanged([{ uri: ue, type: FileChangeType.Created }]);
    await clashE;
    const clearedE = client.nextDiagnostics(ua, (p) => !codes(p.diagnostics).includes('port-conflict'));
    unlinkSync(ws.path('e.yaml'));
    await client.filesChanged([{ uri: ue, type: FileChangeType.Deleted }]);
    await clearedE;
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('settings: defaultNamespace and assumeBuiltins change what clashes', async () => {
  // AIO's built-in default listener (18883) is assumed in the default namespace.
  const text = listener('lb', { type: 'LoadBalancer', ports: [18883] });
  const ws = new TempWorkspace({});
  const client = await startServer({
    rootPath: ws.root,
    settings: { brokerkit: { defaultNamespace: 'azure-iot-operations' } },
  });
  try {
    const u = ws.uri('x.yaml');
    await client.open(u, text);
    await client.currentDiagnostics(u, (ds) => codes(ds).includes('port-conflict'));
    let next = client.nextDiagnostics(u, (p) => !codes(p.diagnostics).includes('port-conflict'));
    await client.settingsChanged({ brokerkit: { assumeBuiltins: false } });
    await next;
    next = client.nextDiagnostics(u, (p) => codes(p.diagnostics).includes('port-conflict'));
    await client.settingsChanged({ brokerkit: { assumeBuiltins: true } });
    await next;
    next = client.nextDiagnostics(u, (p) => !codes(p.diagnostics).includes('port-conflict'));
    await client.settingsChanged({ brokerkit: { defaultNamespace: 'elsewhere' } });
    await next;
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('YAML that is not ours gets no diagnostics, even when it is broken', async () => {
  const client = await startServer();
  try {
    const u = 'file:///tmp/brokerkit-not-ours/workflow.yaml';
    await client.open(u, 'on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: [\n');
    assert.deepEqual(await client.currentDiagnostics(u), []);
    const ours = 'file:///tmp/brokerkit-not-ours/listener.yaml';
    await client.open(
      ours,
      'apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata: {name: x\n',
    );
    assert.ok(codes(await client.currentDiagnostics(ours, (ds) => ds.length > 0)).includes('yaml-syntax'));
  } finally {
    await client.shutdown();
  }
});

test('kustomizations (kustomization.yaml and Kustomization) split the workspace into deployments; editing one on disk re-checks at once', async () => {
  const a = listener('one', { type: 'LoadBalancer', ports: [8883] });
  const b = listener('two', { type: 'LoadBalancer', ports: [8883] });
  const ws = new TempWorkspace({
    'dev/kustomization.yaml': 'resources:\n- listener.yaml\n',
    'dev/listener.yaml': a,
    'prod/Kustomization': 'resources:\n- listener.yaml\n',
    'prod/listener.yaml': b,
  });
  const client = await startServer({ rootPath: ws.root });
  try {
    const ua = ws.uri('dev/listener.yaml');
    // Indexed and checked without being opened: dev and prod are alternatives, so no clash between them.
    const first = await client.diagnosticsFor(ua);
    assert.ok(!codes(first.diagnostics).includes('port-conflict'), JSON.stringify(first.diagnostics));
    assert.ok(!codes(first.diagnostics).includes('service-type-conflict'));
    // prod now also pulls in the dev listener: in prod the two listeners clash.
    const clash = client.nextDiagnostics(ua, (p) => codes(p.diagnostics).includes('port-conflict'));
    ws.write('prod/Kustomization', 'resources:\n- listener.yaml\n- ../dev/listener.yaml\n');
    await client.filesChanged([{ uri: ws.uri('prod/Kustomization'), type: FileChangeType.Changed }]);
    const d = (await clash).diagnostics.find((x) => x.code === 'port-conflict')!;
    assert.match(String(d.message), /\(in .*prod\)$/, 'the finding says which deployment it comes from');
    // And back.
    const cleared = client.nextDiagnostics(ua, (p) => !codes(p.diagnostics).includes('port-conflict'));
    ws.write('prod/Kustomization', 'resources:\n- listener.yaml\n');
    await client.filesChanged([{ uri: ws.uri('prod/Kustomization'), type: FileChangeType.Changed }]);
    await cleared;
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('two workspace folders are never one deployment; a kustomization tying them makes one, named in related information', async () => {
  const one = new TempWorkspace({ 'listener.yaml': listener('one', { type: 'LoadBalancer', ports: [8883] }) });
  const two = new TempWorkspace({ 'listener.yaml': listener('two', { type: 'LoadBalancer', ports: [9883] }) });
  const client = await startServer({ folderPaths: [one.root, two.root] });
  try {
    await client.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const u1 = one.uri('listener.yaml');
    assert.ok(!codes((await client.diagnosticsFor(u1)).diagnostics).includes('service-type-conflict'));
    // A kustomization in the first folder lists the second folder's file: now they clash.
    const clash = client.nextDiagnostics(u1, (p) => codes(p.diagnostics).includes('service-type-conflict'));
    const rel = `../${two.root.split('/').pop()}/listener.yaml`;
    const uk = one.write('kustomization.yaml', `resources: [listener.yaml, ${rel}]\n`);
    await client.filesChanged([{ uri: uk, type: FileChangeType.Created }]);
    const d = (await clash).diagnostics.find((x) => x.code === 'service-type-conflict')!;
    const judged = d.relatedInformation!.find((r) => r.message.startsWith('judged in deployment'))!;
    assert.equal(judged.location.uri, uk);
    assert.match(judged.message, /^judged in deployment \S+$/);
  } finally {
    await client.shutdown();
    one.dispose();
    two.dispose();
  }
});

test('two files of a folder that each give the broker its LoadBalancer listener are alternatives: no clash, the hover says so; a kustomization listing both reports it', async () => {
  const open = listener('listener-open', { type: 'LoadBalancer', ports: [1883] });
  const x509 = listener('listener-x509', { type: 'LoadBalancer', ports: [8883] });
  const ws = new TempWorkspace({ 'statestore/listener-open.yml': open, 'statestore/listener-x509.yml': x509 });
  const client = await startServer({ rootPath: ws.root });
  try {
    await client.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const uo = ws.uri('statestore/listener-open.yml');
    assert.ok(!codes((await client.diagnosticsFor(uo)).diagnostics).includes('service-type-conflict'));
    await client.open(uo, open);
    const line = lineOf(open, 'serviceType');
    const h = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: uo },
      position: { line, character: open.split('\n')[line].indexOf('LoadBalancer') + 2 },
    });
    const text = (h?.contents as MarkupContent).value;
    assert.match(text, /\*\*Checked as an alternative\*\* \(deployment `\S*statestore with listener-open\.yml`\)/);
    assert.match(
      text,
      /listener-open\.yml and listener-x509\.yml each give broker 'default' .*its LoadBalancer listener/,
    );
    assert.match(text, /list the files in a kustomization, or set `brokerkit\.deployments` to `workspace`/);
    // Listed together by a kustomization: applied together, the clash is real and reported.
    const clash = client.nextDiagnostics(uo, (p) => codes(p.diagnostics).includes('service-type-conflict'));
    const uk = ws.write('statestore/kustomization.yaml', 'resources: [listener-open.yml, listener-x509.yml]\n');
    await client.filesChanged([{ uri: uk, type: FileChangeType.Created }]);
    await clash;
    const after = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: uo },
      position: { line, character: open.split('\n')[line].indexOf('LoadBalancer') + 2 },
    });
    assert.doesNotMatch((after?.contents as MarkupContent | undefined)?.value ?? '', /Checked as an alternative/);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('a quoted annotation continued at its key indentation (as Kubernetes reads it) is no syntax error; findings after it keep their lines', async () => {
  const text = listener('dump', { type: 'loadBalancer', ports: [1883] }).replace(
    'metadata:\n',
    "metadata:\n  annotations:\n    note: 'folded by hand,\n    at the key''s indentation'\n",
  );
  const ws = new TempWorkspace({ 'dump.yaml': text });
  const client = await startServer({ rootPath: ws.root });
  try {
    const u = ws.uri('dump.yaml');
    await client.open(u, text);
    const ds = await client.currentDiagnostics(u, (d) => codes(d).includes('enum-spelling'));
    assert.ok(!codes(ds).includes('yaml-syntax'), JSON.stringify(ds));
    assert.equal(ds.find((d) => d.code === 'enum-spelling')!.range.start.line, lineOf(text, 'loadBalancer'));
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('syntax errors only where they can hide what BrokerKit checks, as brokerkit check reports them', async () => {
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  labels: {a: b\ntype: kubernetes.io/tls\n';
  const ws = new TempWorkspace({ 'manifests/secret.yaml': secret });
  const client = await startServer({ rootPath: ws.root });
  try {
    await client.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    const us = ws.uri('manifests/secret.yaml');
    // No AIO content anywhere: not BrokerKit's to judge.
    await client.open(us, secret);
    assert.deepEqual(codes(await client.currentDiagnostics(us)), []);
    // A listener in the same folder (one deployment): the broken Secret may hide its TLS secret.
    const reported = client.nextDiagnostics(us, (p) => codes(p.diagnostics).includes('yaml-syntax'));
    const ul = ws.write('manifests/listener.yaml', listener('l', { type: 'LoadBalancer', ports: [8883] }));
    await client.filesChanged([{ uri: ul, type: FileChangeType.Created }]);
    const d = (await reported).diagnostics.find((x) => x.code === 'yaml-syntax')!;
    assert.equal(d.range.start.line, 5);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

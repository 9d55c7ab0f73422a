// Every quick fix over real JSON-RPC: ask for the code actions of a diagnostic, apply the edit like an editor does
// (open documents by didChange, closed files on disk plus a file event), and check that re-validation clears it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { Editor } from '../helpers/lsp-apply';
import { LspClient } from '../helpers/lsp-client';
import { TempWorkspace, lineOf, listener, startServer } from '../helpers/lsp-fixtures';
import { listenerDoc } from '../helpers/engine';

const has = (code: string) => (ds: { code?: unknown }[]) => ds.some((d) => d.code === code);
const hasNot = (code: string) => (ds: { code?: unknown }[]) => !ds.some((d) => d.code === code);

async function session(
  files: Record<string, string>,
  fn: (e: Editor, ws: TempWorkspace, c: LspClient) => Promise<void>,
  initializationOptions?: unknown,
): Promise<void> {
  const ws = new TempWorkspace(files);
  const client = await startServer({ rootPath: ws.root, initializationOptions });
  try {
    await client.notification<{ state: string }>('brokerkit/indexStatus', (p) => p.state === 'ready');
    await fn(new Editor(client), ws, client);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
}

const HEAD = listenerDoc;

test('port-conflict: the next free port, across an open and a closed file', async () => {
  const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const b = listener('np', { type: 'NodePort', ports: [8883, 8884] });
  await session({ 'a.yaml': a, 'b.yaml': b }, async (e, ws, c) => {
    const ua = ws.uri('a.yaml');
    const ub = ws.uri('b.yaml');
    await e.openDoc(ua, a);
    await c.currentDiagnostics(ua, has('port-conflict'));
    const actions = await e.actionsFor(ua, 'port-conflict');
    const fix = actions.find((x) => /next free port/.test(x.title))!;
    assert.equal(fix.title, 'Use the next free port 8885');
    assert.equal(fix.isPreferred, true);
    assert.ok(actions.some((x) => x.title === 'Ignore port-conflict here'));
    const clearedB = c.nextDiagnostics(ub, (p) => hasNot('port-conflict')(p.diagnostics));
    await e.apply(fix.edit!);
    assert.match(e.text(ua), /port: 8885/);
    await c.currentDiagnostics(ua, hasNot('port-conflict'));
    await clearedB;
  });
});

test('schema spellings: ClusterIP -> ClusterIp, Websockets -> WebSockets, ECDSA + size 384 -> Ec384 without size', async () => {
  const text = HEAD(
    'np',
    `  serviceType: NodePort
  ports:
  - port: 8890
    nodePort: 30890
    protocol: Websockets
    authenticationRef: default
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: azure-iot-operations-aio-certificate-issuer
          kind: ClusterIssuer
          group: cert-manager.io
        privateKey:
          algorithm: ECDSA
          size: 384
          rotationPolicy: Always
`,
  );
  const ci = HEAD('ci', '  serviceType: ClusterIP\n  ports:\n  - port: 8891\n    authenticationRef: default\n');
  await session({}, async (e, ws, c) => {
    const u = ws.uri('spell.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('schema'));
    for (const [needle, title] of [
      ['Websockets', "Replace with 'WebSockets'"],
      ['ECDSA', "Replace with 'Ec384' and remove 'size: 384'"],
    ] as const) {
      const nth = c.diagnostics
        .get(u)!
        .diagnostics.filter((d) => d.code === 'schema')
        .findIndex((d) => d.range.start.line === lineOf(e.text(u), needle));
      assert.ok(nth >= 0, `a schema finding on ${needle}`);
      const fix = (await e.actionsFor(u, 'schema', nth)).find((x) => x.title.startsWith('Replace'))!;
      assert.equal(fix.title, title);
      await e.apply(fix.edit!);
      await c.currentDiagnostics(u);
    }
    const after = e.text(u);
    assert.match(after, /protocol: WebSockets/);
    assert.match(after, /algorithm: Ec384\n\s+rotationPolicy: Always/);
    assert.doesNotMatch(after, /size:/);
    assert.deepEqual(
      (await c.currentDiagnostics(u)).filter((d) => d.code === 'schema'),
      [],
    );
    // ClusterIP
    const u2 = ws.uri('ci.yaml');
    await e.openDoc(u2, ci);
    await c.currentDiagnostics(u2, has('schema'));
    const fix = (await e.actionsFor(u2, 'schema')).find((x) => x.title === "Replace with 'ClusterIp'")!;
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u2, hasNot('schema'));
    assert.match(e.text(u2), /serviceType: ClusterIp\n/);
  });
});

test('broker-ref: replace with default', async () => {
  const text = HEAD(
    'lb',
    '  brokerRef: mybroker\n  serviceType: LoadBalancer\n  ports:\n  - port: 8892\n    authenticationRef: default\n',
  );
  await session({}, async (e, ws, c) => {
    const u = ws.uri('b.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('broker-ref'));
    const fix = (await e.actionsFor(u, 'broker-ref')).find((x) => x.title === "Replace with 'default'")!;
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, hasNot('broker-ref'));
    assert.match(e.text(u), /brokerRef: default/);
  });
});

test('ignore a finding: a brokerkit-ignore comment above it, same indentation; a second code joins the comment', async () => {
  // Port 18883 clashes with AIO's default listener and has neither TLS nor authentication: two findings, one line.
  const a = HEAD('lb', '  serviceType: LoadBalancer\n  ports:\n  - port: 18883\n    protocol: Mqtt\n');
  await session({}, async (e, ws, c) => {
    const u = ws.uri('i.yaml');
    await e.openDoc(u, a);
    await c.currentDiagnostics(u, (ds) => has('port-conflict')(ds) && has('insecure-port')(ds));
    const fix = (await e.actionsFor(u, 'port-conflict')).find((x) => x.title === 'Ignore port-conflict here')!;
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, (ds) => hasNot('port-conflict')(ds) && has('insecure-port')(ds));
    const fix2 = (await e.actionsFor(u, 'insecure-port')).find((x) => x.title === 'Ignore insecure-port here')!;
    await e.apply(fix2.edit!);
    await c.currentDiagnostics(u, (ds) => hasNot('port-conflict')(ds) && hasNot('insecure-port')(ds));
    const lines = e.text(u).split('\n');
    const at = lines.findIndex((l) => l.includes('port: 18883'));
    assert.equal(lines[at - 1], '  # brokerkit-ignore port-conflict, insecure-port');
  });
});

test('service-type-conflict: the second LoadBalancer listener moves its ports into the first (edits in two files)', async () => {
  const first = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const second = `# second listener\n${listener('lb2', { type: 'LoadBalancer', ports: [9883, 9884] })}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep-me\n`;
  await session({ 'first.yaml': first, 'second.yaml': second }, async (e, ws, c) => {
    const u1 = ws.uri('first.yaml');
    const u2 = ws.uri('second.yaml');
    await e.openDoc(u2, second);
    await c.currentDiagnostics(u2, has('service-type-conflict'));
    const fix = (await e.actionsFor(u2, 'service-type-conflict')).find((x) => x.title.startsWith('Move'))!;
    assert.match(fix.title, /Move ports 9883, 9884 into listener 'lb' \(first\.yaml\) and remove 'lb2'/);
    assert.deepEqual(Object.keys(fix.edit!.changes!).sort(), [u1, u2].sort());
    const cleared = c.nextDiagnostics(u1, () => true);
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u2, hasNot('service-type-conflict'));
    await cleared;
    const merged = parseAllDocuments(readFileSync(ws.path('first.yaml'), 'utf8')).map((d) => d.toJS());
    assert.deepEqual(
      merged[0].spec.ports.map((p: { port: number }) => p.port),
      [8883, 9883, 9884],
    );
    const rest = parseAllDocuments(e.text(u2))
      .map((d) => d.toJS())
      .filter(Boolean);
    assert.deepEqual(
      rest.map((d: { kind: string }) => d.kind),
      ['ConfigMap'],
    );
    assert.ok(!(c.diagnostics.get(u1)?.diagnostics ?? []).some((d) => d.code === 'service-type-conflict'));
  });
});

test('for the VS Code client, a fix that edits a closed file is a command that applies it unsaved; one within open files stays an edit', async () => {
  const first = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const second = listener('lb2', { type: 'LoadBalancer', ports: [9883] });
  await session(
    { 'first.yaml': first, 'second.yaml': second },
    async (e, ws, c) => {
      const u1 = ws.uri('first.yaml');
      const u2 = ws.uri('second.yaml');
      await e.openDoc(u2, second);
      await c.currentDiagnostics(u2, has('service-type-conflict'));
      const fix = (await e.actionsFor(u2, 'service-type-conflict')).find((x) => x.title.startsWith('Move'))!;
      // first.yaml is closed: no edit the client would apply as a refactoring (and save), a command instead.
      assert.equal(fix.edit, undefined);
      assert.equal(fix.command?.command, 'brokerkit.applyEditUnsaved');
      const edit = fix.command!.arguments![0] as { changes: Record<string, unknown[]> };
      assert.deepEqual(Object.keys(edit.changes).sort(), [u1, u2].sort());
      // With first.yaml open too, the fix is an ordinary edit again.
      await e.openDoc(u1, first);
      const again = (await e.actionsFor(u2, 'service-type-conflict')).find((x) => x.title.startsWith('Move'))!;
      assert.equal(again.command, undefined);
      assert.deepEqual(Object.keys(again.edit!.changes!).sort(), [u1, u2].sort());
    },
    { liveDocuments: 'brokerkit-live' },
  );
});

test("service-type-conflict with AIO's default listener: the ports go to a `default` listener with AIO's settings", async () => {
  const text = listener('extra', { type: 'ClusterIp', ports: [18884] });
  await session({}, async (e, ws, c) => {
    const u = ws.uri('ci.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('service-type-conflict'));
    const fix = (await e.actionsFor(u, 'service-type-conflict'))[0];
    assert.match(fix.title, /Add port 18884 to AIO's 'default' listener/);
    await e.apply(fix.edit!);
    const ds = await c.currentDiagnostics(u, hasNot('service-type-conflict'));
    assert.deepEqual(
      ds.filter((d) => /default-listener|port-conflict|schema/.test(String(d.code))),
      [],
    );
    const doc = parseAllDocuments(e.text(u))[0].toJS();
    assert.equal(doc.metadata.name, 'default');
    assert.equal(doc.spec.serviceName, 'aio-broker');
    assert.deepEqual(
      doc.spec.ports.map((p: { port: number }) => p.port),
      [18883, 18884],
    );
  });
});

test('service-type-conflict: moving ports merges them; a port the target has is not added twice', async () => {
  const first = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const second = listener('lb2', { type: 'LoadBalancer', ports: [8883, 9884] });
  await session({ 'first.yaml': first, 'second.yaml': second }, async (e, ws, c) => {
    const u2 = ws.uri('second.yaml');
    await e.openDoc(u2, second);
    await c.currentDiagnostics(u2, has('service-type-conflict'));
    const actions = (await e.actionsFor(u2, 'service-type-conflict')).filter((x) => !x.title.startsWith('Ignore'));
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [["Move port 9884 into listener 'lb' (first.yaml) and remove 'lb2' (8883 already there)", true]],
    );
    const u1 = ws.uri('first.yaml');
    const done = c.nextDiagnostics(u1, () => true);
    await e.apply(actions[0].edit!);
    await c.currentDiagnostics(u2, hasNot('service-type-conflict'));
    const merged = parseAllDocuments(readFileSync(ws.path('first.yaml'), 'utf8'))[0].toJS();
    assert.deepEqual(
      merged.spec.ports.map((p: { port: number }) => p.port),
      [8883, 9884],
    );
    const after = await done;
    assert.deepEqual(
      after.diagnostics.filter((d) => d.code === 'port-conflict'),
      [],
    );
  });
});

test('service-type-conflict: a port both listeners have with other settings is shown, and the user picks whose settings win', async () => {
  const first = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const custom = '  - port: 8883\n    protocol: WebSockets\n    authenticationRef: devices\n';
  const second = listener('lb2', { type: 'LoadBalancer', ports: [custom, 9885] });
  for (const choice of ['keeping', 'with'] as const) {
    await session({ 'first.yaml': first, 'second.yaml': second }, async (e, ws, c) => {
      const u1 = ws.uri('first.yaml');
      const u2 = ws.uri('second.yaml');
      await e.openDoc(u2, second);
      await c.currentDiagnostics(u2, has('service-type-conflict'));
      const actions = (await e.actionsFor(u2, 'service-type-conflict')).filter((x) => !x.title.startsWith('Ignore'));
      const head = "Move port 9885 into listener 'lb' (first.yaml) and remove 'lb2'";
      // The differences are named (leaf by leaf: the target's value / this listener's); a choice is never preferred.
      const diff = 'port 8883 (protocol: Mqtt / WebSockets; authenticationRef: default / devices; tls: (set) / (none))';
      assert.deepEqual(
        actions.map((a) => [a.title, !!a.isPreferred]),
        [
          [`${head}, keeping the settings of 'lb' for ${diff}`, false],
          [`${head}, with the settings of 'lb2' for ${diff}`, false],
        ],
      );
      await e.apply(actions.find((a) => a.title.includes(`, ${choice} the settings`))!.edit!);
      await c.currentDiagnostics(u2, hasNot('service-type-conflict'));
      await c.diagnosticsFor(u1, (p) => !p.diagnostics.some((d) => d.code === 'port-conflict'));
      const ports = parseAllDocuments(readFileSync(ws.path('first.yaml'), 'utf8'))[0].toJS().spec.ports;
      assert.deepEqual(
        ports.map((p: { port: number }) => p.port),
        [8883, 9885],
      );
      if (choice === 'keeping') assert.equal(ports[0].authenticationRef, 'default');
      else assert.deepEqual(ports[0], { port: 8883, protocol: 'WebSockets', authenticationRef: 'devices' });
    });
  }
});

test("service-type-conflict with AIO's default listener: a port AIO's listener has already is not added again", async () => {
  const text = listener('extra', { type: 'ClusterIp', ports: [18884, 18883] });
  await session({}, async (e, ws, c) => {
    const u = ws.uri('ci.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('service-type-conflict'));
    const fix = (await e.actionsFor(u, 'service-type-conflict'))[0];
    assert.match(fix.title, /^Add port 18884 to AIO's 'default' listener .*; AIO's settings stay for port 18883 \(/);
    assert.ok(!fix.isPreferred);
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, hasNot('service-type-conflict'));
    const doc = parseAllDocuments(e.text(u))[0].toJS();
    assert.deepEqual(
      doc.spec.ports.map((p: { port: number }) => p.port),
      [18883, 18884],
    );
  });
});

test('insecure-port: add automatic TLS from the AIO default issuer', async () => {
  const text = HEAD(
    'lb',
    '  serviceType: LoadBalancer\n  ports:\n  - port: 1883\n    protocol: Mqtt\n  - port: 1884\n    protocol: Mqtt\n    tls:\n',
  );
  await session({}, async (e, ws, c) => {
    const u = ws.uri('p.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, (ds) => ds.filter((d) => d.code === 'insecure-port').length === 2);
    for (let i = 0; i < 2; i++) {
      const fix = (await e.actionsFor(u, 'insecure-port')).find((x) => x.title.startsWith('Add automatic TLS'))!;
      assert.equal(fix.title, 'Add automatic TLS (issuer azure-iot-operations-aio-certificate-issuer)');
      await e.apply(fix.edit!);
      await c.currentDiagnostics(u);
    }
    await c.currentDiagnostics(u, hasNot('insecure-port'));
    const doc = parseAllDocuments(e.text(u))[0].toJS();
    for (const p of doc.spec.ports) {
      assert.equal(p.tls.mode, 'Automatic');
      assert.deepEqual(p.tls.certManagerCertificateSpec.issuerRef, {
        name: 'azure-iot-operations-aio-certificate-issuer',
        kind: 'ClusterIssuer',
        group: 'cert-manager.io',
      });
    }
    assert.deepEqual(
      (await c.currentDiagnostics(u)).filter((d) => d.code === 'schema' || d.code === 'yaml-syntax'),
      [],
    );
  });
});

test('workload-identity-label: move the label from the Job to its pod template', async () => {
  const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: sc-job-example
  namespace: default
  labels:
    azure.workload.identity/use: "true"
spec:
  template:
    spec:
      serviceAccountName: sc-account-0f2d
      containers:
      - name: app
        image: busybox
      restartPolicy: Never
`;
  await session({}, async (e, ws, c) => {
    const u = ws.uri('job.yaml');
    await e.openDoc(u, job);
    await c.currentDiagnostics(u, has('workload-identity-label'));
    const fix = (await e.actionsFor(u, 'workload-identity-label')).find((x) => x.title.startsWith('Move'))!;
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, hasNot('workload-identity-label'));
    const doc = parseAllDocuments(e.text(u))[0].toJS();
    assert.equal(doc.metadata.labels, undefined);
    assert.deepEqual(doc.spec.template.metadata.labels, { 'azure.workload.identity/use': 'true' });
  });
});

test('issuer-not-found: create the issuer (self-signed bootstrap + CA issuer) in a new file, or appended', async () => {
  const text = HEAD(
    'lb',
    `  serviceType: LoadBalancer
  ports:
  - port: 8884
    authenticationRef: default
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: my-issuer
          kind: Issuer
          group: cert-manager.io
`,
  );
  await session({}, async (e, ws, c) => {
    const u = ws.uri('l.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('issuer-not-found'));
    const actions = await e.actionsFor(u, 'issuer-not-found');
    const create = actions.find((x) => x.title.includes('in issuer-my-issuer.yaml'))!;
    assert.ok(create, actions.map((x) => x.title).join(' | '));
    assert.ok(actions.some((x) => x.title.endsWith('at the end of this file')));
    await e.apply(create.edit!);
    await c.currentDiagnostics(u, hasNot('issuer-not-found'));
    const docs = parseAllDocuments(readFileSync(ws.path('issuer-my-issuer.yaml'), 'utf8')).map((d) => d.toJS());
    assert.deepEqual(
      docs.map((d) => `${d.kind}/${d.metadata.name}`),
      ['Issuer/selfsigned-ca-issuer', 'Certificate/selfsigned-ca-cert', 'Issuer/my-issuer'],
    );
    assert.equal(docs[1].spec.isCA, true);
    assert.equal(docs[1].spec.secretName, 'test-ca');
    assert.deepEqual(docs[2].spec, { ca: { secretName: 'test-ca' } });
    for (const d of docs) assert.equal(d.metadata.namespace, 'azure-iot-operations');
    // The new file has no errors of its own.
    const uNew = ws.uri('issuer-my-issuer.yaml');
    await e.openDoc(uNew, readFileSync(ws.path('issuer-my-issuer.yaml'), 'utf8'));
    assert.deepEqual(
      (await c.currentDiagnostics(uNew)).filter((d) => d.severity === 1),
      [],
    );
    await c.close(uNew);
    e.open.delete(uNew);

    // Appended variant, for a second missing issuer.
    const again = e.text(u).replace('name: my-issuer', 'name: other-issuer');
    await e.setText(u, again);
    await c.currentDiagnostics(u, has('issuer-not-found'));
    const append = (await e.actionsFor(u, 'issuer-not-found')).find((x) =>
      x.title.endsWith('at the end of this file'),
    )!;
    await e.apply(append.edit!);
    await c.currentDiagnostics(u, hasNot('issuer-not-found'));
    const all = parseAllDocuments(e.text(u)).map((d) => d.toJS());
    // The bootstrap issuer and CA certificate exist already (in the new file): only the CA issuer is added.
    assert.deepEqual(
      all.map((d) => `${d.kind}/${d.metadata.name}`),
      ['BrokerListener/lb', 'Issuer/other-issuer'],
    );
  });
});

test('duration-invalid: 90d -> 2160h', async () => {
  const text = HEAD(
    'lb',
    `  serviceType: LoadBalancer
  ports:
  - port: 8886
    authenticationRef: default
    tls:
      mode: Automatic
      certManagerCertificateSpec:
        issuerRef:
          name: azure-iot-operations-aio-certificate-issuer
          kind: ClusterIssuer
          group: cert-manager.io
        duration: 90d
`,
  );
  await session({}, async (e, ws, c) => {
    const u = ws.uri('d.yaml');
    await e.openDoc(u, text);
    await c.currentDiagnostics(u, has('duration-invalid'));
    const fix = (await e.actionsFor(u, 'duration-invalid')).find((x) => x.title.startsWith('Replace'))!;
    assert.equal(fix.title, "Replace with '2160h'");
    await e.apply(fix.edit!);
    await c.currentDiagnostics(u, hasNot('duration-invalid'));
    assert.match(e.text(u), /duration: 2160h/);
  });
});

test('port-conflict: the other end can take the next free port instead, in its own (closed) file', async () => {
  const a = listener('lb', { type: 'LoadBalancer', ports: [8883] });
  const b = listener('np', { type: 'NodePort', ports: [8883, 8884] });
  await session({ 'a.yaml': a, 'b.yaml': b }, async (e, ws, c) => {
    const ua = ws.uri('a.yaml');
    await e.openDoc(ua, a);
    await c.currentDiagnostics(ua, has('port-conflict'));
    const actions = await e.actionsFor(ua, 'port-conflict');
    const other = actions.find((x) => /instead$/.test(x.title))!;
    assert.match(
      other.title,
      /^Use the next free port 8885 for port 8883 of BrokerListener 'np' \(in b\.yaml\) instead$/,
    );
    assert.notEqual(other.isPreferred, true);
    const clearedA = c.nextDiagnostics(ua, (p) => hasNot('port-conflict')(p.diagnostics));
    await e.apply(other.edit!);
    assert.match(readFileSync(ws.path('b.yaml'), 'utf8'), /port: 8885/);
    assert.equal(e.text(ua), a);
    await clearedA;
  });
});

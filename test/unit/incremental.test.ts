// The workspace rules keep their findings and run again only where something changed (rule.ts `partition`). This
// proves it gives exactly what running every rule over everything gives: random workspaces of interlocking objects in
// a few namespaces (clashing ports and node ports, references that resolve or not, issuers and secrets of one name
// in several namespaces, cluster-scoped issuers, cluster facts), edited step by step, compared after every step with
// a fresh workspace that runs every rule over the whole index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CORPUS, yamlFiles } from '../helpers/corpus';
import { Workspace } from '../../server/src/engine/workspace';
import { rng } from '../helpers/rng';
import { resplit, splitDocuments } from '../../server/src/engine/parse';
import type { Facts, FactObject, Finding } from '../../server/src/engine';

const NAMESPACES = ['azure-iot-operations', 'team-a', 'team-b'];

class Gen {
  constructor(readonly r: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  ns(): string {
    return this.chance(0.2) ? '' : `  namespace: ${this.pick(NAMESPACES)}\n`;
  }

  port(): string {
    const tls = this.pick([
      '',
      '    tls:\n      mode: Automatic\n      certManagerCertificateSpec:\n        issuerRef:\n          name: ' +
        this.pick(['ca-issuer', 'azure-iot-operations-aio-certificate-issuer', 'shared-issuer', 'missing']) +
        '\n          kind: ' +
        this.pick(['Issuer', 'ClusterIssuer']) +
        '\n          group: cert-manager.io\n' +
        (this.chance(0.5) ? '        secretName: ' + this.pick(['srv-cert', 'other-cert']) + '\n' : ''),
      '    tls:\n      mode: Manual\n      manual:\n        secretRef: ' +
        this.pick(['tls-secret', 'srv-cert', 'nowhere']) +
        '\n',
    ]);
    const auth = this.chance(0.6)
      ? `    authenticationRef: ${this.pick(['default', 'authn', 'authx', 'x509-authn'])}\n`
      : '';
    const authz = this.chance(0.3) ? `    authorizationRef: ${this.pick(['authz', 'nope'])}\n` : '';
    const np = this.chance(0.4) ? `    nodePort: ${this.pick([30883, 30884, 31000, 18883])}\n` : '';
    return `  - port: ${this.pick([1883, 8883, 8884, 18883])}\n    protocol: ${this.pick(['Mqtt', 'WebSockets'])}\n${auth}${authz}${np}${tls}`;
  }

  doc(): string {
    const name = this.pick(['l1', 'l2', 'l3', 'default', 'external', 'nodeport', 'mqtt']);
    switch (Math.floor(this.r() * 12)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const ports = Array.from({ length: 1 + Math.floor(this.r() * 3) }, () => this.port()).join('');
        const svcName = this.chance(0.3) ? `  serviceName: ${this.pick(['aio-broker', 'mqtt', 'mqtt-ext'])}\n` : '';
        return `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: ${name}\n${this.ns()}spec:\n  brokerRef: ${this.pick(['default', 'default', 'other'])}\n  serviceType: ${this.pick(['LoadBalancer', 'NodePort', 'ClusterIp'])}\n${svcName}  ports:\n${ports}`;
      }
      case 4:
        return `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerAuthentication\nmetadata:\n  name: ${this.pick(['authn', 'x509-authn', 'default'])}\n${this.ns()}spec:\n  authenticationMethods:\n  - method: ${this.pick(['X509', 'ServiceAccountToken'])}\n    serviceAccountTokenSettings:\n      audiences: [aio-internal]\n`;
      case 5:
        return `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerAuthorization\nmetadata:\n  name: authz\n${this.ns()}spec:\n  authorizationPolicies:\n    rules:\n    - principals:\n        usernames: [a]\n      brokerResources:\n      - method: Connect\n`;
      case 6:
        return `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: ${this.pick(['ca-issuer', 'shared-issuer'])}\n${this.ns()}spec:\n  ca:\n    secretName: root-ca\n`;
      case 7:
        return `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: ${this.pick(['shared-issuer', 'ca-issuer', 'cluster-ca'])}\nspec:\n  selfSigned: {}\n`;
      case 8:
        return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${this.pick(['tls-secret', 'srv-cert', 'nowher'])}\n${this.ns()}type: kubernetes.io/tls\ndata:\n  tls.crt: ""\n  tls.key: ""\n`;
      case 9:
        return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${this.pick(['mqtt', 'mqtt-ext', 'web'])}\n${this.ns()}spec:\n  type: ${this.pick(['NodePort', 'LoadBalancer', 'ClusterIP'])}\n  ports:\n  - port: 80\n    nodePort: ${this.pick([30883, 30884, 31000])}\n`;
      case 10:
        return `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: cert\n${this.ns()}spec:\n  secretName: ${this.pick(['srv-cert', 'other-cert'])}\n  issuerRef:\n    name: ${this.pick(['ca-issuer', 'shared-issuer'])}\n    kind: ${this.pick(['Issuer', 'ClusterIssuer'])}\n`;
      default:
        return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n${this.ns()}${this.chance(0.3) ? '  labels:\n    azure.workload.identity/use: "true"\n' : ''}spec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: "${this.pick(['true', 'false'])}"\n    spec:\n      serviceAccountName: ${this.pick(['sc-account', 'plain'])}\n      containers:\n      - name: c\n        image: x\n`;
    }
  }

  facts(): Facts {
    const objects: FactObject[] = [];
    for (let i = 0; i < 4; i++) {
      const ns = this.pick(NAMESPACES);
      objects.push(
        this.pick<FactObject>([
          {
            apiVersion: 'cert-manager.io/v1',
            kind: 'Issuer',
            metadata: { name: 'ca-issuer', namespace: ns },
            status: { conditions: [{ type: 'Ready', status: this.pick(['True', 'False']) }] },
          },
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'tls-secret', namespace: ns },
            type: 'kubernetes.io/tls',
          },
          {
            apiVersion: 'mqttbroker.iotoperations.azure.com/v1',
            kind: 'BrokerAuthentication',
            metadata: { name: 'authx', namespace: ns },
            spec: { authenticationMethods: [{ method: 'X509' }] },
          },
          {
            apiVersion: 'mqttbroker.iotoperations.azure.com/v1',
            kind: 'BrokerListener',
            metadata: { name: 'live', namespace: ns },
            spec: { brokerRef: 'default', serviceType: 'NodePort', ports: [{ port: 8883, nodePort: 30883 }] },
          },
        ]),
      );
    }
    return { objects, source: 'test', complete: this.chance(0.3) };
  }
}

/** Kustomizations over the files f0-f3: two overlays sharing f1, sometimes one pulling in the other's folder. */
function kustomizations(g: Gen): [string, string][] {
  const out: [string, string][] = [
    [
      'file:///ws/app/kustomization.yaml',
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../f0.yaml\n- ../f1.yaml\n`,
    ],
    [
      'file:///ws/other/kustomization.yaml',
      `resources:\n- ../f1.yaml\n- ../f2.yaml\n${g.chance(0.5) ? 'patches:\n- path: ../f3.yaml\n' : ''}`,
    ],
  ];
  if (g.chance(0.3))
    out.push(['file:///ws/top/kustomization.yaml', 'resources:\n- ../app\n- https://github.com/example/remote\n']);
  return out;
}

/**
 * Sets a file's new text as one edit of its old one (the span between their common beginning and ending), through
 * Workspace.editFile; false when the engine declines it (the caller sets the whole text). The file's text, joined from
 * its documents, must then be the new text.
 */
const asEdits = { taken: 0, declined: 0 };
function asEdit(ws: Workspace, uri: string, next: string): boolean {
  const old = ws.getFile(uri)?.text;
  if (old === undefined || old === next) return false;
  let a = 0;
  while (a < old.length && a < next.length && old[a] === next[a]) a++;
  let b = 0;
  while (b < old.length - a && b < next.length - a && old[old.length - 1 - b] === next[next.length - 1 - b]) b++;
  if (!ws.editFile(uri, a, old.length - b, next.slice(a, next.length - b))) {
    asEdits.declined++;
    return false;
  }
  asEdits.taken++;
  const f = ws.getFile(uri)!;
  assert.equal(f.text, next);
  // The documents are the ones a split of the whole new text gives, where it gives them.
  assert.deepEqual(
    f.chunks.map((c) => [c.startOffset, c.startLine, c.parse.text]),
    splitDocuments(next).map((x) => [x.startOffset, x.startLine, x.text]),
  );
  return true;
}

/** A file's documents, edited in place. */
type Files = Map<string, string[]>;

function edit(g: Gen, files: Files, pool: string[]): string {
  const uris = [...files.keys()];
  const uri = g.pick(uris);
  const docs = files.get(uri)!;
  const i = Math.floor(g.r() * Math.max(1, docs.length));
  switch (Math.floor(g.r() * 15)) {
    case 13:
    case 14: {
      // A raw edit of the file's text anywhere (separators included): the file becomes that one text.
      const t = text(docs);
      const at = Math.floor(g.r() * (t.length + 1));
      const edited =
        t.slice(0, at) +
        g.pick(['', 'x', '\n', '---\n', '- ', ':']) +
        t.slice(Math.min(t.length, at + Math.floor(g.r() * 4)));
      files.set(uri, [edited]);
      return `raw edit of ${uri} at ${at}`;
    }
    case 10: {
      const j = Math.floor(g.r() * docs.length);
      if (docs.length > 1) [docs[i], docs[j]] = [docs[j], docs[i]];
      return `swap two documents of ${uri}`;
    }
    case 11:
      if (docs.length) docs.splice(i, 0, docs[i]);
      return `duplicate a document of ${uri}`;
    case 12:
      if (docs.length) docs[i] = `\n\n${docs[i]}`;
      return `blank lines in ${uri}`;
    case 0:
      docs.splice(i, 0, g.chance(0.3) && pool.length ? g.pick(pool) : g.doc());
      return `insert into ${uri}`;
    case 1:
      if (docs.length) docs.splice(i, 1);
      return `delete a document of ${uri}`;
    case 2:
      files.set(`file:///ws/new-${Math.floor(g.r() * 1e6)}.yaml`, [g.doc(), g.doc()]);
      return 'new file';
    case 3:
      if (uris.length > 2) {
        files.delete(uri);
        return `delete ${uri}`;
      }
      return 'nothing';
    case 4:
      if (docs.length) docs[i] = docs[i].replace(/namespace: [\w-]+/, `namespace: ${g.pick(NAMESPACES)}`);
      return `move a document of ${uri} to another namespace`;
    case 5:
      if (docs.length) docs[i] = docs[i].replace(/port: \d+/, `port: ${g.pick([1883, 8883, 8884, 18883])}`);
      return `change a port in ${uri}`;
    case 6:
      if (docs.length)
        docs[i] = docs[i].replace(
          /name: [\w-]+/,
          `name: ${g.pick(['l1', 'l2', 'ca-issuer', 'authn', 'tls-secret', 'shared-issuer', 'mqtt', 'mqtt-ext'])}`,
        );
      return `rename in ${uri}`;
    case 7:
      if (docs.length) docs[i] = `# a comment moves everything below\n${docs[i]}`;
      return `comment in ${uri}`;
    case 8:
      if (docs.length) docs[i] = docs[i].replace(/nodePort: \d+/, `nodePort: ${g.pick([30883, 30884, 31000])}`);
      return `change a node port in ${uri}`;
    default:
      docs[i] = g.doc();
      return `replace a document of ${uri}`;
  }
}

function text(docs: string[]): string {
  return docs.join('---\n');
}

/** Findings as comparable strings (order of equal-place findings is not part of the contract). */
function canon(results: Map<string, Finding[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [uri, list] of [...results].sort(([a], [b]) => a.localeCompare(b)))
    out[uri] = list.map((f) => JSON.stringify(f)).sort();
  return out;
}

function reference(
  files: Files,
  facts: Facts | undefined,
  now: Date,
  mode: 'folder' | 'workspace' = 'folder',
): Map<string, Finding[]> {
  const ws = new Workspace({ now: () => now, deployments: mode });
  ws.incremental = false;
  ws.setFacts(facts);
  for (const [uri, docs] of files) ws.setFile(uri, text(docs));
  return ws.validate();
}

/** Documents of the examples and the real-world corpus. */
function poolDocs(): string[] {
  const out: string[] = [];
  for (const p of [...yamlFiles('examples'), ...yamlFiles(CORPUS)]) {
    if (p.endsWith('kustomization.yaml')) continue;
    for (const doc of readFileSync(p, 'utf8').split(/^---\s*$/m))
      if (/\bkind:/.test(doc)) out.push(doc.replace(/^\n+/, ''));
  }
  return out;
}

test('incremental workspace rules equal a full run after every edit (random workspaces, 30 seeds x 50 edits)', () => {
  const pool = poolDocs();
  let compared = 0,
    withFindings = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const g = new Gen(rng(seed));
    const files: Files = new Map();
    for (let f = 0; f < 4; f++)
      files.set(
        `file:///ws/f${f}.yaml`,
        Array.from({ length: 3 + Math.floor(g.r() * 6) }, () =>
          g.chance(0.15) && pool.length ? g.pick(pool) : g.doc(),
        ),
      );
    // Half the workspaces are split into deployments by kustomizations (f1 is in two of them, like a shared base).
    if (seed % 2 === 0) for (const [uri, text] of kustomizations(g)) files.set(uri, [text]);
    let facts: Facts | undefined = g.chance(0.5) ? g.facts() : undefined;
    let now = new Date('2026-11-23T12:00:00Z');
    const ws = new Workspace({ now: () => now });
    ws.setFacts(facts);
    for (const [uri, docs] of files) ws.setFile(uri, text(docs));
    const log: string[] = [];
    for (let step = 0; step <= 50; step++) {
      if (step > 0) {
        const what = g.chance(0.05) ? 'facts' : g.chance(0.03) ? 'clock' : g.chance(0.04) ? 'kustomize' : 'edit';
        if (what === 'kustomize') {
          for (const uri of [...files.keys()]) if (uri.endsWith('kustomization.yaml')) files.delete(uri);
          if (g.chance(0.7)) for (const [uri, text] of kustomizations(g)) files.set(uri, [text]);
          for (const uri of ws.uris()) if (!files.has(uri)) ws.deleteFile(uri);
          for (const [uri, docs] of files) ws.setFile(uri, text(docs));
          log.push('other kustomizations');
        } else if (what === 'facts') {
          facts = g.chance(0.3) ? undefined : g.facts();
          ws.setFacts(facts);
          log.push('new cluster facts');
        } else if (what === 'clock') {
          now = new Date(now.getTime() + 400 * 86400_000);
          log.push('a year later');
        } else {
          log.push(edit(g, files, pool));
          for (const uri of ws.uris()) if (!files.has(uri)) ws.deleteFile(uri);
          // Half the time as the language server hands a keystroke over: the edit alone (editFile), where it can.
          for (const [uri, docs] of files)
            if (!(g.chance(0.5) && asEdit(ws, uri, text(docs)))) ws.setFile(uri, text(docs));
        }
      }
      const got = canon(ws.validate());
      const want = canon(reference(files, facts, now));
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const uris = new Set([...Object.keys(got), ...Object.keys(want)]);
        const diff: string[] = [];
        for (const u of uris) {
          const g1 = got[u] ?? [],
            w1 = want[u] ?? [];
          for (const x of g1) if (!w1.includes(x)) diff.push(`+ incremental only: ${x}`);
          for (const x of w1) if (!g1.includes(x)) diff.push(`- full run only: ${x}`);
        }
        if (process.env.DUMP)
          for (const [u, d] of files)
            process.stderr.write(
              `=== ${u}\n${text(d)
                .split('\n')
                .map((l, i) => `${i}: ${l}`)
                .join('\n')}\n`,
            );
        assert.fail(`seed ${seed}, step ${step}, after: ${log.slice(-3).join('; ')}\n${diff.join('\n')}`);
      }
      compared++;
      if (Object.values(want).some((l) => l.length)) withFindings++;
    }
  }
  // The comparison means something only if the workspaces produce findings.
  assert.ok(withFindings > compared * 0.9, `${withFindings} of ${compared} states had findings`);
  // ... and if most edits offered as edits were taken as such (the others: braces, control characters).
  assert.ok(asEdits.taken > asEdits.declined, `edits taken ${asEdits.taken}, declined ${asEdits.declined}`);
});

test('after a one-document edit only that namespace is re-checked: the other namespaces keep their very findings', () => {
  const listener = (ns: string, port: number) =>
    `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: l\n  namespace: ${ns}\nspec:\n  serviceType: NodePort\n  ports:\n  - port: ${port}\n    authenticationRef: missing-${ns}\n`;
  const ws = new Workspace();
  ws.setFile('file:///ws/a.yaml', listener('team-a', 8883));
  ws.setFile('file:///ws/b.yaml', listener('team-b', 8883));
  const first = ws.validate();
  const a0 = first.get('file:///ws/a.yaml')!.find((f) => f.code === 'authentication-not-found')!;
  const b0 = first.get('file:///ws/b.yaml')!.find((f) => f.code === 'authentication-not-found')!;
  ws.setFile('file:///ws/a.yaml', listener('team-a', 8884));
  const second = ws.validate();
  // team-b was not touched: the same Finding object; team-a was re-checked: a new one.
  assert.equal(
    second.get('file:///ws/b.yaml')!.find((f) => f.code === 'authentication-not-found'),
    b0,
  );
  assert.notEqual(
    second.get('file:///ws/a.yaml')!.find((f) => f.code === 'authentication-not-found'),
    a0,
  );
});

test('node-port-conflict runs again only for edits that can change it, and then equals a full run', () => {
  const listener = (name: string, type: string, extra = '') =>
    `apiVersion: mqttbroker.iotoperations.azure.com/v1\nkind: BrokerListener\nmetadata:\n  name: ${name}\n  namespace: team-a\nspec:\n  serviceType: ${type}\n${extra}  ports:\n  - port: 8883\n${type === 'NodePort' ? '    nodePort: 30883\n' : ''}`;
  const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: mqtt\n  namespace: team-a\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30883\n`;
  const files: Files = new Map([
    ['file:///ws/a.yaml', [listener('a', 'NodePort'), service]],
    ['file:///ws/b.yaml', [listener('b', 'LoadBalancer'), listener('c', 'LoadBalancer')]],
  ]);
  const now = new Date('2026-11-23T12:00:00Z');
  // Both files applied together (two files that each give the broker its NodePort listener are otherwise alternatives).
  const ws = new Workspace({ now: () => now, deployments: 'workspace' });
  const conflicts = () => {
    for (const [uri, docs] of files) ws.setFile(uri, text(docs));
    const got = ws.validate();
    assert.deepEqual(canon(got), canon(reference(files, undefined, now, 'workspace')));
    return [...got.values()].flat().filter((f) => f.code === 'node-port-conflict');
  };
  const first = conflicts();
  assert.equal(first.length, 1, 'listener a and Service mqtt claim node port 30883');
  // A LoadBalancer listener without node ports renamed: the rule's finding is the very same object (not re-run).
  files.get('file:///ws/b.yaml')![1] = listener('d', 'LoadBalancer');
  assert.equal(conflicts()[0], first[0]);
  // Renamed to the Service's name: Service mqtt is that listener's own Service now, no second claim.
  files.get('file:///ws/b.yaml')![0] = listener('mqtt', 'LoadBalancer');
  assert.equal(conflicts().length, 0);
  files.get('file:///ws/b.yaml')![0] = listener('b', 'LoadBalancer');
  assert.equal(conflicts().length, 1);
  // The same through serviceName.
  files.get('file:///ws/b.yaml')![0] = listener('b', 'LoadBalancer', '  serviceName: mqtt\n');
  assert.equal(conflicts().length, 0);
  // A listener that becomes a NodePort one claims its node port (both listeners are told).
  files.get('file:///ws/b.yaml')![0] = listener('b', 'NodePort');
  assert.equal(conflicts().length, 2);
});

test('splitting only the edited region gives exactly what splitting the whole text gives (random texts and edits)', () => {
  const g = new Gen(rng(7));
  const pieces = [
    '---\n',
    '--- # doc\n',
    '---',
    '...\n',
    '...',
    'a: 1\n',
    'b: [x, y]\n',
    '# c\n',
    '\n',
    '  - z\n',
    'kind: X\n',
    '----\n',
    '..\n',
    ' ---\n',
    '---x\n',
  ];
  const snippets = ['-', '.', '\n', '---\n', '...\n', 'x', ' ', '\n---\n', 'k: v\n'];
  let checked = 0,
    answered = 0;
  for (let round = 0; round < 3000; round++) {
    let text = Array.from({ length: Math.floor(g.r() * 14) }, () => g.pick(pieces)).join('');
    let chunks = splitDocuments(text).map((x) => ({
      startLine: x.startLine,
      startOffset: x.startOffset,
      parse: { text: x.text },
    }));
    for (let step = 0; step < 6; step++) {
      const at = Math.floor(g.r() * (text.length + 1));
      const cut = g.chance(0.5) ? Math.floor(g.r() * 6) : 0;
      const next =
        text.slice(0, at) + (g.chance(0.7) ? g.pick(snippets) : '') + text.slice(Math.min(text.length, at + cut));
      if (next === text) continue;
      const want = splitDocuments(next);
      const r = resplit(text, chunks, next);
      // (No answer: one of the texts is empty, and the caller splits the whole text.)
      const got = !r
        ? want
        : [
            ...chunks
              .slice(0, r.from)
              .map((c) => ({ text: c.parse.text, startLine: c.startLine, startOffset: c.startOffset })),
            ...r.splits,
            ...chunks.slice(r.to).map((c) => ({
              text: c.parse.text,
              startLine: c.startLine + r.lineDelta,
              startOffset: c.startOffset + r.offsetDelta,
            })),
          ];
      assert.deepEqual(got, want, `old ${JSON.stringify(text)} -> new ${JSON.stringify(next)}`);
      checked++;
      if (r) answered++;
      text = next;
      chunks = got.map((x) => ({ startLine: x.startLine, startOffset: x.startOffset, parse: { text: x.text } }));
    }
  }
  assert.ok(checked > 10000 && answered > checked * 0.9, `${answered} of ${checked} edits answered`);
});

test('an edit handed over alone (Workspace.editFile) gives the documents a split of the whole new text gives', () => {
  const g = new Gen(rng(11));
  const pieces = [
    '---\n',
    '--- # doc\n',
    '...\n',
    'a: 1\n',
    '# c\n',
    '\n',
    '  - z\n',
    '----\n',
    ' ---\n',
    '---\r\n',
    'b: 2\r\n',
  ];
  const snippets = ['-', '.', '\n', '---\n', '...\n', 'x', ' ', '\n---\n', 'k: v\n', '\r\n', '{', '\u0000', ''];
  let taken = 0;
  for (let round = 0; round < 400; round++) {
    const ws = new Workspace();
    const uri = 'file:///ws/f.yaml';
    let text = Array.from({ length: 1 + Math.floor(g.r() * 12) }, () => g.pick(pieces)).join('');
    ws.setFile(uri, text);
    for (let step = 0; step < 8; step++) {
      const at = Math.floor(g.r() * (text.length + 1));
      const end = Math.min(text.length, at + (g.chance(0.5) ? Math.floor(g.r() * 6) : 0));
      const insert = g.chance(0.8) ? g.pick(snippets) : '';
      const next = text.slice(0, at) + insert + text.slice(end);
      const f = ws.editFile(uri, at, end, insert) ?? ws.setFile(uri, next);
      if (ws.getFile(uri) !== f) assert.fail('the state returned is the one held');
      // Whether the file is checked at all (a NUL makes it binary) is judged as on its whole text.
      const fresh = new Workspace();
      fresh.setFile(uri, next);
      assert.equal(f.skipped, fresh.getFile(uri)!.skipped, JSON.stringify(next));
      assert.deepEqual(
        f.chunks.map((c) => [c.startOffset, c.startLine, c.parse.text]),
        (f.skipped ? [] : splitDocuments(next)).map((x) => [x.startOffset, x.startLine, x.text]),
        `old ${JSON.stringify(text)} -> new ${JSON.stringify(next)}`,
      );
      assert.equal(f.text, next);
      text = next;
      taken++;
    }
  }
  assert.ok(taken > 3000);
});

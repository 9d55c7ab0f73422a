// "Compare with Workspace File" prints the live object in the workspace file's style (server/src/lsp/live-style.ts):
// an unchanged object gives the file's very text (an empty diff), whatever the file's indentation, list indentation,
// key order, flow maps and comments; the API server's own fields never show; a real change shows as that change only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { styleLike } from '../../server/src/lsp/live-style';

/** The object as the API server returns it after `kubectl apply`: its own fields added, keys in another order. */
function asServed(o: Record<string, any>): Record<string, any> {
  const { apiVersion, kind, metadata, spec, ...rest } = o;
  return {
    kind,
    apiVersion,
    ...(spec ? { spec: reorder(spec) } : {}),
    metadata: {
      uid: '3d9a7c1e-0000-4000-8000-000000000001',
      resourceVersion: '4242',
      generation: 3,
      creationTimestamp: '2025-01-15T10:00:00Z',
      managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(o) },
      ...metadata,
    },
    status: { runtimeStatus: { status: 'Running' } },
    ...rest,
  };
}
/** Keys in reverse order, recursively (the server keeps its own order). */
function reorder(v: any): any {
  if (Array.isArray(v)) return v.map(reorder);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reorder(x)]),
    );
  return v;
}

const lineDiff = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  return x.flatMap((l, i) => (l === y[i] ? [] : [`-${l}`, `+${y[i]}`]));
};

test('the demo listeners, unchanged in the cluster, print as their files exactly (empty diff)', () => {
  for (const f of ['examples/demo/listener-external.yaml', 'examples/demo/listener-nodeport.yaml']) {
    const text = readFileSync(f, 'utf8');
    const out = styleLike(text, asServed(parse(text)));
    assert.equal(out.matched, true);
    assert.equal(out.text, text, f);
  }
});

const FOUR = `# prod listener
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerListener
metadata:
    name: external
    namespace: azure-iot-operations
spec:
    serviceType: LoadBalancer   # one per broker
    ports:
    - port: 8883
      authenticationRef: "devices"
      tls: {mode: Automatic, certManagerCertificateSpec: {issuerRef: {name: ca, kind: Issuer}}}
    - port: 1883
---
apiVersion: v1
kind: Secret
metadata: {name: other}
`;

test('another style (4 spaces, list items at their key, flow maps, quotes, comments, several documents) is kept', () => {
  const mine = parseAllDocuments(FOUR)[0].toJS();
  assert.equal(styleLike(FOUR, asServed(mine)).text, FOUR);
  // A port changed in the cluster: only that line differs, in the file's style.
  const changed = structuredClone(mine);
  changed.spec.ports[1].port = 1884;
  const out = styleLike(FOUR, asServed(changed)).text;
  assert.deepEqual(lineDiff(FOUR, out), ['-    - port: 1883', '+    - port: 1884']);
  // A field only the cluster has is added in the file's style; what the server manages never shows.
  const more = structuredClone(mine);
  more.spec.brokerRef = 'default';
  const withRef = styleLike(FOUR, asServed(more)).text;
  assert.match(withRef, /\n {4}brokerRef: default\n---\n/);
  assert.doesNotMatch(withRef, /managedFields|resourceVersion|uid:|creationTimestamp|generation|status:|last-applied/);
  assert.ok(withRef.endsWith('metadata: {name: other}\n'));
});

test('a file that leaves the namespace to the default is compared without it; a file without the object gets it alone', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n';
  assert.equal(
    styleLike(text, asServed({ ...parse(text), metadata: { name: 'c', namespace: 'azure-iot-operations' } })).text,
    text,
  );
  const other = styleLike('kind: Secret\nmetadata:\n  name: x\n', asServed(parse(text)));
  assert.equal(other.matched, false);
  assert.match(other.text, /^kind: ConfigMap\napiVersion: v1\nmetadata:\n {2}name: c\ndata:\n {2}a: "1"\n$/);
});

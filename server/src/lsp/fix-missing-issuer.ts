// issuer-not-found: create the issuer the way the how-to bootstraps one: a self-signed Issuer
// `selfsigned-ca-issuer`, a CA Certificate `selfsigned-ca-cert` (isCA, commonName/secretName `test-ca`, ECDSA 256,
// rotationPolicy Always) and the CA issuer itself with `ca.secretName: test-ca` — in a new file beside this one
// (when the client can create files) or appended to this file. A close existing name is offered too.
// For a ClusterIssuer the CA secret must be in cert-manager's cluster resource namespace (`cert-manager`, where
// AIO's cert-manager runs). data (issuer-not-found.ts): { kind, name, namespace?, group, didYouMean? }.
import type { CodeAction } from 'vscode-languageserver';
import { CERT_MANAGER_GROUP, rangeOf } from '../engine';
import type { Fix, FixContext } from './fix-util';
import { action, dataOf, quickFix } from './fix-util';
import { yamlBlock } from './yaml-edit';

const BOOTSTRAP = 'selfsigned-ca-issuer';
const CA_CERT = 'selfsigned-ca-cert';
const CA_SECRET = 'test-ca';
const CLUSTER_RESOURCE_NAMESPACE = 'cert-manager';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'issuer-not-found') return undefined;
  const d = dataOf(f);
  const kind = d.kind === 'ClusterIssuer' ? 'ClusterIssuer' : d.kind === 'Issuer' ? 'Issuer' : undefined;
  if (!kind || typeof d.name !== 'string' || !d.name) return undefined;
  const namespace =
    kind === 'Issuer' ? (typeof d.namespace === 'string' ? d.namespace : f.ctx.settings.defaultNamespace) : '';
  const out: CodeAction[] = [];
  if (typeof d.didYouMean === 'string') {
    out.push(
      quickFix(`Use '${d.didYouMean}'`, f, { [f.uri]: [{ range: f.finding.range, newText: d.didYouMean }] }, true),
    );
  }
  const docs = issuerDocuments(f, kind, d.name, namespace);
  const text = docs.map((o) => yamlBlock(o, 0)).join('\n---\n') + '\n';
  const header =
    '# Development CA bootstrapped with cert-manager (quickstart only: use a CA you trust in production).\n';
  const what = `${kind} '${d.name}' (self-signed CA bootstrap)`;
  if (f.canCreateFiles) {
    const uri = newFileUri(f, d.name);
    out.push(
      action(`Create ${what} in ${decodeURIComponent(uri.replace(/^.*\//, ''))}`, f, {
        documentChanges: [
          { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
          {
            textDocument: { uri, version: null },
            edits: [
              { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: header + text },
            ],
          },
        ],
      }),
    );
  }
  const end = f.file.text.length;
  const lastChunk = f.file.chunks[f.file.chunks.length - 1];
  const at = lastChunk
    ? rangeOf(lastChunk, lastChunk.parse.text.length, lastChunk.parse.text.length).end
    : { line: 0, character: 0 };
  const sep = end === 0 ? '' : f.file.text.endsWith('\n') ? '---\n' : '\n---\n';
  out.push(
    quickFix(`Create ${what} at the end of this file`, f, {
      [f.uri]: [{ range: { start: at, end: at }, newText: sep + header + text }],
    }),
  );
  return out;
};

function issuerDocuments(f: FixContext, kind: 'Issuer' | 'ClusterIssuer', name: string, namespace: string): object[] {
  const meta = (n: string, ns = namespace) => (ns ? { name: n, namespace: ns } : { name: n });
  const apiVersion = `${CERT_MANAGER_GROUP}/v1`;
  const caNamespace = kind === 'Issuer' ? namespace : CLUSTER_RESOURCE_NAMESPACE;
  const has = (k: string, n: string, ns: string) => f.index.get(k, ns, n).length > 0;
  const docs: object[] = [];
  if (name === BOOTSTRAP) return [{ apiVersion, kind, metadata: meta(name), spec: { selfSigned: {} } }];
  if (!has(kind, BOOTSTRAP, namespace))
    docs.push({ apiVersion, kind, metadata: meta(BOOTSTRAP), spec: { selfSigned: {} } });
  if (!has('Certificate', CA_CERT, caNamespace)) {
    docs.push({
      apiVersion,
      kind: 'Certificate',
      metadata: meta(CA_CERT, caNamespace),
      spec: {
        isCA: true,
        commonName: CA_SECRET,
        secretName: CA_SECRET,
        issuerRef: { name: BOOTSTRAP, kind, group: CERT_MANAGER_GROUP },
        privateKey: { rotationPolicy: 'Always', algorithm: 'ECDSA', size: 256 },
      },
    });
  }
  docs.push({ apiVersion, kind, metadata: meta(name), spec: { ca: { secretName: CA_SECRET } } });
  return docs;
}

function newFileUri(f: FixContext, name: string): string {
  const dir = f.uri.replace(/[^/]*$/, '');
  const base = `${kind(name)}`;
  for (let i = 1; i < 100; i++) {
    const uri = `${dir}${base}${i === 1 ? '' : `-${i}`}.yaml`;
    if (!f.ctx.store.hasDisk(uri) && !f.ctx.workspace.hasFile(uri) && !f.ctx.documents.get(uri)) return uri;
  }
  return `${dir}${base}-${Date.now()}.yaml`;
}

function kind(name: string): string {
  return `issuer-${name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}`;
}

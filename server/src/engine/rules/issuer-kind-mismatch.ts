// `issuerRef.kind` says where cert-manager looks: `Issuer` in the referrer's namespace,
// `ClusterIssuer` cluster-wide. When the name exists only with the other kind, cert-manager finds nothing.
// data: { replace: the right kind } when `kind` is written; { kind: the right kind } when it is missing
// (a Certificate's kind defaults to Issuer).
import type { WorkspaceRule } from '../rule';
import { issuerUses, whereIs } from '../tls-ports';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'issuer-kind-mismatch',
  severity: 'error',
  title: 'The issuerRef names an issuer that exists only with the other kind (Issuer vs ClusterIssuer).',
  sources: [
    'https://cert-manager.io/docs/concepts/issuer/',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto',
  ],
  check(ctx) {
    const { index } = ctx;
    for (const u of issuerUses(index)) {
      if (u.referrer.origin !== 'workspace') continue;
      const { kind, name, namespace } = u.ref;
      const found = u.otherKind;
      if (u.found.length || !found.length) continue;
      const right = kind === 'Issuer' ? 'ClusterIssuer' : 'Issuer';
      const written = u.referrer.value && getIn(u.referrer.value, [...u.path, 'kind']) !== undefined;
      ctx.report(u.referrer, {
        path: written ? [...u.path, 'kind'] : [...u.path, 'name'],
        message: written
          ? `'${name}' is a${right === 'Issuer' ? 'n Issuer' : ' ClusterIssuer'}, not a${kind === 'Issuer' ? 'n Issuer' : ' ClusterIssuer'}: cert-manager looks for the kind given here and finds nothing. Set 'kind: ${right}'.`
          : `'${name}' is a ClusterIssuer, but without 'kind' cert-manager looks for an Issuer in namespace '${namespace}'. Add 'kind: ${right}' to issuerRef.`,
        related: found.map((r) => ({ resource: r, path: ['kind'], message: `${whereIs(r)}` })),
        data: written ? { replace: right } : { kind: right },
      });
    }
  },
};

function getIn(v: any, path: readonly (string | number)[]): unknown {
  let x = v;
  for (const k of path) {
    if (x == null || typeof x !== 'object') return undefined;
    x = x[k];
  }
  return x;
}

export default rule;

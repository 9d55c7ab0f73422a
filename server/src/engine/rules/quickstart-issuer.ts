// ClusterIssuer `azure-iot-operations-aio-certificate-issuer` signs with
// AIO's quickstart root CA ("Not for Production"): right for development and tests, not for production.
// Reported on listener ports written in the workspace, except the `default` listener's own port 18883 (AIO's
// internal port, which the user is told to leave as it is); a port of a listener that is only assumed
// (a built-in) or only in the cluster has no file and is never reported. Not reported when the ClusterIssuer of
// that name is shown (workspace or cluster) to sign with another CA (customer-managed trust).
// data: { issuer }.
import type { RelatedReport, WorkspaceRule } from '../rule';
import type { Path } from '../parse';
import { DEFAULT_ISSUER, DEFAULT_LISTENER_NAME, DEFAULT_PORT } from '../builtins';
import type { Resource } from '../resources';
import { issuerUses, whereIs } from '../tls-ports';

const QUICKSTART_CA_SECRET = 'azure-iot-operations-aio-ca-certificate';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'quickstart-issuer',
  severity: 'info',
  title:
    "The port's certificate comes from AIO's quickstart CA (ClusterIssuer azure-iot-operations-aio-certificate-issuer), which is not for production.",
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/secure-iot-ops/howto-manage-certificates',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto',
  ],
  check(ctx) {
    let shared: { message: string; related: RelatedReport[]; data: Record<string, unknown> } | undefined;
    for (const u of issuerUses(ctx.index)) {
      if (!u.port || u.referrer.origin !== 'workspace') continue;
      if (u.ref.kind !== 'ClusterIssuer' || u.ref.name !== DEFAULT_ISSUER) continue;
      if (u.referrer.name === DEFAULT_LISTENER_NAME && u.port.port === DEFAULT_PORT) continue;
      const issuer = u.found[0];
      if (!issuer) continue;
      // Every use resolves to the same ClusterIssuer: judge it and build the report's parts once.
      shared ??= isQuickstart(issuer)
        ? {
            message: `'${DEFAULT_ISSUER}' signs with AIO's quickstart root CA, which is meant for development and tests only. For production, issue this port's certificate from a CA you trust: your own Issuer or ClusterIssuer (CA, ACME, Vault, ...).`,
            related: [{ resource: issuer, path: ['metadata', 'name'], message: whereIs(issuer) }],
            data: { issuer: DEFAULT_ISSUER },
          }
        : { message: '', related: [], data: {} };
      if (!shared.message) return;
      ctx.report(u.referrer, {
        path: nameOf(u.path),
        message: shared.message,
        related: shared.related,
        data: shared.data,
      });
    }
  },
};

const names = new WeakMap<Path, Path>();
function nameOf(issuerRef: Path): Path {
  let r = names.get(issuerRef);
  if (!r) {
    r = [...issuerRef, 'name'];
    names.set(issuerRef, r);
  }
  return r;
}

function isQuickstart(issuer: Resource): boolean {
  if (issuer.origin === 'builtin') return true;
  const spec = issuer.value.spec;
  if (!spec || typeof spec !== 'object') return true; // only the name is known: it is AIO's default one
  if (spec.selfSigned != null) return true;
  if (spec.ca && typeof spec.ca === 'object') return spec.ca.secretName === QUICKSTART_CA_SECRET;
  return !(spec.acme || spec.vault || spec.venafi);
}

export default rule;

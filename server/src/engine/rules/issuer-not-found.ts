// An issuerRef must name an existing cert-manager issuer: an `Issuer` in the same
// namespace as the listener (or Certificate), or a cluster-wide `ClusterIssuer` (AIO's default ClusterIssuer is a
// built-in). Only cert-manager's own group is judged: external issuers live in other groups.
// Warning while the workspace may be incomplete; error when cluster facts are complete (what `az iot ops check` says).
// data (for a "create the issuer" quick fix): { kind, name, namespace (Issuer only), group, didYouMean? }.
import type { WorkspaceRule } from '../rule';
import { AIO_GROUP, CERT_MANAGER_GROUP, LEGACY_AIO_GROUP } from '../resources';
import { closeNames, issuerUses, whereIs } from '../tls-ports';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  across: ['Issuer'],
  code: 'issuer-not-found',
  severity: 'warning',
  title:
    "The issuerRef names no cert-manager Issuer in the listener's namespace / no ClusterIssuer (error when a connected cluster confirms it).",
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto',
    'https://cert-manager.io/docs/concepts/issuer/',
    'https://learn.microsoft.com/azure/iot-operations/secure-iot-ops/howto-manage-certificates',
  ],
  check(ctx) {
    const { index } = ctx;
    // The namespaces holding AIO objects, found in one pass when first asked (a run over a whole deployment sees
    // thousands of namespaces: one pass each would be quadratic).
    let aio: Set<string> | undefined;
    const aioIn = (ns: string) => {
      if (!aio) {
        aio = new Set();
        for (const r of index.all) if (r.group === AIO_GROUP || r.group === LEGACY_AIO_GROUP) aio.add(r.namespace);
      }
      return aio.has(ns);
    };
    for (const u of issuerUses(index)) {
      if (u.referrer.origin !== 'workspace') continue;
      // A Certificate in a namespace without AIO objects has nothing to do with AIO (an application's certificate
      // from a ClusterIssuer installed elsewhere, `letsencrypt`): not BrokerKit's to judge.
      if (!u.port && !aioIn(u.referrer.namespace)) continue;
      const { kind, name, namespace } = u.ref;
      if (u.found.length || u.otherKind.length) continue; // otherKind: issuer-kind-mismatch reports it
      const elsewhere =
        kind === 'Issuer'
          ? ctx.across('Issuer', CERT_MANAGER_GROUP).filter((r) => r.name === name && r.namespace !== namespace)
          : [];
      const candidates =
        kind === 'Issuer'
          ? index
              .ofKind('Issuer', CERT_MANAGER_GROUP)
              .filter((r) => r.namespace === namespace)
              .map((r) => r.name ?? '')
          : index.ofKind('ClusterIssuer', CERT_MANAGER_GROUP).map((r) => r.name ?? '');
      const close = closeNames(name, candidates.filter(Boolean));
      const subject = u.port ? "this port's server certificate" : 'this Certificate';
      const unless = ctx.factsComplete ? 'so' : 'so unless it is created elsewhere,';
      let message = ctx.factsComplete
        ? `The cluster has no ${kind} '${name}'${kind === 'Issuer' ? ` in namespace '${namespace}'` : ''}, ${unless} cert-manager cannot issue ${subject}.`
        : `${kind} '${name}' is not found${kind === 'Issuer' ? ` in namespace '${namespace}'` : ''} (searched: workspace, cluster facts${kind === 'ClusterIssuer' ? ', AIO built-ins' : ''}), ${unless} cert-manager cannot issue ${subject}.`;
      if (kind === 'Issuer') message += ' An Issuer must be in the same namespace as the object that uses it.';
      if (elsewhere.length)
        message += ` An Issuer of that name exists in namespace '${elsewhere[0].namespace}': create one in '${namespace}' too, or use a ClusterIssuer.`;
      else
        message += ` Create the ${kind}${close.length ? `, or fix the name (did you mean '${close[0]}'?)` : ', or fix the name'}.`;
      const data: Record<string, unknown> = { kind, name, group: CERT_MANAGER_GROUP };
      if (kind === 'Issuer') data.namespace = namespace;
      if (close.length) data.didYouMean = close[0];
      ctx.report(u.referrer, {
        path: [...u.path, 'name'],
        severity: ctx.factsComplete ? 'error' : 'warning',
        message,
        related: elsewhere.map((r) => ({
          resource: r,
          path: ['metadata', 'name'],
          message: `${whereIs(r)}: not usable from namespace '${namespace}'`,
        })),
        data,
      });
    }
  },
};
export default rule;

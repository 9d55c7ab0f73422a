// The server certificate's SANs should cover the listener's service name
// (`serviceName`, else `metadata.name`), which in-cluster clients connect to, in any of its DNS forms
// (<name>, <name>.<namespace>, <name>.<namespace>.svc, <name>.<namespace>.svc.cluster.local); a `*.` wildcard covers
// one label. Clients that check the host name refuse a certificate that does not name the host they dialled.
// data: { serviceName, dnsNames } (the certificate's DNS SANs: public data).
import type { WorkspaceRule } from '../rule';
import { dnsMatches, isPlaceholder, secretTls } from '../tls';
import { TlsPort, manualSecretUses, reportSecret, secretKeyPath } from '../tls-ports';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'tls-san-mismatch',
  severity: 'warning',
  title:
    "The manual server certificate's SANs do not cover the listener's service name, so clients fail the host-name check.",
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual'],
  check(ctx) {
    for (const use of manualSecretUses(ctx.index)) {
      const chain = secretTls(use.secret.value).crt?.chain;
      if (!chain) continue;
      const leaf = chain.certs[chain.leaf];
      const byName = new Map<string, TlsPort[]>();
      for (const p of use.ports) {
        const spec = p.listener.value.spec;
        const name = typeof spec?.serviceName === 'string' && spec.serviceName ? spec.serviceName : p.listener.name;
        if (!name || isPlaceholder(name)) continue;
        const hosts = [
          name,
          `${name}.${p.listener.namespace}`,
          `${name}.${p.listener.namespace}.svc`,
          `${name}.${p.listener.namespace}.svc.cluster.local`,
        ];
        if (leaf.dnsNames.some((san) => hosts.some((h) => dnsMatches(san, h)))) continue;
        const l = byName.get(name);
        if (l) l.push(p);
        else byName.set(name, [p]);
      }
      for (const [name, ports] of byName) {
        const sans = leaf.dnsNames.length
          ? `its DNS SANs are ${leaf.dnsNames
              .slice(0, 5)
              .map((d) => `'${d}'`)
              .join(', ')}${leaf.dnsNames.length > 5 ? ', ...' : ''}`
          : 'it has no DNS SANs';
        const sub = { secret: use.secret, ports };
        reportSecret(
          ctx,
          sub,
          secretKeyPath(use.secret, 'tls.crt') ?? ['metadata', 'name'],
          true,
          {
            message: `The server certificate '${leaf.label}' does not cover the service name '${name}' (${sans}), so clients connecting to ${name} fail the TLS host-name check. Reissue it with '${name}' as a DNS SAN (plus any external host name or IP clients use).`,
            data: { serviceName: name, dnsNames: leaf.dnsNames },
          },
          {
            path: (p) =>
              typeof p.listener.value.spec?.serviceName === 'string' && p.listener.value.spec.serviceName
                ? ['spec', 'serviceName']
                : ['metadata', 'name'],
            message: (p) =>
              `service name '${name}' of listener '${p.listener.name ?? '?'}'${p.listener.origin === 'cluster' ? ' (in the cluster)' : ''}, which uses this Secret on port ${typeof p.port === 'number' ? p.port : '?'}`,
          },
        );
      }
    }
  },
};
export default rule;

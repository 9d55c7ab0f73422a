// domain.md B17, G26 (S10): X.509 client authentication needs TLS on the port — a client certificate is only
// presented in a TLS handshake. The port's authenticationRef resolves (same namespace: workspace, cluster facts or
// AIO built-in) to a BrokerAuthentication with an X509 method, but the port has no TLS (`tls:` null is no TLS).
//
// data: { authenticationRef: string, portIndex: number, tlsIsNull: boolean, tls: {...} (automatic TLS from AIO's
// default ClusterIssuer, as for insecure-port) }
import type { WorkspaceRule } from '../rule';
import { AIO_GROUP, LEGACY_AIO_GROUP } from '../resources';
import { isTlsOff, label, listenerModel, refName } from '../listener-model';
import { AUTOMATIC_TLS } from './insecure-port';

const rule: WorkspaceRule = {
  scope: 'workspace',
  code: 'x509-without-tls',
  severity: 'warning',
  title: 'A port uses a BrokerAuthentication with an X509 method but has no TLS, so clients cannot present certificates.',
  source: 'domain.md B17, G26',
  check(ctx) {
    for (const g of listenerModel(ctx.index).groups) {
      if (g.origin !== 'workspace') continue;
      for (const p of g.ports) {
        const ref = refName(p.entry.authenticationRef);
        if (p.doc.origin !== 'workspace' || ref === undefined || !isTlsOff(p.entry.tls)) continue;
        for (const authn of ctx.index.get('BrokerAuthentication', g.namespace, ref)) {
          if (authn.group !== AIO_GROUP && authn.group !== LEGACY_AIO_GROUP) continue;
          const methods = authn.value.spec?.authenticationMethods;
          if (!Array.isArray(methods)) continue;
          const j = methods.findIndex((m: any) => typeof m?.method === 'string' && m.method.toLowerCase() === 'x509');
          if (j < 0) continue;
          ctx.report(p.doc, {
            path: [...p.path, 'authenticationRef'],
            message: `Authentication '${ref}' uses X.509 client certificates, but port ${p.entry.port ?? ''} has no TLS, so clients cannot present a certificate. Add TLS to this port (e.g. automatic TLS), or use an authentication without X509.`,
            related: [{ resource: authn, path: ['spec', 'authenticationMethods', j, 'method'], message: `X509 method of ${label('BrokerAuthentication', authn)}` }],
            data: { authenticationRef: ref, portIndex: p.index, tlsIsNull: 'tls' in p.entry, tls: AUTOMATIC_TLS },
          });
          break;
        }
      }
    }
  },
};

export default rule;

// X.509 client authentication needs TLS on the port — a client certificate is only
// presented in a TLS handshake. The port's authenticationRef resolves (same namespace: workspace, cluster facts or
// AIO built-in) to a BrokerAuthentication with an X509 method, but the port has no TLS (`tls:` null is no TLS).
//
// data: { authenticationRef: string, portIndex: number, tlsIsNull: boolean, tls: {...} (automatic TLS from AIO's
// default ClusterIssuer, as for insecure-port) }
import type { WorkspaceRule } from '../rule';
import { AIO_GROUP, LEGACY_AIO_GROUP, Resource } from '../resources';
import { isTlsOff, label, listenerModel, refName } from '../listener-model';
import { AUTOMATIC_TLS } from './insecure-port';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'x509-without-tls',
  severity: 'warning',
  title:
    'A port uses a BrokerAuthentication with an X509 method but has no TLS, so clients cannot present certificates.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authentication'],
  check(ctx) {
    // Once per validation: the BrokerAuthentications with an X509 method, by namespace/name.
    const x509 = new Map<string, { authn: Resource; index: number }>();
    for (const authn of ctx.index.ofKind('BrokerAuthentication')) {
      if ((authn.group !== AIO_GROUP && authn.group !== LEGACY_AIO_GROUP) || !authn.name) continue;
      const methods = authn.value.spec?.authenticationMethods;
      if (!Array.isArray(methods)) continue;
      const j = methods.findIndex((m: any) => typeof m?.method === 'string' && m.method.toLowerCase() === 'x509');
      const key = `${authn.namespace}/${authn.name}`;
      if (j >= 0 && !x509.has(key)) x509.set(key, { authn, index: j });
    }
    if (!x509.size) return;
    for (const g of listenerModel(ctx.index).groups) {
      if (g.origin !== 'workspace') continue;
      for (const p of g.ports) {
        const ref = refName(p.entry.authenticationRef);
        if (p.doc.origin !== 'workspace' || ref === undefined || !isTlsOff(p.entry.tls)) continue;
        const hit = x509.get(`${g.namespace}/${ref}`);
        if (!hit) continue;
        ctx.report(p.doc, {
          path: [...p.path, 'authenticationRef'],
          message: `Authentication '${ref}' uses X.509 client certificates, but port ${p.entry.port ?? ''} has no TLS, so clients cannot present a certificate. Add TLS to this port (e.g. automatic TLS), or use an authentication without X509.`,
          related: [
            {
              resource: hit.authn,
              path: ['spec', 'authenticationMethods', hit.index, 'method'],
              message: `X509 method of ${label('BrokerAuthentication', hit.authn)}`,
            },
          ],
          data: { authenticationRef: ref, portIndex: p.index, tlsIsNull: 'tls' in p.entry, tls: AUTOMATIC_TLS },
        });
      }
    }
  },
};

export default rule;

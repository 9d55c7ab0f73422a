// A port without authenticationRef AND without tls accepts anyone in clear text —
// "testing only" (warning). A port with authentication but no TLS sends credentials (tokens, passwords) and messages
// unencrypted (information). `tls:` written with no value means no TLS.
//
// data: { portIndex: number, tlsIsNull: boolean (a `tls:` key with no value is present and must be replaced),
//   tls: { mode: 'Automatic', certManagerCertificateSpec: { issuerRef: { name, kind: 'ClusterIssuer', group } } } }
// — the quick fix adds that `tls` block (automatic TLS from AIO's default ClusterIssuer).
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';
import { isTlsOff, refName } from '../listener-model';
import { DEFAULT_ISSUER } from '../builtins';

export const AUTOMATIC_TLS = {
  mode: 'Automatic',
  certManagerCertificateSpec: { issuerRef: { name: DEFAULT_ISSUER, kind: 'ClusterIssuer', group: 'cert-manager.io' } },
};

const rule: DocumentRule = {
  scope: 'document',
  code: 'insecure-port',
  severity: 'warning',
  title:
    'A port has neither TLS nor authentication (testing only); a port with authentication but no TLS is reported as information.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-test-connection',
  ],
  applies: (r) => isAio(r, 'BrokerListener'),
  check(r, ctx) {
    const ports = r.value.spec?.ports;
    if (!Array.isArray(ports)) return;
    ports.forEach((p: any, i: number) => {
      if (!p || typeof p !== 'object' || !isTlsOff(p.tls)) return;
      const portText = typeof p.port === 'number' ? `Port ${p.port}` : 'This port';
      const noAuth = refName(p.authenticationRef) === undefined;
      ctx.report({
        path: ['spec', 'ports', i, 'port'],
        severity: noAuth ? 'warning' : 'info',
        message: noAuth
          ? `${portText} has no TLS and no authentication: any client can connect and everything travels in clear text. Use it for testing only, or add TLS (e.g. automatic TLS from ClusterIssuer '${DEFAULT_ISSUER}') and an authenticationRef.`
          : `${portText} has authentication but no TLS, so credentials and messages travel unencrypted. Add TLS, e.g. automatic TLS from ClusterIssuer '${DEFAULT_ISSUER}'.`,
        data: { portIndex: i, tlsIsNull: 'tls' in p, tls: AUTOMATIC_TLS },
      });
    });
  },
};

export default rule;

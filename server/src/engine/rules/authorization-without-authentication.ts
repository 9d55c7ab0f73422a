// Authorization on a port only takes effect when a BrokerAuthentication is linked to that
// port too; authorizationRef without authenticationRef is silently not enforced.
//
// data: { authorizationRef: string }
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';
import { refName } from '../listener-model';

const rule: DocumentRule = {
  scope: 'document',
  code: 'authorization-without-authentication',
  severity: 'warning',
  title: 'A port has authorizationRef but no authenticationRef, so authorization does not apply.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authorization'],
  applies: (r) => isAio(r, 'BrokerListener'),
  check(r, ctx) {
    const ports = r.value.spec?.ports;
    if (!Array.isArray(ports)) return;
    ports.forEach((p: any, i: number) => {
      if (!p || typeof p !== 'object') return;
      const authz = refName(p.authorizationRef);
      if (authz === undefined || refName(p.authenticationRef) !== undefined) return;
      ctx.report({
        path: ['spec', 'ports', i, 'authorizationRef'],
        message: `Authorization '${authz}' does not apply: authorization only takes effect on a port that also has an authenticationRef. Add authenticationRef (e.g. 'default') to this port.`,
        data: { authorizationRef: authz },
      });
    });
  },
};

export default rule;

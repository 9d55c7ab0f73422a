// A BrokerAuthorization whose policy has no rules denies every client on every port that
// uses it. Information, because it may be meant as a lock-down.
//
// data: {}
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const rule: DocumentRule = {
  scope: 'document',
  code: 'authorization-deny-all',
  severity: 'info',
  title: 'A BrokerAuthorization has no rules, so it denies every client.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authorization'],
  applies: (r) => isAio(r, 'BrokerAuthorization'),
  check(r, ctx) {
    const pol = r.value.spec?.authorizationPolicies;
    if (!pol || typeof pol !== 'object' || Array.isArray(pol)) return;
    if (Array.isArray(pol.rules) && pol.rules.length > 0) return;
    ctx.report({
      path: 'rules' in pol ? ['spec', 'authorizationPolicies', 'rules'] : ['spec', 'authorizationPolicies'],
      key: true,
      data: {},
      message:
        'This authorization policy has no rules, so every client is denied on the ports that use it. Add rules under authorizationPolicies.rules (principals + brokerResources) if that is not intended.',
    });
  },
};

export default rule;

// BrokerAuthorization rules the CRD lets through but that do not
// work — a Publish or Subscribe resource without topics grants nothing ("required if the method is Publish or
// Subscribe" is only in the CRD description), and clientIds only mean something on a Connect resource (warning).
//
// data: { problem: 'no-topics' | 'client-ids-not-connect', method: string }
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const rule: DocumentRule = {
  scope: 'document',
  code: 'authorization-rule-invalid',
  severity: 'error',
  title: 'A BrokerAuthorization Publish/Subscribe resource has no topics, or a non-Connect resource lists clientIds.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authorization'],
  applies: (r) => isAio(r, 'BrokerAuthorization'),
  check(r, ctx) {
    const rules = r.value.spec?.authorizationPolicies?.rules;
    if (!Array.isArray(rules)) return;
    rules.forEach((rl: any, i: number) => {
      const res = rl?.brokerResources;
      if (!Array.isArray(res)) return;
      res.forEach((b: any, j: number) => {
        if (!b || typeof b !== 'object' || typeof b.method !== 'string') return;
        const at = ['spec', 'authorizationPolicies', 'rules', i, 'brokerResources', j];
        const method = b.method.toLowerCase();
        if ((method === 'publish' || method === 'subscribe') && !(Array.isArray(b.topics) && b.topics.length > 0)) {
          ctx.report({
            path: [...at, 'method'],
            data: { problem: 'no-topics', method: b.method },
            message: `${b.method} without topics grants nothing. Add topics (e.g. 'sensors/#' or 'clients/{principal.clientId}/#').`,
          });
        }
        if (method !== 'connect' && Array.isArray(b.clientIds) && b.clientIds.length > 0) {
          ctx.report({
            path: [...at, 'clientIds'],
            key: true,
            severity: 'warning',
            data: { problem: 'client-ids-not-connect', method: b.method },
            message: `clientIds only apply to Connect resources and are ignored on ${b.method}. Restrict clients with principals.clientIds instead, or move them to a Connect resource.`,
          });
        }
      });
    });
  },
};

export default rule;

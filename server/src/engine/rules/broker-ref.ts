// domain.md B5, G rule 8: only one Broker may exist and it is named `default`; crd-facts.md 1.1: brokerRef is optional.
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const rule: DocumentRule = {
  scope: 'document',
  code: 'broker-ref',
  severity: 'error',
  title: '`spec.brokerRef` names a Broker other than `default`, the only Broker AIO allows.',
  source: 'domain.md B5, G8; crd-facts.md 1.1',
  applies: (r) => isAio(r, 'BrokerListener'),
  check(r, ctx) {
    const ref = r.value.spec?.brokerRef;
    if (typeof ref === 'string' && ref !== 'default') {
      ctx.report({
        path: ['spec', 'brokerRef'],
        message: `brokerRef '${ref}' names no Broker: AIO has exactly one Broker and it is named 'default'. Use 'brokerRef: default' (or omit it).`,
        data: { replace: 'default' },
      });
    }
  },
};
export default rule;

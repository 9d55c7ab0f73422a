// Only one Broker may exist and it is named `default`. brokerRef itself is optional in the CRD (AIO's own `default`
// listener is tied to the Broker through an ownerReference).
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const rule: DocumentRule = {
  scope: 'document',
  code: 'broker-ref',
  severity: 'error',
  title: '`spec.brokerRef` names a Broker other than `default`, the only Broker AIO allows.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/overview-broker',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
  ],
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

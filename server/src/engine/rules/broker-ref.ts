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
        message:
          `brokerRef '${ref}': AIO 1.x serves one Broker, named 'default', so this listener attaches to no broker and ` +
          `serves nothing (a Broker named '${ref}' would not run either)` +
          (ref === 'broker' ? ", 'broker' being the Broker's name in the 0.7 preview" : '') +
          `. Use 'brokerRef: default' (or omit it).`,
        data: { replace: 'default' },
      });
    }
  },
};
export default rule;

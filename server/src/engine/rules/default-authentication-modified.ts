// AIO's `default` BrokerAuthentication must keep a ServiceAccountToken method
// with audience `aio-internal`; AIO's own components connect to the default listener with such tokens. Adding methods
// is fine.
//
// data: { audience: 'aio-internal' }
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const rule: DocumentRule = {
  scope: 'document',
  code: 'default-authentication-modified',
  severity: 'warning',
  title: 'AIO’s `default` BrokerAuthentication has no ServiceAccountToken method with audience aio-internal.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authentication'],
  applies: (r) => isAio(r, 'BrokerAuthentication') && r.name === 'default',
  check(r, ctx) {
    const methods = r.value.spec?.authenticationMethods;
    if (!Array.isArray(methods)) return;
    const sat = methods.filter(
      (m: any) => typeof m?.method === 'string' && m.method.toLowerCase() === 'serviceaccounttoken',
    );
    // A SAT entry whose settings or audiences are missing is the schema rule's finding, not a change of audience.
    if (sat.some((m: any) => !Array.isArray(m.serviceAccountTokenSettings?.audiences))) return;
    if (sat.some((m: any) => m.serviceAccountTokenSettings.audiences.includes('aio-internal'))) return;
    const first = methods.indexOf(sat[0]);
    ctx.report({
      path:
        first >= 0
          ? ['spec', 'authenticationMethods', first, 'serviceAccountTokenSettings', 'audiences']
          : ['spec', 'authenticationMethods'],
      key: true,
      data: { audience: 'aio-internal' },
      message:
        first >= 0
          ? "The default BrokerAuthentication's ServiceAccountToken method lacks audience 'aio-internal'; AIO's own components authenticate with such tokens on the default listener. Add 'aio-internal' to its audiences."
          : "The default BrokerAuthentication has no ServiceAccountToken method with audience 'aio-internal'; AIO's own components authenticate with it on the default listener. Keep that method (you may add others after it).",
    });
  },
};

export default rule;

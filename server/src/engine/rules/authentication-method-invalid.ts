// What the CRD lets through but AIO cannot use in a
// BrokerAuthentication — `method` is a free string in the CRD (AIO knows Custom, ServiceAccountToken and X509, the
// CRD's lowerCamel spellings included), `authenticationMethods: []` and `audiences: []` pass the CRD, and the Custom
// endpoint's "must be HTTPS" is only in the description. A settings block that does not match the method is a
// warning. A missing settings block or a missing required key is the schema rule's business.
//
// data: { problem: 'empty' | 'unknown-method' | 'settings-mismatch' | 'no-audience' | 'endpoint-not-https',
//   replace?: string (the documented method name, when the written one maps to it clearly) }
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';

const METHODS: Record<string, string> = { custom: 'Custom', serviceaccounttoken: 'ServiceAccountToken', x509: 'X509' };
/** Older preview spellings that clearly mean one of the three. */
const ALIASES: Record<string, string> = { sat: 'ServiceAccountToken', x509credentials: 'X509', x509credential: 'X509' };
const SETTINGS: Record<string, string> = {
  Custom: 'customSettings',
  ServiceAccountToken: 'serviceAccountTokenSettings',
  X509: 'x509Settings',
};

const rule: DocumentRule = {
  scope: 'document',
  code: 'authentication-method-invalid',
  severity: 'error',
  title:
    'A BrokerAuthentication method AIO cannot use: no methods, an unknown method, no SAT audience, a non-HTTPS custom endpoint, or settings for another method.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authentication'],
  applies: (r) => isAio(r, 'BrokerAuthentication'),
  check(r, ctx) {
    const methods = r.value.spec?.authenticationMethods;
    if (!Array.isArray(methods)) return;
    if (methods.length === 0) {
      ctx.report({
        path: ['spec', 'authenticationMethods'],
        key: true,
        data: { problem: 'empty' },
        message:
          'authenticationMethods is empty, so no client can authenticate with this BrokerAuthentication. Add a method (ServiceAccountToken, X509 or Custom).',
      });
      return;
    }
    methods.forEach((m: any, i: number) => {
      if (!m || typeof m !== 'object' || typeof m.method !== 'string') return;
      const at = ['spec', 'authenticationMethods', i];
      const method = METHODS[m.method.toLowerCase()];
      if (!method) {
        const alias = ALIASES[m.method.toLowerCase()];
        ctx.report({
          path: [...at, 'method'],
          data: { problem: 'unknown-method', ...(alias ? { replace: alias } : {}) },
          message: `Authentication method '${m.method}' is not one AIO knows; use ServiceAccountToken, X509 or Custom${alias ? ` (for this one: ${alias})` : ''}.`,
        });
        return;
      }
      const blocks = Object.values(SETTINGS).filter((k) => m[k] !== undefined && m[k] !== null);
      if (blocks.length === 1 && blocks[0] !== SETTINGS[method]) {
        ctx.report({
          path: [...at, blocks[0]],
          key: true,
          severity: 'warning',
          data: { problem: 'settings-mismatch' },
          message: `Method ${method} reads ${SETTINGS[method]}, but this entry has ${blocks[0]}. Rename the block to ${SETTINGS[method]} or change the method.`,
        });
      }
      const aud = m.serviceAccountTokenSettings?.audiences;
      if (method === 'ServiceAccountToken' && Array.isArray(aud) && aud.length === 0) {
        ctx.report({
          path: [...at, 'serviceAccountTokenSettings', 'audiences'],
          key: true,
          data: { problem: 'no-audience' },
          message:
            'audiences is empty, so no service account token is accepted. Add the audience your clients request (e.g. aio-internal).',
        });
      }
      const ep = m.customSettings?.endpoint;
      if (method === 'Custom' && typeof ep === 'string' && !/^https:\/\//i.test(ep)) {
        ctx.report({
          path: [...at, 'customSettings', 'endpoint'],
          data: { problem: 'endpoint-not-https' },
          message: `Custom authentication endpoint '${ep}' is not an https:// URL; AIO only calls a custom authentication server over HTTPS.`,
        });
      }
    });
  },
};

export default rule;

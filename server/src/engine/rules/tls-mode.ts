// The CRD only requires `tls.mode` to be present and exactly one of
// `certManagerCertificateSpec` / `manual`; it does not look at the mode's value or whether it fits the option.
// Those are operator-level mistakes, reported here. What the CRD itself rejects (`tls: {}`, no mode, both options,
// neither option) is the `schema` rule's, so it is not reported twice; `tls:` left empty (null) means no TLS.
import type { DocumentRule } from '../rule';
import { isAio } from '../resources';
import { isPlaceholder } from '../tls';

const MODES = ['Automatic', 'Manual'] as const;
/** The lowerCamel spellings, accepted like every other AIO enum value's. */
const LOWER = new Set(['automatic', 'manual']);

const rule: DocumentRule = {
  scope: 'document',
  code: 'tls-mode',
  severity: 'error',
  title:
    '`tls.mode` is not `Automatic` or `Manual`, or does not fit the option given (`certManagerCertificateSpec` needs `Automatic`, `manual` needs `Manual`).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-auto',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual',
  ],
  applies: (r) => isAio(r, 'BrokerListener'),
  check(r, ctx) {
    const ports = r.value.spec?.ports;
    if (!Array.isArray(ports)) return;
    ports.forEach((p: any, i: number) => {
      const tls = p?.tls;
      if (!tls || typeof tls !== 'object' || Array.isArray(tls)) return;
      const mode = tls.mode;
      if (typeof mode !== 'string' || isPlaceholder(mode)) return; // missing or not a string: the CRD rejects it (schema)
      const hasAuto = tls.certManagerCertificateSpec != null;
      const hasManual = tls.manual != null;
      const only = hasAuto && !hasManual ? 'Automatic' : hasManual && !hasAuto ? 'Manual' : undefined;
      const path = ['spec', 'ports', i, 'tls', 'mode'];
      const canonical = MODES.find((m) => m.toLowerCase() === mode.trim().toLowerCase());
      if (!canonical) {
        ctx.report({
          path,
          message: `TLS mode '${mode}' is not one AIO knows; use 'Automatic' (cert-manager issues the server certificate) or 'Manual' (you provide it in a Secret).${only ? ` This port has ${only === 'Automatic' ? 'certManagerCertificateSpec' : 'manual'}, so '${only}' fits.` : ''}`,
          data: only ? { replace: only } : undefined,
        });
        return;
      }
      if (only && canonical !== only) {
        ctx.report({
          path,
          message: `'mode: ${mode}' does not fit the option this port uses: ${only === 'Automatic' ? 'certManagerCertificateSpec is automatic TLS' : 'manual is manual TLS'}. Set 'mode: ${only}'${only === 'Automatic' ? ', or replace certManagerCertificateSpec with manual.secretRef' : ', or replace manual with certManagerCertificateSpec'}.`,
          data: { replace: only },
        });
        return;
      }
      if (mode !== canonical) {
        const lower = LOWER.has(mode);
        ctx.report({
          path,
          severity: lower ? 'hint' : 'error',
          message: lower
            ? `The documented spelling is '${canonical}' ('${mode}' is the lowerCamel form AIO accepts for its other enum values).`
            : `TLS mode '${mode}' is not spelled as AIO expects; use '${canonical}'.`,
          data: { replace: canonical },
        });
      }
    });
  },
};
export default rule;

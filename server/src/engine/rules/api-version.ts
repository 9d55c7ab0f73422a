// Which apiVersion an AIO broker object may carry.
// - `mq.iotoperations.azure.com/*` (pre-GA "IoT MQ", 2023-24): warning. AIO GA does not serve that group, so
//   `kubectl apply` fails with "no matches for kind"; the objects must be rewritten in the v1 shape.
// - `mqttbroker.iotoperations.azure.com/v1beta1`: info. A preview version; v1 is GA and the AIO 1.0 CRDs serve only
//   v1 (later releases serve v1beta1 again for preview-only fields such as x509Settings.additionalValidation).
// - any other version of mqttbroker.iotoperations.azure.com, or a kind that group does not have: error (not served).
//
// Finding `data`: replace: string — the apiVersion (or kind) to write instead, for the finding's range. Not offered
// for v1beta1 objects that use a preview-only field.
import type { DocumentRule } from '../rule';
import { AIO_GROUP, AIO_KINDS, LEGACY_AIO_GROUP } from '../resources';
import { closestAllowed } from '../spelling';

const V1 = `${AIO_GROUP}/v1`;

const MIGRATION: Record<string, string> = {
  BrokerListener:
    'a v1 listener lists `ports` (each with its own `authenticationRef`, `authorizationRef` and `tls` with `mode` plus `certManagerCertificateSpec` or `manual.secretRef`) instead of `port`, `authenticationEnabled` and `tls.automatic`',
  BrokerAuthentication:
    'v1 entries name the `method` (ServiceAccountToken, X509, Custom) next to a settings block, and listeners point at it with `authenticationRef` instead of `listenerRef`',
  BrokerAuthorization:
    'v1 keeps the rules under `authorizationPolicies` (with `cache: Enabled|Disabled`), and listeners point at it with `authorizationRef` instead of `listenerRef`',
  Broker:
    'the v1 Broker is a different shape (`cardinality`, `memoryProfile`, `advanced`, `diagnostics`); AIO creates the one Broker, `default`, itself',
};

const rule: DocumentRule = {
  scope: 'document',
  code: 'api-version',
  severity: 'error',
  title:
    'An AIO broker object with an apiVersion AIO does not serve: the pre-GA `mq.iotoperations.azure.com` group (warning), the preview `v1beta1` (info), or an unknown version or kind (error).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authentication',
    'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/',
  ],
  applies: (r) => r.group === AIO_GROUP || (r.group === LEGACY_AIO_GROUP && AIO_KINDS.has(r.kind)),
  check(r, ctx) {
    const written = String(r.value.apiVersion).trim();
    if (r.group === LEGACY_AIO_GROUP) {
      ctx.report({
        path: ['apiVersion'],
        severity: 'warning',
        message: `\`${written}\` is the pre-GA Azure IoT MQ API; AIO GA does not serve it, so applying this ${r.kind} fails ("no matches for kind"). Migrate to \`${V1}\`: ${MIGRATION[r.kind]}.`,
        data: { replace: V1 },
      });
      return;
    }
    if (!AIO_KINDS.has(r.kind)) {
      const best = closestAllowed(r.kind, [...AIO_KINDS]);
      ctx.report({
        path: ['kind'],
        message: `${AIO_GROUP} has no kind \`${r.kind}\` (it serves BrokerListener, BrokerAuthentication, BrokerAuthorization and Broker), so the API server rejects it ("no matches for kind").${best ? ` Did you mean \`${best}\`?` : ''}`,
        data: best ? { replace: best } : undefined,
      });
      return;
    }
    if (r.version === 'v1') return;
    if (r.version === 'v1beta1') {
      const previewOnly = usesPreviewOnlyField(r.value);
      ctx.report({
        path: ['apiVersion'],
        severity: 'info',
        message: previewOnly
          ? `\`v1beta1\` is a preview version of the AIO broker API (v1 is GA; the AIO 1.0 CRDs serve only v1). This object uses \`additionalValidation\`, which only v1beta1 has, so keep it only if your AIO release serves v1beta1.`
          : `\`v1beta1\` is a preview version of the AIO broker API; v1 is GA and the AIO 1.0 CRDs serve only v1. Use \`${V1}\`.`,
        data: previewOnly ? undefined : { replace: V1 },
      });
      return;
    }
    ctx.report({
      path: ['apiVersion'],
      message: `\`${written}\` is not a version AIO serves: ${AIO_GROUP} has v1 (GA) and v1beta1 (preview), and the AIO 1.0 CRDs serve only v1, so applying this fails ("no matches for kind"). Use \`${V1}\`.`,
      data: { replace: V1 },
    });
  },
};
export default rule;

/** `x509Settings.additionalValidation` exists only in v1beta1. */
function usesPreviewOnlyField(value: Record<string, any>): boolean {
  const methods = value.spec?.authenticationMethods;
  return (
    Array.isArray(methods) &&
    methods.some(
      (m: any) =>
        m &&
        typeof m === 'object' &&
        m.x509Settings &&
        typeof m.x509Settings === 'object' &&
        'additionalValidation' in m.x509Settings,
    )
  );
}

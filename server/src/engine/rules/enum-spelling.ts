// The AIO CRDs list a lowerCamel twin beside most documented enum values (`clusterIp` beside
// `ClusterIp`, `mqtt`, `webSockets`, `ec256`, `always`, `enabled`, ...) and the API server accepts both; AIO's own
// manifests use them. So they are never errors or warnings: at most a hint, with a quick fix to the spelling the
// docs and `az iot ops` use. (Spellings the CRD rejects, such as `ClusterIP`, are `schema` errors.)
//
// Finding `data`: replace: string — the documented spelling for the finding's range (the value).
import type { DocumentRule } from '../rule';
import { hasEnumBelow, judgingSchema, walkWithSchema } from '../schema';
import { AIO_KINDS } from '../resources';
import { documentedSpelling } from '../spelling';

const rule: DocumentRule = {
  scope: 'document',
  code: 'enum-spelling',
  severity: 'hint',
  title:
    'An accepted lowerCamel enum spelling (`clusterIp`, `mqtt`, `ec256`, ...) instead of the documented one (`ClusterIp`, `Mqtt`, `Ec256`).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/',
  ],
  applies: (r) => AIO_KINDS.has(r.kind) && judgingSchema(r.apiVersion, r.kind, r.value) !== undefined,
  check(r, ctx) {
    const key = judgingSchema(r.apiVersion, r.kind, r.value);
    if (!key) return;
    walkWithSchema(
      key,
      r.value,
      (path, value, node) => {
        if (typeof value !== 'string' || !node.enum || !node.enum.includes(value)) return;
        const documented = documentedSpelling(value, node.enum);
        if (!documented) return;
        ctx.report({
          path: [...path],
          message: `\`${value}\` is accepted, but AIO documents this value as \`${documented}\`; use that spelling to match the docs and \`az iot ops\` output.`,
          data: { replace: documented },
        });
      },
      hasEnumBelow,
    );
  },
};
export default rule;

// Fields of
// the pre-GA IoT MQ API and the 0.7 preview (`spec.port`, `authenticationEnabled`, `tls.automatic`,
// `manual.secretName`, `secretNamespace`, `privateKey.size`, `listenerRef`, `enableCache`, ...) with what v1 uses.
// The table is in ../legacy.ts.
//
// Severity: warning on mqttbroker v1/v1beta1 objects (the v1 CRD does not have the field: kubectl apply rejects it
// or it is dropped); info on objects of the legacy mq.iotoperations.azure.com group, where the field is consistent
// with that old API and `api-version` already warns — there it is a migration note.
// `privateKey.size` is not reported when the `schema` finding on a cert-manager style algorithm already folds it in
// (`algorithm: ECDSA` + `size: 384` → `Ec384`, deleting `size`).
//
// Finding `data`:
//   field: string        the legacy field's path, e.g. `spec.ports[0].tls.manual.secretName`
//   v1: string           what v1 uses instead (the same text as in the message)
//   replace?: string     for pure renames, the v1 key name for the finding's range (the key): `secretRef`,
//                        `certManagerCertificateSpec`, `serviceAccountTokenSettings`, ...; for a boolean
//                        `enableCache: false` the finding covers the whole entry and replace is `cache: Disabled`
//   deleteRange?: Range  for fields v1 has no use for (`secretNamespace`, `size`, `listenerRef`, images): the entry
//                        to delete (its whole line in block style, or the entry and one comma in flow style)
import { DataSpan, type DocumentRule, type Report } from '../rule';
import { AIO_GROUP, AIO_KINDS, LEGACY_AIO_GROUP } from '../resources';
import { AIO_SCHEMA_VERSIONS, fieldPath, schemaAt } from '../schema';
import { legacyFieldAt, sizeConsumedByAlgorithmFix } from '../legacy';
import { pairDeletion, pairSpan } from '../yaml-ranges';

const rule: DocumentRule = {
  scope: 'document',
  code: 'legacy-field',
  severity: 'warning',
  title:
    'A field from a pre-GA AIO shape (`spec.port`, `authenticationEnabled`, `tls.automatic`, `manual.secretName`, `privateKey.size`, `listenerRef`, ...) that v1 replaced.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authentication',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authorization',
  ],
  applies: (r) =>
    AIO_KINDS.has(r.kind) &&
    (r.group === LEGACY_AIO_GROUP || (r.group === AIO_GROUP && AIO_SCHEMA_VERSIONS.has(r.version))),
  check(r, ctx) {
    const legacyGroup = r.group === LEGACY_AIO_GROUP;
    const chunk = r.chunk;
    const path: (string | number)[] = [];
    const walk = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          path.push(i);
          walk(v[i]);
          path.pop();
        }
        return;
      }
      for (const k of Object.keys(v)) {
        path.push(k);
        const child = (v as Record<string, unknown>)[k];
        const field = legacyFieldAt(r.kind, path);
        if (!field) walk(child);
        else {
          const consumed =
            !legacyGroup &&
            k === 'size' &&
            sizeConsumedByAlgorithmFix(
              v,
              schemaAt(r.apiVersion, r.kind, [...path.slice(0, -1), 'algorithm'])?.enum ?? [],
            );
          if (!consumed) ctx.report(report(field, [...path], child, legacyGroup));
          if (field.rename) walk(child); // a renamed block keeps its contents, which may hold legacy fields too
        }
        path.pop();
      }
    };
    const report = (
      field: NonNullable<ReturnType<typeof legacyFieldAt>>,
      at: (string | number)[],
      value: unknown,
      old: boolean,
    ): Report => {
      const fp = fieldPath(at);
      const message = old
        ? `\`${fp}\` belongs to the pre-GA IoT MQ API. When migrating to ${AIO_GROUP}/v1: ${field.v1}.`
        : `\`${fp}\` is a field of an older AIO shape that the v1 CRD does not have (kubectl apply rejects it as an unknown field): ${field.v1}.`;
      const data: Record<string, unknown> = { field: fp, v1: field.v1 };
      const rep: Report = { path: at, key: true, message, data };
      if (old) rep.severity = 'info';
      if (field.rename) data.replace = field.rename;
      if (field.remove && chunk) {
        const del = pairDeletion(chunk.parse.text, chunk.parse.doc, at);
        if (del) data.deleteRange = new DataSpan(del.start, del.end);
      }
      if (at[at.length - 1] === 'enableCache' && typeof value === 'boolean' && chunk) {
        const span = pairSpan(chunk.parse.doc, at);
        if (span) {
          rep.offsets = span;
          delete rep.path;
          data.replace = `cache: ${value ? 'Enabled' : 'Disabled'}`;
        }
      }
      return rep;
    };
    // Every legacy field lives under spec (metadata and status are never walked: annotations can be large).
    if (r.value.spec && typeof r.value.spec === 'object') {
      path.push('spec');
      walk(r.value.spec);
      path.pop();
    }
  },
};
export default rule;

// The Secret behind `manual.secretRef` must be a `kubernetes.io/tls` Secret with `tls.crt`
// (the chain, PEM) and `tls.key` (the key, unencrypted PEM) that belong together. Values under `data` are base64,
// under `stringData` plain text. Cluster facts carry only `type` and `data['tls.crt']` (never keys), so a missing
// tls.key is only judged for Secrets in the workspace. Messages never include secret values.
// data: { secret, namespace, problem: 'type' | 'no-data' | 'missing-crt' | 'missing-key' | 'crt' | 'key' | 'key-mismatch', replace? }.
import type { WorkspaceRule } from '../rule';
import type { Path } from '../parse';
import { secretTls } from '../tls';
import { manualSecretUses, reportSecret, secretKeyPath } from '../tls-ports';

const TLS_TYPE = 'kubernetes.io/tls';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'tls-secret-invalid',
  severity: 'error',
  title:
    'The manual TLS Secret is not `kubernetes.io/tls`, lacks `tls.crt`/`tls.key`, holds unreadable PEM, or its key does not belong to the certificate.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual',
    'https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets',
  ],
  check(ctx) {
    for (const use of manualSecretUses(ctx.index)) {
      const { secret } = use;
      const inWorkspace = secret.origin === 'workspace';
      const s = secretTls(secret.value);
      const base = { secret: secret.name, namespace: secret.namespace };
      const mapPath = (): Path =>
        secret.value.data && typeof secret.value.data === 'object'
          ? ['data']
          : secret.value.stringData && typeof secret.value.stringData === 'object'
            ? ['stringData']
            : ['metadata', 'name'];
      if (s.type !== TLS_TYPE && (inWorkspace || s.type !== undefined)) {
        reportSecret(ctx, use, s.type !== undefined ? ['type'] : ['metadata', 'name'], false, {
          severity: 'warning',
          message: `The Secret's type is ${s.type !== undefined ? `'${s.type}'` : 'not set (so Opaque)'}; the broker expects a kubernetes.io/tls Secret with tls.crt and tls.key, as 'kubectl create secret tls' makes. Set 'type: ${TLS_TYPE}'.`,
          data: { ...base, problem: 'type', ...(s.type !== undefined && inWorkspace ? { replace: TLS_TYPE } : {}) },
        });
      }
      if (!s.hasData) {
        if (inWorkspace) {
          reportSecret(ctx, use, ['metadata', 'name'], false, {
            message:
              'This Secret has no data: add tls.crt (the server certificate, then its intermediates) and tls.key (its private key).',
            data: { ...base, problem: 'no-data' },
          });
        }
        continue;
      }
      if (!s.crt) {
        reportSecret(ctx, use, mapPath(), inWorkspace, {
          message:
            'The Secret has no tls.crt: add the server certificate chain (server certificate first, then intermediates) under tls.crt.',
          data: { ...base, problem: 'missing-crt' },
        });
      } else if (s.crt.problem) {
        reportSecret(ctx, use, secretKeyPath(secret, 'tls.crt') ?? mapPath(), true, {
          message: `${s.crt.problem}.`,
          data: { ...base, problem: 'crt' },
        });
      }
      if (!inWorkspace) continue; // cluster facts never carry tls.key
      if (!s.key) {
        reportSecret(ctx, use, mapPath(), true, {
          message:
            "The Secret has no tls.key: add the server certificate's private key (unencrypted PEM) under tls.key.",
          data: { ...base, problem: 'missing-key' },
        });
      } else if (s.key.problem) {
        reportSecret(ctx, use, secretKeyPath(secret, 'tls.key') ?? mapPath(), true, {
          message: `${s.key.problem}.`,
          data: { ...base, problem: 'key' },
        });
      } else if (s.key.matchesLeaf === false && s.crt?.chain) {
        const leaf = s.crt.chain.certs[s.crt.chain.leaf];
        reportSecret(ctx, use, secretKeyPath(secret, 'tls.key') ?? mapPath(), true, {
          message: `tls.key is not the private key of the server certificate '${leaf.label}', so the broker cannot use the pair. Put the matching key (or the matching certificate) in this Secret.`,
          data: { ...base, problem: 'key-mismatch' },
        });
      }
    }
  },
};
export default rule;

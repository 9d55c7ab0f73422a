// `tls.crt` holds the server certificate first, then the certificate that
// issued it, and so on (`cat server.crt intermediate.crt > server_chain.crt`). Otherwise the broker presents an
// intermediate as its own certificate, or clients cannot build the chain.
// data: { serverIndex } (0-based position of the server certificate in tls.crt) or { position } (the first
// certificate not followed by its issuer).
import type { WorkspaceRule } from '../rule';
import { secretTls } from '../tls';
import { manualSecretUses, reportSecret, secretKeyPath } from '../tls-ports';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'tls-chain-order',
  severity: 'error',
  title:
    'The certificates in tls.crt are out of order: the server certificate must come first, each followed by its issuer.',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual'],
  check(ctx) {
    for (const use of manualSecretUses(ctx.index)) {
      const chain = secretTls(use.secret.value).crt?.chain;
      if (!chain || chain.certs.length < 2) continue;
      const { certs, leaf, issuer } = chain;
      const at = secretKeyPath(use.secret, 'tls.crt') ?? ['metadata', 'name'];
      if (leaf !== 0) {
        reportSecret(ctx, use, at, true, {
          message: `tls.crt starts with '${certs[0].label}'${certs[0].ca ? ' (a CA certificate)' : ''}, but the server certificate '${certs[leaf].label}' (number ${leaf + 1}) must come first, followed by its intermediates. Rebuild the file server first: cat server.crt intermediate.crt > server_chain.crt.`,
          data: { serverIndex: leaf },
        });
        continue;
      }
      for (let i = 0; i < certs.length - 1; i++) {
        const p = issuer[i];
        if (p < 0 || p === i + 1) continue;
        reportSecret(ctx, use, at, true, {
          message: `In tls.crt, '${certs[i].label}' is followed by '${certs[i + 1].label}' instead of its issuer '${certs[p].label}': each certificate must be followed by the one that signed it. Reorder the certificates.`,
          data: { position: i },
        });
        break;
      }
    }
  },
};
export default rule;

// EC and RSA are both supported, but every certificate in the server chain must
// use the same key algorithm.
// data: { algorithms: { [certificate label]: 'EC' | 'RSA' | 'EdDSA' | 'DSA' } }.
import type { WorkspaceRule } from '../rule';
import { secretTls } from '../tls';
import { manualSecretUses, reportSecret, secretKeyPath } from '../tls-ports';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'tls-key-algorithm-mismatch',
  severity: 'error',
  title: 'The certificates in tls.crt mix key algorithms (EC and RSA); AIO requires one algorithm for the whole chain.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
  ],
  check(ctx) {
    for (const use of manualSecretUses(ctx.index)) {
      const chain = secretTls(use.secret.value).crt?.chain;
      if (!chain || chain.certs.length < 2) continue;
      const known = chain.certs.filter((c) => c.keyFamily !== 'unknown');
      const families = [...new Set(known.map((c) => c.keyFamily))];
      if (families.length < 2) continue;
      const leaf = chain.certs[chain.leaf];
      const list = known.map((c) => `'${c.label}' ${c.keyFamily}`).join(', ');
      reportSecret(ctx, use, secretKeyPath(use.secret, 'tls.crt') ?? ['metadata', 'name'], true, {
        message: `The chain mixes key algorithms (${list}); every certificate in it must use the same one, EC or RSA. Reissue ${leaf.keyFamily === 'unknown' ? 'the certificates' : `the certificates that are not ${leaf.keyFamily}`} so the whole chain matches.`,
        data: { algorithms: Object.fromEntries(known.map((c) => [c.label, c.keyFamily])) },
      });
    }
  },
};
export default rule;

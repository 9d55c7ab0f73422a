// Clients refuse a server chain with an expired or not-yet-valid certificate, and nobody renews
// a manual certificate. Error when a certificate in tls.crt has expired; warning when one is not valid yet or
// expires within 30 days. The time comes from the engine's `now` option (tests inject it), else the clock.
// data: { state: 'expired' | 'not-yet-valid' | 'expiring', subject, notBefore, notAfter (ISO 8601) }.
import type { WorkspaceRule } from '../rule';
import { CertInfo, secretTls } from '../tls';
import { manualSecretUses, reportSecret, secretKeyPath } from '../tls-ports';

const SOON_DAYS = 30;
const DAY = 86400000;

type State = 'expired' | 'not-yet-valid' | 'expiring';
const RANK: Record<State, number> = { expired: 3, 'not-yet-valid': 2, expiring: 1 };

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  clock: true,
  code: 'tls-cert-expired',
  severity: 'error',
  title:
    'A certificate in the manual TLS Secret has expired (error), is not valid yet, or expires within 30 days (warning).',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual'],
  check(ctx) {
    const now = (ctx.options.now?.() ?? new Date()).getTime();
    for (const use of manualSecretUses(ctx.index)) {
      const chain = secretTls(use.secret.value).crt?.chain;
      if (!chain) continue;
      let worst: { cert: CertInfo; state: State; index: number } | undefined;
      let affected = 0;
      chain.certs.forEach((cert, index) => {
        const state: State | undefined =
          cert.notAfter.getTime() < now
            ? 'expired'
            : cert.notBefore.getTime() > now
              ? 'not-yet-valid'
              : cert.notAfter.getTime() - now < SOON_DAYS * DAY
                ? 'expiring'
                : undefined;
        if (!state) return;
        affected++;
        const better =
          !worst || RANK[state] > RANK[worst.state] || (RANK[state] === RANK[worst.state] && index === chain.leaf);
        if (better) worst = { cert, state, index };
      });
      if (!worst) continue;
      const { cert, state, index } = worst;
      const who =
        index === chain.leaf
          ? `The server certificate '${cert.label}'`
          : `The ${cert.ca ? 'CA certificate' : 'certificate'} '${cert.label}' (number ${index + 1} in tls.crt)`;
      const day = (d: Date) => d.toISOString().slice(0, 10);
      const more =
        affected > 1
          ? ` (${affected - 1} more certificate${affected > 2 ? 's' : ''} in the chain ${affected > 2 ? 'have' : 'has'} date problems too)`
          : '';
      const message =
        state === 'expired'
          ? `${who} expired on ${day(cert.notAfter)}; clients refuse the connection. Issue a new certificate and replace tls.crt and tls.key.${more}`
          : state === 'not-yet-valid'
            ? `${who} is not valid before ${day(cert.notBefore)}; clients refuse it until then. Check the clock of the machine that created it, or reissue it.${more}`
            : `${who} expires on ${day(cert.notAfter)}, in ${Math.max(0, Math.floor((cert.notAfter.getTime() - now) / DAY))} days. A manual certificate is not renewed for you: issue a new one and update the Secret before then.${more}`;
      reportSecret(ctx, use, secretKeyPath(use.secret, 'tls.crt') ?? ['metadata', 'name'], true, {
        severity: state === 'expired' ? 'error' : 'warning',
        message,
        data: {
          state,
          subject: cert.label,
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
        },
      });
    }
  },
};
export default rule;

// cert-manager only issues from an issuer whose `Ready` condition is True. Only cluster facts
// carry a live status, so only issuers known from the cluster are judged (a status written in a file is stale).
// data: { kind, name, reason? }.
import type { WorkspaceRule } from '../rule';
import { issuerUses, whereIs } from '../tls-ports';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'issuer-not-ready',
  severity: 'warning',
  title: 'The issuer is in the cluster but its Ready condition is not True, so no certificate is issued.',
  sources: ['https://cert-manager.io/docs/concepts/issuer/', 'https://cert-manager.io/docs/configuration/ca/'],
  check(ctx) {
    const { index } = ctx;
    for (const u of issuerUses(index)) {
      if (u.referrer.origin !== 'workspace') continue;
      const issuer = u.found[0];
      if (!issuer || issuer.origin !== 'cluster') continue;
      const conditions = issuer.value.status?.conditions;
      if (!Array.isArray(conditions)) continue;
      const ready = conditions.find((c: any) => c && c.type === 'Ready');
      if (!ready || ready.status === 'True') continue;
      const reason = typeof ready.reason === 'string' && ready.reason ? ready.reason : undefined;
      const detail = typeof ready.message === 'string' && ready.message ? ready.message.slice(0, 200) : undefined;
      ctx.report(u.referrer, {
        path: [...u.path, 'name'],
        message: `${whereIs(issuer)} is not Ready${reason ? ` (${reason}${detail ? `: ${detail}` : ''})` : detail ? ` (${detail})` : ''}, so cert-manager issues no certificate from it. Fix the issuer first (kubectl describe ${u.ref.kind.toLowerCase()} ${u.ref.name}${u.ref.kind === 'Issuer' ? ` -n ${u.ref.namespace}` : ''}).`,
        related: [{ resource: issuer, message: whereIs(issuer) }],
        data: { kind: u.ref.kind, name: u.ref.name, ...(reason ? { reason } : {}) },
      });
    }
  },
};
export default rule;

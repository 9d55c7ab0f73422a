// `manual.secretRef` names a Secret in the listener's namespace. When it
// is missing, the Service is still created but the broker pods wait ("Server certificate ... not found. Awaiting
// creation of secret.") until it appears. A Secret counts as present when it is in the workspace or the cluster
// facts, or when something in the workspace writes it (a cert-manager Certificate, an automatic-TLS port's
// secretName, a SecretProviderClass, ExternalSecret or SealedSecret).
// data (for a "create the Secret" quick fix): { kind: 'Secret', type: 'kubernetes.io/tls', name, namespace, didYouMean? }.
import type { WorkspaceRule } from '../rule';
import { closeNames, findSecret, secretSources, tlsPorts, whereIs } from '../tls-ports';
import { isPlaceholder } from '../tls';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  across: ['Secret'],
  code: 'tls-secret-not-found',
  severity: 'warning',
  title:
    "The manual TLS Secret is not in the listener's namespace: the Service is created but the broker pods wait for it.",
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-tls-manual'],
  check(ctx) {
    const { index } = ctx;
    let sources: ReturnType<typeof secretSources> | undefined;
    for (const p of tlsPorts(index)) {
      if (p.listener.origin !== 'workspace') continue;
      const ref = p.manual?.secretRef;
      if (typeof ref !== 'string' || !ref || isPlaceholder(ref)) continue;
      const ns = p.listener.namespace;
      if (findSecret(index, ns, ref).length) continue;
      sources ??= secretSources(index);
      if (sources.get(`${ns}/${ref}`)?.length) continue;
      const elsewhere = ctx.across('Secret', '').filter((r) => r.name === ref && r.namespace !== ns);
      const close = closeNames(
        ref,
        index
          .ofKind('Secret', '')
          .filter((r) => r.namespace === ns && r.name)
          .map((r) => r.name!),
      );
      let message = `No Secret '${ref}' in namespace '${ns}'${ctx.factsComplete ? ' in the cluster' : ''}. The listener's Service is created, but the broker pods wait until the Secret exists. Create a kubernetes.io/tls Secret holding the server certificate chain and its key (kubectl create secret tls ${ref} -n ${ns} --cert server_chain.crt --key server.key)`;
      if (elsewhere.length)
        message += `; a Secret of that name exists in namespace '${elsewhere[0].namespace}', but the broker only reads Secrets from the listener's namespace.`;
      else message += close.length ? `, or fix the name (did you mean '${close[0]}'?).` : '.';
      ctx.report(p.listener, {
        path: [...p.path, 'manual', 'secretRef'],
        message,
        related: elsewhere.map((r) => ({
          resource: r,
          path: ['metadata', 'name'],
          message: `${whereIs(r)}: not readable from namespace '${ns}'`,
        })),
        data: {
          kind: 'Secret',
          type: 'kubernetes.io/tls',
          name: ref,
          namespace: ns,
          ...(close.length ? { didYouMean: close[0] } : {}),
        },
      });
    }
  },
};
export default rule;

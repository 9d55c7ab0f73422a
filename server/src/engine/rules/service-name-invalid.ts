// The listener's Service is named `spec.serviceName`, or the listener name when that is
// not set, and Kubernetes only accepts a DNS-1035 label there (lower-case letters, digits and '-', starting with a
// letter, ending with a letter or digit, at most 63 characters). The CRD does not check it, so the
// operator fails later when it creates the Service.
//
// Why a code of its own rather than part of service-name-conflict: it is about one name, not a clash between objects,
// it has a different fix (rename) and users may want to silence one without the other. It still runs over the listener
// groups because a kustomize patch without `serviceName` must not be judged by its listener name when the base sets one.
//
// data: { serviceName: string, suggestion?: string (a valid label made from it), replace?: string (same, only when the
// finding is on spec.serviceName) }
import type { WorkspaceRule } from '../rule';
import { listenerModel, serviceNamesOf } from '../listener-model';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS_1035.test(s);
}

export function toDns1035Label(s: string): string {
  let out = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  out = out.replace(/-{2,}/g, '-');
  return out;
}

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'service-name-invalid',
  severity: 'error',
  title:
    'The listener’s Service name (spec.serviceName, or the listener name) is not a valid Kubernetes Service name (DNS-1035 label).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names',
  ],
  check(ctx) {
    for (const g of listenerModel(ctx.index).groups) {
      if (g.origin !== 'workspace') continue;
      for (const s of serviceNamesOf(g)) {
        if (s.doc.origin !== 'workspace' || isDns1035Label(s.value)) continue;
        const explicit = s.path[1] === 'serviceName';
        const suggestion = toDns1035Label(s.value);
        const why =
          s.value.length > 63
            ? `is ${s.value.length} characters long (at most 63)`
            : "is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter)";
        const message = explicit
          ? `Service name '${s.value}' ${why}, so Kubernetes rejects the listener's Service.${suggestion ? ` Use e.g. '${suggestion}'.` : ''}`
          : `The listener name '${s.value}' becomes its Service name because spec.serviceName is not set, and it ${why}. ` +
            `Set spec.serviceName to a valid name${suggestion ? `, e.g. '${suggestion}'` : ''}, or rename the listener.`;
        ctx.report(s.doc, {
          path: s.path,
          message,
          data: {
            serviceName: s.value,
            ...(suggestion ? { suggestion } : {}),
            ...(explicit && suggestion ? { replace: suggestion } : {}),
          },
        });
      }
    }
  },
};

export default rule;

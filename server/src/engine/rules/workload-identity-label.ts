// The azure-workload-identity webhook only mutates pods that
// carry the label `azure.workload.identity/use: "true"` themselves, so it must be in the POD TEMPLATE's labels
// (spec.template.metadata.labels; a CronJob's spec.jobTemplate.spec.template.metadata.labels; a bare Pod's
// metadata.labels). A workload needs it when its pods run as a Service Connector ServiceAccount (`sc-account-…`)
// or as a ServiceAccount annotated `azure.workload.identity/client-id` (workspace or cluster). The label on the
// workload's own metadata — the pitfall of the Service Connector how-to's Job example — does not reach the pods;
// it also shows the author meant to use workload identity, so it is reported whatever the ServiceAccount.
// An explicit other string value (e.g. "false") is a deliberate opt-out and is left alone; a YAML boolean `true` is
// not a string, which Kubernetes rejects for a label.
//
// data: { labelsPath: (string|number)[] (the pod template's labels map, where the label belongs),
//   moveFrom?: (string|number)[] (the label on the workload's own metadata, to remove), serviceAccount?: string,
//   replace?: string ('"true"', when the finding is on a boolean value) }
import type { WorkspaceRule, RelatedReport } from '../rule';
import type { Path } from '../parse';
import { Resource, WORKLOAD_KINDS } from '../resources';
import { label as labelOf } from '../listener-model';

export const WI_LABEL = 'azure.workload.identity/use';
export const WI_CLIENT_ID = 'azure.workload.identity/client-id';
export const SC_ACCOUNT_PREFIX = 'sc-account-';

/** Where the pod template's metadata and spec are in a workload. */
export function podTemplate(r: Resource): { meta: Path; spec: Path } {
  if (r.kind === 'Pod') return { meta: ['metadata'], spec: ['spec'] };
  if (r.kind === 'CronJob')
    return {
      meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
      spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    };
  return { meta: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] };
}

function at(v: any, path: Path): any {
  for (const k of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = v[k];
  }
  return v;
}

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'workload-identity-label',
  severity: 'warning',
  title:
    'A workload using a workload-identity (or Service Connector) ServiceAccount lacks `azure.workload.identity/use: "true"` on its pod template.',
  sources: [
    'https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html',
    'https://learn.microsoft.com/azure/aks/workload-identity-overview',
    'https://learn.microsoft.com/azure/service-connector/how-to-use-service-connector-in-aks',
  ],
  check(ctx) {
    for (const kind of WORKLOAD_KINDS) {
      for (const w of ctx.index.ofKind(kind)) {
        if (w.origin !== 'workspace' || !w.value || typeof w.value !== 'object') continue;
        const t = podTemplate(w);
        const labelsPath: Path = [...t.meta, 'labels'];
        const podLabels = at(w.value, labelsPath);
        const value = podLabels && typeof podLabels === 'object' ? podLabels[WI_LABEL] : undefined;
        if (typeof value === 'string') continue; // "true", or a deliberate other value
        const podSpec = at(w.value, t.spec);
        const saRaw =
          podSpec && typeof podSpec === 'object' ? (podSpec.serviceAccountName ?? podSpec.serviceAccount) : undefined;
        const sa = typeof saRaw === 'string' && saRaw !== '' ? saRaw : undefined;
        const saPath: Path = [
          ...t.spec,
          podSpec?.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount',
        ];
        if (value === true) {
          ctx.report(w, {
            path: [...labelsPath, WI_LABEL],
            message: `Label '${WI_LABEL}' must be the string "true" (quoted); Kubernetes rejects a boolean label value.`,
            data: { labelsPath, replace: '"true"', ...(sa ? { serviceAccount: sa } : {}) },
          });
          continue;
        }
        if (value !== undefined && value !== null) continue;
        const ownLabels = w.kind !== 'Pod' ? w.value.metadata?.labels : undefined;
        const onWorkload = ownLabels && typeof ownLabels === 'object' && ownLabels[WI_LABEL] !== undefined;
        const related: RelatedReport[] = [];
        let why: string | undefined;
        if (sa?.startsWith(SC_ACCOUNT_PREFIX))
          why = `ServiceAccount '${sa}' is a Service Connector workload-identity account`;
        else if (sa) {
          const acct = ctx.index
            .get('ServiceAccount', w.namespace, sa)
            .find((s) => s.value.metadata?.annotations?.[WI_CLIENT_ID] !== undefined);
          if (acct) {
            why = `ServiceAccount '${sa}' is a workload-identity account (annotation ${WI_CLIENT_ID})`;
            related.push({
              resource: acct,
              path: ['metadata', 'annotations', WI_CLIENT_ID],
              key: true,
              message: `${labelOf('ServiceAccount', acct)} has ${WI_CLIENT_ID}`,
            });
          }
        }
        if (!why && !onWorkload) continue;
        const where = w.kind === 'Pod' ? "the Pod's metadata.labels" : `the pod template (${labelsPath.join('.')})`;
        if (onWorkload) {
          ctx.report(w, {
            path: ['metadata', 'labels', WI_LABEL],
            key: true,
            message: `Label '${WI_LABEL}' is on the ${w.kind}'s own metadata, which does not reach its pods, so the workload-identity webhook skips them${why ? ` (${why})` : ''}. Move the label to ${where}.`,
            related,
            data: { labelsPath, moveFrom: ['metadata', 'labels', WI_LABEL], ...(sa ? { serviceAccount: sa } : {}) },
          });
        } else {
          ctx.report(w, {
            path: saPath,
            message: `${why}, but ${where} lacks '${WI_LABEL}: "true"', so the workload-identity webhook does not give the pods a token and Azure sign-in fails. Add the label to ${where}.`,
            related,
            data: { labelsPath, serviceAccount: sa },
          });
        }
      }
    }
  },
};

export default rule;

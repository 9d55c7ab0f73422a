// Diagnosis of a failed Service Connector job: its conditions, events, container messages and log tail are matched
// against the errors Microsoft documents for Service Connector on AKS and for AKS cluster extensions. Pure.

/** What a diagnosis reads of a job: model.ts's JobModel has all of it (this file does not import the model). */
export interface JobEvidence {
  readonly name: string;
  readonly namespace: string;
  readonly conditions: readonly { type: string; status: string; reason?: string; message?: string }[];
  readonly events: readonly { reason: string; message: string }[];
  readonly pods: readonly {
    readonly containers: readonly { state: string; reason?: string; message?: string; log?: string }[];
  }[];
}

export interface Diagnosis {
  /** Stable id of the known error. */
  code: string;
  cause: string;
  mitigation: string;
  /** A command the user can copy to fix or investigate it. */
  fix?: string;
  /** The text that matched (one line, trimmed). */
  evidence: string;
}

interface Known {
  code: string;
  pattern: RegExp;
  cause: string;
  mitigation: string;
  fix?: (j: JobEvidence) => string;
}

const describeJob = (j: JobEvidence) => `kubectl describe job/${j.name} -n ${j.namespace}`;

// In the order of the documented tables; the first specific match wins per code.
const KNOWN: Known[] = [
  {
    code: 'subscription-not-registered',
    pattern: /not registered to use namespace '?Microsoft\.KubernetesConfiguration'?/i,
    cause: 'The subscription is not registered for the Microsoft.KubernetesConfiguration resource provider.',
    mitigation: 'Register the provider, wait until it shows Registered, then retry.',
    fix: () => 'az provider register -n Microsoft.KubernetesConfiguration',
  },
  {
    code: 'conflict',
    pattern: /invalid status code:?\s*'?Conflict'?/i,
    cause:
      'The cluster was updating while the connection was created, or the subscription is not registered for Microsoft.KubernetesConfiguration.',
    mitigation:
      'Wait until the cluster provisioning state is Succeeded and retry; register Microsoft.KubernetesConfiguration if it is not.',
    fix: () => 'az provider register -n Microsoft.KubernetesConfiguration',
  },
  {
    code: 'critical-addons-only',
    pattern: /CriticalAddonsOnly/i,
    cause: 'Every node pool is tainted CriticalAddonsOnly, so the extension pods cannot be scheduled.',
    mitigation: 'Add a node pool without the taint, or remove the taint from one pool.',
    fix: () => 'az aks nodepool add --resource-group <rg> --cluster-name <cluster> --name userpool --node-count 1',
  },
  {
    code: 'agent-timeout',
    pattern: /Unable to get a response from the agent in time/i,
    cause:
      'The extension agent or manager pods are not running (resources, policy, NoSchedule taints) or egress to the extension data plane is blocked.',
    mitigation: 'Check the extension pods in kube-system and fix their scheduling; allow the AKS outbound FQDN rules.',
    fix: () => 'kubectl get pods -n kube-system -l app.kubernetes.io/name=extension-operator -o wide',
  },
  {
    code: 'helm-download',
    pattern: /Unable to download the Helm chart/i,
    cause: 'The Helm chart could not be downloaded: egress or a firewall blocks the chart registry.',
    mitigation: 'Allow the AKS outbound rules and scaksextension.azurecr.io, then retry.',
  },
  {
    code: 'helm-render',
    pattern: /Helm chart rendering failed/i,
    cause: "The extension's configuration settings are missing or invalid.",
    mitigation: 'Fix the configuration settings of the extension and retry.',
  },
  {
    code: 'resource-exists',
    pattern: /(Resource already exists in your cluster|already exists)/i,
    cause: 'An object the job must create already exists in the cluster.',
    mitigation: 'Delete the conflicting object if it is not needed, then retry.',
  },
  {
    code: 'helm-in-progress',
    pattern: /Operation is already in progress for Helm/i,
    cause: 'Another Helm operation on the release is still running.',
    mitigation: 'Wait for it to finish, then retry.',
    fix: () => 'kubectl get secrets -n sc-system -l owner=helm --show-labels',
  },
  {
    code: 'permission',
    pattern:
      /(You do not have permission to perform|does not have (the )?authorization to perform|AuthorizationFailed)/i,
    cause: 'The caller lacks permissions on a resource Service Connector must change.',
    mitigation: 'Obtain the permissions named in the message (then refresh your credentials) and retry.',
  },
  {
    code: 'resource-readiness-timeout',
    pattern:
      /(Timed out waiting for (the )?resource( readiness| to come to a ready\/completed state)|job failed: BackoffLimitExceeded)/i,
    cause:
      "The job's pods did not become ready or complete: CPU or memory shortage, taints or policy, an OS/architecture mismatch, or bad configuration values.",
    mitigation: 'Check node resources and taints, the namespace events and the Helm values; inspect the job.',
    fix: describeJob,
  },
];

/** Lines of evidence from a job: condition reasons and messages, events, container messages, then log lines. */
function evidence(j: JobEvidence): string[] {
  const out: string[] = [];
  for (const c of j.conditions) out.push([c.reason, c.message].filter(Boolean).join(': '));
  for (const e of j.events) out.push(`${e.reason}: ${e.message}`);
  for (const p of j.pods)
    for (const c of p.containers) {
      if (c.message) out.push(c.message);
      if (c.reason && c.state !== 'running') out.push(c.reason);
      if (c.log) out.push(...c.log.split('\n'));
    }
  return out.map((l) => l.trim()).filter(Boolean);
}

export function diagnose(j: JobEvidence): Diagnosis[] {
  const lines = evidence(j);
  const found: Diagnosis[] = [];
  const seen = new Set<string>();
  for (const k of KNOWN) {
    if (seen.has(k.code)) continue;
    // "already exists" alone is too common to be a diagnosis unless nothing more specific matched.
    const line = lines.find((l) => k.pattern.test(l));
    if (!line) continue;
    if (k.code === 'conflict' && seen.has('subscription-not-registered')) continue;
    seen.add(k.code);
    found.push({
      code: k.code,
      cause: k.cause,
      mitigation: k.mitigation,
      ...(k.fix ? { fix: k.fix(j) } : {}),
      evidence: line.length > 300 ? line.slice(0, 297) + '...' : line,
    });
  }
  if (found.length === 0) {
    const failedCond = j.conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failedCond && /BackoffLimitExceeded|DeadlineExceeded/.test(failedCond.reason ?? '')) {
      found.push({
        code: 'job-failed',
        cause: `The job failed (${failedCond.reason}): its pods exited with errors${failedCond.reason === 'DeadlineExceeded' ? ' or ran past the deadline' : ' too often'}.`,
        mitigation:
          'Read the pod log and events below; if the cause is not clear, remove and re-create the sc-extension.',
        fix: `kubectl logs job/${j.name} -n ${j.namespace}`,
        evidence: [failedCond.reason, failedCond.message].filter(Boolean).join(': '),
      });
    }
  }
  return found;
}

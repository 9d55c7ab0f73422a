// Which workspace deployments the connected cluster is compared with. A workspace often holds deployments meant for
// other clusters, or alternatives of which one is applied: comparing each with whatever runs in the connected cluster
// reports clashes that can never happen. So a deployment is compared with the cluster when it targets it:
// - the host says so (a setting that maps its folder to this cluster's context, or the user's command), or
// - by default, when at least one of its objects already exists in the cluster (same kind, namespace and name): it
//   is deployed there, and applying it again updates those objects. AIO's own objects (the default listener,
//   authentication, broker and cluster issuer) exist on every AIO cluster and say nothing about which deployment runs
//   there, so they do not count.
// A deployment that is not compared is checked as if no cluster were connected (AIO's built-ins are assumed).
// Pure: the facts, the deployments and the files' objects in, a decision per deployment out.
import { DEFAULT_ISSUER } from './builtins';
import { LOOSE, type Deployments } from './deployments';
import type { Resource } from './resources';
import type { ClusterTargeting, DeploymentTarget, Facts } from './types';

const AIO_OWN = new Set([
  'BrokerListener/default',
  'BrokerAuthentication/default',
  'Broker/default',
  `ClusterIssuer/${DEFAULT_ISSUER}`,
]);

/** True for the objects AIO creates on every cluster. */
export function isAioOwn(r: { kind: string; name: string | undefined }): boolean {
  return AIO_OWN.has(`${r.kind}/${r.name ?? ''}`);
}

/** The identities of the cluster objects that tell which deployment runs there. */
export function evidenceOf(facts: readonly Resource[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const r of facts) if (r.name !== undefined && !isAioOwn(r)) out.add(r.id);
  return out;
}

/** 'Kind namespace/name' */
export function describeId(r: Resource): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? '?'}`;
}

/** The objects of a file that exist in the cluster, computed once per list of objects and evidence. */
const hitCache = new WeakMap<readonly Resource[], { evidence: ReadonlySet<string>; hits: string[] }>();
function hitsOf(resources: readonly Resource[], evidence: ReadonlySet<string>): string[] {
  const c = hitCache.get(resources);
  if (c && c.evidence === evidence) return c.hits;
  const hits: string[] = [];
  for (const r of resources) if (evidence.has(r.id)) hits.push(describeId(r));
  hitCache.set(resources, { evidence, hits });
  return hits;
}

export interface TargetInputs {
  deployments: Deployments;
  /** True when the workspace is one deployment (no kustomizations). */
  single: boolean;
  files: Iterable<{ uri: string; resources: readonly Resource[] }>;
  facts: Facts;
  evidence: ReadonlySet<string>;
  targeting?: ClusterTargeting;
}

/** One decision per deployment, in the deployments' order. */
export function decideTargets(t: TargetInputs): DeploymentTarget[] {
  const per = new Map<string, { files: string[]; existing: string[] }>();
  for (const id of t.deployments.ids) per.set(id, { files: [], existing: [] });
  for (const f of t.files) {
    const hits = hitsOf(f.resources, t.evidence);
    for (const id of t.single ? [LOOSE] : t.deployments.of(f.uri)) {
      const p = per.get(id);
      if (!p) continue; // a kustomization file itself
      p.files.push(f.uri);
      for (const h of hits) if (p.existing.length < 5 && !p.existing.includes(h)) p.existing.push(h);
    }
  }
  const out: DeploymentTarget[] = [];
  for (const [id, p] of per) {
    const label = t.deployments.label(id);
    const base = { id, label, existing: p.existing };
    if (t.facts.compare === 'all') {
      out.push({ ...base, compared: true, reason: 'all' });
      continue;
    }
    const choice = t.targeting?.choose({ id, label, files: p.files });
    if (choice) out.push({ ...base, compared: choice.compare, reason: choice.reason, detail: choice.detail });
    else out.push({ ...base, compared: p.existing.length > 0, reason: p.existing.length > 0 ? 'exists' : 'none' });
  }
  return out;
}

/** One folder the host maps to a cluster (or away from it): its deployments are compared, or not. */
export interface FolderTarget {
  /** Folder URI, ending in '/'. */
  folder: string;
  compare: boolean;
  reason: 'setting' | 'command';
  detail?: string;
}

/**
 * Targeting by folders: a deployment belongs to the deepest folder that holds it (its kustomization's folder, or all
 * of its files). A deployment no folder holds keeps the default.
 */
export function folderTargeting(folders: readonly FolderTarget[]): ClusterTargeting {
  const sorted = [...folders].map((f) => ({ ...f, folder: f.folder.endsWith('/') ? f.folder : `${f.folder}/` }));
  sorted.sort((a, b) => b.folder.length - a.folder.length);
  return {
    choose(d) {
      for (const f of sorted) {
        const holds =
          (d.id.endsWith('/') && d.id.startsWith(f.folder)) ||
          (d.files.length > 0 && d.files.every((u) => u.startsWith(f.folder)));
        if (holds) return { compare: f.compare, reason: f.reason, ...(f.detail ? { detail: f.detail } : {}) };
      }
      return undefined;
    },
  };
}

/** One line for people: what the cluster is compared with, and what not (and why). */
export function describeTargets(targets: readonly DeploymentTarget[], cluster: string): string {
  if (targets.length === 0) return `Cluster ${cluster}: nothing to compare.`;
  const yes = targets.filter((t) => t.compared);
  const no = targets.filter((t) => !t.compared);
  const why = (t: DeploymentTarget) =>
    t.reason === 'exists'
      ? t.existing.length > 1
        ? `${t.existing[0]} and ${t.existing.length - 1} more run there`
        : `${t.existing[0]} runs there`
      : t.reason === 'setting' || t.reason === 'command'
        ? (t.detail ?? `by ${t.reason}`)
        : t.reason === 'all'
          ? 'every deployment'
          : 'none of its objects runs there';
  const parts: string[] = [];
  parts.push(
    yes.length ? `compared with ${yes.map((t) => `${t.label} (${why(t)})`).join(', ')}` : 'compared with no deployment',
  );
  if (no.length)
    parts.push(
      `not with ${no.length === 1 ? no[0].label : `${no.length} deployments`} (${no.length === 1 ? why(no[0]) : 'none of their objects runs there, or a setting says so'})`,
    );
  return `Cluster ${cluster}: ${parts.join('; ')}.`;
}

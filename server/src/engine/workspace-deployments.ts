// Step 2 of the workspace: which files are deployed together. deployments.ts says what a deployment is; this file
// keeps the current answer for the files the store holds, recomputes it when a kustomization or the set of files
// changed, and groups the workspace's objects into partitions: a namespace within a deployment, the unit the rule
// scheduler re-runs.
//
// Owns: the current Deployments and when it was computed; partition keys.
// May not: change files (it reads the file store), run rules or place findings.
import {
  DeploymentInfo,
  DeploymentMode,
  Deployments,
  LOOSE,
  SINGLE,
  computeDeployments,
  isKustomizationUri,
} from './deployments';
import type { Resource } from './resources';
import type { FileState, FileStore } from './workspace-files';

/** A namespace ('*' for a whole deployment, '' for cluster-scoped objects) within a deployment. */
export type PartitionKey = string & { readonly __partition: unique symbol };

/** The key of a partition: a namespace ('*' for a cluster rule) within a deployment. */
export function partKey(dep: string, ns: string): PartitionKey {
  return (dep === LOOSE ? ns : `${dep}\u0001${ns}`) as PartitionKey;
}
export function depOf(key: PartitionKey): string {
  const i = key.indexOf('\u0001');
  return i < 0 ? LOOSE : key.slice(0, i);
}
export function nsOf(key: PartitionKey): string {
  const i = key.indexOf('\u0001');
  return i < 0 ? key : key.slice(i + 1);
}

export class DeploymentState {
  /** Which files are applied together; the answer for the files held when refresh() last ran. */
  current: Deployments = SINGLE;
  private kustomizationsSeen = -1; // the kustomizationVersion `current` was computed for
  private filesSeen = -1; // the fileSetVersion `current` was computed for
  private objectsSeen = -1; // the objectsVersion `current` was computed for
  private scopeSeen = '';
  /** Membership changed since the rule caches were made: every rule runs again (cleared by settled()). */
  moved = false;

  constructor(
    private readonly files: FileStore,
    /** The roots (workspace folders, command-line arguments) and the mode the host asks for. */
    private readonly scope: () => { roots: readonly string[]; mode: DeploymentMode },
  ) {}

  /** Recomputes the deployments when a kustomization, the set of files, an object or the roots changed. */
  refresh(): void {
    const f = this.files;
    const scope = this.scope();
    const scopeKey = `${scope.mode}\u0000${scope.roots.join('\u0000')}`;
    if (
      f.kustomizationVersion === this.kustomizationsSeen &&
      f.fileSetVersion === this.filesSeen &&
      f.objectsVersion === this.objectsSeen &&
      scopeKey === this.scopeSeen
    )
      return;
    // Only objects changed (an edit): the same deployments are kept as the same object when they come out the same,
    // so what was placed against them (workspace-placement.ts) stays valid.
    const objectsOnly =
      f.kustomizationVersion === this.kustomizationsSeen &&
      f.fileSetVersion === this.filesSeen &&
      scopeKey === this.scopeSeen;
    this.kustomizationsSeen = f.kustomizationVersion;
    this.filesSeen = f.fileSetVersion;
    this.objectsSeen = f.objectsVersion;
    this.scopeSeen = scopeKey;
    const ks: FileState[] = [];
    for (const file of f.all()) if (isKustomizationUri(file.uri)) ks.push(file);
    const next = computeDeployments({
      kustomizations: ks.map((k) => ({ uri: k.uri, value: k.chunks[0]?.parse.value })),
      files: [...f.all()].map((file) => ({ uri: file.uri, objects: file.resources })),
      roots: scope.roots,
      mode: scope.mode,
    });
    if (next.signature !== this.current.signature || next.single !== this.current.single) this.moved = true;
    else if (objectsOnly && this.current !== SINGLE) return;
    this.current = next;
  }

  /** Every deployment with its files. */
  list(): DeploymentInfo[] {
    this.refresh();
    return this.current.ids.map((id) => this.current.info(id)).filter((d): d is DeploymentInfo => !!d);
  }

  /** The rule caches now describe the current deployments. */
  settled(): void {
    this.moved = false;
  }

  /** The deployments of a file; undefined when the workspace is one deployment (no kustomizations). */
  deploymentsOf(uri: string): readonly string[] | undefined {
    this.refresh();
    return this.current.single ? undefined : this.current.of(uri);
  }

  /** True when the file `uri` is in one of `deps` (from deploymentsOf; undefined: everything is deployed together). */
  deployedWith(deps: readonly string[] | undefined, uri: string): boolean {
    return !deps || this.current.of(uri).some((d) => deps.includes(d));
  }

  /** Workspace objects grouped by partition (deployment and namespace; '' = cluster-scoped), in file order. */
  byPartition(only?: ReadonlySet<PartitionKey>): Map<PartitionKey, Resource[]> {
    const out = new Map<PartitionKey, Resource[]>();
    const single = this.current.single;
    // With `only`, an object of none of its namespaces is passed over before its key is made (thousands per edit).
    const namespaces = only && new Set([...only].map(nsOf));
    for (const f of this.files.all()) {
      const deps = single ? undefined : this.current.of(f.uri);
      for (const r of f.resources) {
        if (namespaces && !namespaces.has(r.namespace)) continue;
        if (!deps) {
          pushTo(out, partKey(LOOSE, r.namespace), r, only);
          continue;
        }
        for (const dep of deps) pushTo(out, partKey(dep, r.namespace), r, only);
      }
    }
    return out;
  }

  /** Workspace resources of the given kinds (all, when absent) in the files of one deployment, in file order. */
  resourcesIn(dep: string, kinds: ReadonlySet<string> | undefined): Resource[] {
    const out: Resource[] = [];
    const pick = (f: FileState | undefined) => {
      if (f) for (const r of f.resources) if (!kinds || kinds.has(r.kind)) out.push(r);
    };
    if (this.current.single) for (const f of this.files.all()) pick(f);
    else for (const uri of this.current.files(dep)) pick(this.files.get(uri));
    return out;
  }
}

function pushTo(
  m: Map<PartitionKey, Resource[]>,
  key: PartitionKey,
  r: Resource,
  only: ReadonlySet<PartitionKey> | undefined,
): void {
  if (only && !only.has(key)) return;
  const l = m.get(key);
  if (l) l.push(r);
  else m.set(key, [r]);
}

// Deployments: which files are applied together. A repository often holds several alternatives side by side — a
// kustomize base with a dev and a prod overlay, or one folder per environment — and a port clash between the dev and
// the prod listener is no clash at all. The engine checks relations between objects (the workspace rules) within one
// deployment at a time.
//
// A deployment is a top-level kustomization (kustomization.yaml / .yml / Kustomization that no other kustomization
// refers to) with everything it pulls in: the files under `resources`, `patchesStrategicMerge`, `patches[].path`, and
// the kustomizations under `resources`, `bases` and `components`, recursively (kubectl kustomize's own inputs). A base
// used by two overlays belongs to both. Files no kustomization pulls in form one more deployment, the loose files, as
// if applied with `kubectl apply -f` together. With no kustomization in the workspace, everything is one deployment.
// Pure: paths are resolved on URIs, and only the files the engine holds are known.

/** The id of the deployment of files no kustomization pulls in. */
export const LOOSE = '';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationUri(uri: string): boolean {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  return KUSTOMIZATION_NAMES.includes(name);
}

export interface KustomizationFile {
  uri: string;
  value: unknown;
}

export interface Deployments {
  /** The deployments a file belongs to (deployment id = URI of the kustomization's folder, ending in '/'). */
  of(uri: string): readonly string[];
  /** Every deployment with files, LOOSE included when there are loose files. */
  readonly ids: readonly string[];
  /** A short name for messages: the kustomization folder's last two path segments. */
  label(id: string): string;
}

const LOOSE_ONLY: readonly string[] = [LOOSE];

/** One deployment for everything: a workspace without kustomizations. */
export const SINGLE: Deployments = { of: () => LOOSE_ONLY, ids: LOOSE_ONLY, label: () => 'the workspace' };

/** The deployments described by `kustomizations`, for the files `uris`. */
export function computeDeployments(kustomizations: readonly KustomizationFile[], uris: Iterable<string>): Deployments {
  if (kustomizations.length === 0) return SINGLE;
  // Keyed by decoded path, so that `../my file.yaml` finds file:///ws/my%20file.yaml.
  const byDir = new Map<string, KustomizationFile>();
  for (const k of kustomizations) byDir.set(dirOf(decodedPath(k.uri)), k);
  const referenced = new Set<string>();
  const parts = new Map<string, { dirs: string[]; files: string[] }>();
  for (const [dir, k] of byDir) {
    const dirs: string[] = [];
    const files: string[] = [];
    for (const entry of entries(k.value)) {
      const target = resolvePath(dir, entry.path);
      if (target === undefined) continue;
      const asDir = target.endsWith('/') ? target : `${target}/`;
      if (byDir.has(asDir)) {
        dirs.push(asDir);
        referenced.add(asDir);
      } else if (entry.fileAllowed) files.push(target.replace(/\/$/, ''));
    }
    parts.set(dir, { dirs, files });
  }
  const membership = new Map<string, string[]>();
  const reached = new Set<string>();
  const deploy = (root: string) => {
    const id = byDir.get(root)!.uri.slice(0, byDir.get(root)!.uri.lastIndexOf('/') + 1);
    const seen = new Set<string>();
    const walk = (dir: string) => {
      if (seen.has(dir)) return;
      seen.add(dir);
      reached.add(dir);
      const p = parts.get(dir);
      if (!p) return;
      for (const f of p.files) add(membership, f, id);
      for (const d of p.dirs) walk(d);
    };
    walk(root);
  };
  for (const dir of byDir.keys()) if (!referenced.has(dir)) deploy(dir);
  // Kustomizations that only refer to each other (a cycle, which kustomize rejects): the first one stands for them.
  for (const dir of byDir.keys()) if (!reached.has(dir)) deploy(dir);
  const memo = new Map<string, readonly string[]>();
  const ids = new Set<string>();
  for (const uri of uris) {
    if (isKustomizationUri(uri)) continue;
    const m = membership.get(decodedPath(uri));
    const list = m ?? LOOSE_ONLY;
    memo.set(uri, list);
    for (const id of list) ids.add(id);
  }
  return {
    of: (uri) => memo.get(uri) ?? membership.get(decodedPath(uri)) ?? LOOSE_ONLY,
    ids: [...ids],
    label: (id) => (id === LOOSE ? 'the files outside any kustomization' : lastSegments(decodeSafe(id))),
  };
}

interface Entry {
  path: string;
  fileAllowed: boolean;
}

/** The paths a kustomization pulls in; URLs (remote bases) are not ours to follow. */
function entries(value: unknown): Entry[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const v = value as Record<string, unknown>;
  const out: Entry[] = [];
  const list = (x: unknown, fileAllowed: boolean) => {
    if (!Array.isArray(x)) return;
    for (const e of x) {
      const p =
        typeof e === 'string'
          ? e
          : e && typeof e === 'object' && typeof (e as { path?: unknown }).path === 'string'
            ? (e as { path: string }).path
            : undefined;
      // An inline patch (a YAML text) is not a path.
      if (
        p &&
        !p.includes('\n') &&
        !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) &&
        !/^(github\.com|gitlab\.com|bitbucket\.org)\//.test(p)
      )
        out.push({ path: p, fileAllowed });
    }
  };
  list(v.resources, true);
  list(v.bases, false);
  list(v.components, false);
  list(v.patchesStrategicMerge, true);
  list(v.patches, true);
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The path part of a URI, percent-decoded ('file:///a/b%20c.yaml' -> '/a/b c.yaml'). */
function decodedPath(uri: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(uri);
  return decodeSafe(m ? (m[1] ?? '/') : uri);
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** `rel` against folder `dir` (ending in '/'), with '.' and '..' resolved; undefined for an absolute path. */
function resolvePath(dir: string, rel: string): string | undefined {
  if (rel.startsWith('/')) return undefined;
  const segs = dir.split('/').filter((s, i, a) => s !== '' || i === 0 || i === a.length - 1);
  segs.pop(); // the empty segment after the trailing '/'
  for (const s of rel.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segs.length > 1) segs.pop();
      continue;
    }
    segs.push(s);
  }
  const out = segs.join('/');
  return rel.endsWith('/') ? `${out}/` : out;
}

function lastSegments(dirUri: string): string {
  const segs = dirUri.replace(/\/$/, '').split('/');
  return segs.slice(-2).join('/');
}

function add(m: Map<string, string[]>, k: string, v: string): void {
  const l = m.get(k);
  if (!l) m.set(k, [v]);
  else if (!l.includes(v)) l.push(v);
}

// Deployments: which files are applied together. A repository often holds several alternatives side by side — a
// kustomize base with a dev and a prod overlay, one folder per sample or per site, two listener files of which the
// reader applies one — and a port clash between alternatives is no clash at all. The engine checks relations between
// objects (the workspace rules) within one deployment at a time. The rules, as users apply files:
//
// - A top-level kustomization (kustomization.yaml / .yml / Kustomization that no other kustomization refers to) is one
//   deployment with everything it pulls in: the files under `resources`, `patchesStrategicMerge`, `patches[].path`,
//   and the kustomizations under `resources`, `bases` and `components`, recursively (kubectl kustomize's own inputs).
//   A base used by two overlays belongs to both.
// - Any other file belongs to its folder: a folder is one deployment, as `kubectl apply -f DIR` applies it (its
//   subfolders are deployments of their own).
// - Unless something ties folders together: a Flux `Kustomization` (`spec.path`: that folder and every folder under
//   it, as Flux's generated kustomization does) or an Argo CD `Application` (`spec.source.path`, with
//   `directory.recurse` its subfolders too) makes one deployment of what it applies, including the kustomizations
//   found there. A Flux Kustomization applies into the cluster its own file goes to (unless it names a kubeConfig):
//   what it applies is part of the deployment of its file. An Argo CD Application names its own destination: it is
//   a deployment of its own.
// - Roots (workspace folders, the arguments of `brokerkit check`) never share a deployment unless such a file ties
//   them; a file named on the command line is a deployment of its own.
// - Two files of one folder deployment that define the same object (kind, namespace, name) differently are
//   alternatives: the deployment is checked once per alternative, each with the folder's other files.
// - Mode 'workspace' (the user says the whole tree is applied at once): every file outside a kustomization is one
//   deployment, whatever its folder or root, and no alternatives are made.
// Pure: paths are resolved on URIs, and only the files the engine holds are known.
import { canonicalServiceType } from './listener-model';

/** The id of the one deployment of a workspace without kustomizations and with one folder. */
export const LOOSE = '';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationUri(uri: string): boolean {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  return KUSTOMIZATION_NAMES.includes(name);
}

export type DeploymentMode = 'folder' | 'workspace';
export type DeploymentKind = 'kustomization' | 'folder' | 'flux' | 'argo' | 'workspace' | 'file';

export interface KustomizationFile {
  uri: string;
  value: unknown;
}

/** What the deployments need to know of a file: the objects it defines. */
export interface DeploymentFile {
  uri: string;
  objects: readonly DeploymentObject[];
}

export interface DeploymentObject {
  kind: string;
  apiVersion: string;
  /** kind/namespace/name */
  id: string;
  value: Record<string, unknown>;
}

export interface DeploymentInput {
  kustomizations: readonly KustomizationFile[];
  files: Iterable<DeploymentFile>;
  /** Workspace folders or command-line arguments (folder URIs, or file URIs for a file named alone). */
  roots?: readonly string[];
  mode?: DeploymentMode;
}

/** One deployment, for the host (which files it holds, what makes it one). */
export interface DeploymentInfo {
  id: string;
  kind: DeploymentKind;
  /** A short name for messages, e.g. `overlays/dev`, `samples/tls`, `Flux Kustomization apps`. */
  label: string;
  /** The file that makes it a deployment (a kustomization, a Flux Kustomization, an Argo CD Application). */
  source?: string;
  /** For one alternative of a folder: the file that makes it this alternative. */
  alternative?: string;
  /** For one alternative: the label of the deployment it is a variant of (the folder's, without the file's name). */
  baseLabel?: string;
  /** For one alternative: why its file and the others are taken as alternatives (for hovers and notes). */
  alternativeWhy?: string;
  /** Its files (URIs), in the order the engine holds them. */
  files: string[];
}

export interface Deployments {
  /** The deployments a file belongs to. */
  of(uri: string): readonly string[];
  /** Every deployment with files. */
  readonly ids: readonly string[];
  /** A short name for messages. */
  label(id: string): string;
  info(id: string): DeploymentInfo | undefined;
  /** The files of a deployment. */
  files(id: string): readonly string[];
  /** True when every file is in the one deployment LOOSE (nothing to tell apart). */
  readonly single: boolean;
  /** Changes exactly when the membership of some file changes. */
  readonly signature: string;
}

const LOOSE_ONLY: readonly string[] = [LOOSE];
const NONE: readonly string[] = [];

/** One deployment for everything. */
export const SINGLE: Deployments = {
  of: () => LOOSE_ONLY,
  ids: LOOSE_ONLY,
  label: () => 'the workspace',
  info: () => undefined,
  files: () => NONE,
  single: true,
  signature: '',
};

interface Node {
  id: string;
  kind: DeploymentKind;
  label: string;
  source?: string;
  /** Decoded paths of the files it applies directly. */
  files: string[];
  /** Other nodes it applies. */
  children: string[];
  /** Its direct files are plain files (not a kustomization's): alternatives are looked for among them. */
  loose: boolean;
}

interface Tie {
  source: string;
  kind: 'flux' | 'argo';
  name: string;
  path: string;
  recurse: boolean;
  /** Applied into the cluster its own file is applied to (a Flux Kustomization without spec.kubeConfig). */
  sameCluster: boolean;
}

/** The deployments of the files `input.files`. */
export function computeDeployments(input: DeploymentInput): Deployments {
  const mode = input.mode ?? 'folder';
  const files = [...input.files];
  const pathOf = new Map<string, string>(); // decoded path -> uri
  for (const f of files) pathOf.set(decodedPath(f.uri), f.uri);
  const objectsByPath = new Map<string, readonly DeploymentObject[]>();
  for (const f of files) objectsByPath.set(decodedPath(f.uri), f.objects);

  const nodes = new Map<string, Node>();
  // 1. Kustomizations, keyed by decoded folder, so that `../my file.yaml` finds file:///ws/my%20file.yaml.
  const byDir = new Map<string, KustomizationFile>();
  for (const k of input.kustomizations) byDir.set(dirOf(decodedPath(k.uri)), k);
  const pulled = new Set<string>();
  for (const [dir, k] of byDir) {
    const node: Node = {
      id: k.uri.slice(0, k.uri.lastIndexOf('/') + 1),
      kind: 'kustomization',
      label: lastSegments(dir),
      source: k.uri,
      files: [decodedPath(k.uri)],
      children: [],
      loose: false,
    };
    for (const entry of entries(k.value)) {
      const target = resolvePath(dir, entry.path);
      if (target === undefined) continue;
      const asDir = target.endsWith('/') ? target : `${target}/`;
      if (byDir.has(asDir)) node.children.push(`k:${asDir}`);
      else if (entry.fileAllowed) {
        const file = target.replace(/\/$/, '');
        node.files.push(file);
        pulled.add(file);
      }
    }
    nodes.set(`k:${dir}`, node);
  }
  const loosePaths: string[] = [];
  for (const f of files) {
    const p = decodedPath(f.uri);
    if (!pulled.has(p) && !isKustomizationUri(f.uri)) loosePaths.push(p);
  }

  if (mode === 'workspace') {
    if (loosePaths.length)
      nodes.set('w:', {
        id: LOOSE,
        kind: 'workspace',
        label: 'the workspace',
        files: loosePaths,
        children: [],
        loose: false,
      });
  } else {
    const roots = (input.roots ?? []).map((r) => decodedPath(r));
    const rootOf = (p: string) => {
      let best = '';
      for (const r of roots) {
        if ((p === r || p.startsWith(r.endsWith('/') ? r : `${r}/`)) && r.length > best.length) best = r;
      }
      return best;
    };
    // 2. Flux Kustomizations and Argo CD Applications, each a node applying a folder (and what lies under it).
    const knownDirs = new Set<string>();
    for (const p of pathOf.keys()) for (let d = dirOf(p); d && !knownDirs.has(d); d = parentDir(d)) knownDirs.add(d);
    const tiesByFile = new Map<string, string[]>();
    const covered = new Set<string>();
    for (const f of files) {
      const ties = tiesOf(f);
      const fp = decodedPath(f.uri);
      ties.forEach((t, i) => {
        const dir = resolveTie(fp, t.path, rootOf(fp), knownDirs);
        if (!dir) return;
        const id = `t:${f.uri}#${i}`;
        const node: Node = {
          id: `${f.uri}#${t.kind}-${i}`,
          kind: t.kind,
          label: `${t.kind === 'flux' ? 'Flux Kustomization' : 'Argo CD Application'} ${t.name}`,
          source: f.uri,
          files: [],
          children: [],
          loose: true,
        };
        if (byDir.has(dir)) node.children.push(`k:${dir}`);
        else {
          for (const p of loosePaths) {
            const d = dirOf(p);
            if (d === dir || (t.recurse && d.startsWith(dir))) {
              node.files.push(p);
              covered.add(p);
            }
          }
          for (const kd of byDir.keys()) {
            if (kd === dir || !kd.startsWith(dir)) continue;
            if (!t.recurse && parentDir(kd) !== dir) continue;
            // Only the outermost kustomizations under the folder (the generator stops at one).
            let outer = true;
            for (let d = parentDir(kd); d.length > dir.length; d = parentDir(d)) if (byDir.has(d)) outer = false;
            if (outer) node.children.push(`k:${kd}`);
          }
        }
        nodes.set(id, node);
        if (!t.sameCluster) return;
        const list = tiesByFile.get(fp);
        if (list) list.push(id);
        else tiesByFile.set(fp, [id]);
      });
    }
    // 3. Folders: every other file with the files of its folder (within one root).
    const folders = new Map<string, Node>();
    for (const p of loosePaths) {
      if (covered.has(p)) continue;
      const root = rootOf(p);
      const alone = root === p; // a file named on its own
      const key = alone ? `f:${p}` : `f:${root}\u0000${dirOf(p)}`;
      let node = folders.get(key);
      if (!node) {
        const uri = pathOf.get(p)!;
        node = {
          id: alone ? `file:${uri}` : `folder:${uri.slice(0, uri.lastIndexOf('/') + 1)}${root ? `#${root}` : ''}`,
          kind: alone ? 'file' : 'folder',
          label: alone ? p.slice(p.lastIndexOf('/') + 1) : lastSegments(dirOf(p)),
          files: [],
          children: [],
          loose: true,
        };
        folders.set(key, node);
        nodes.set(key, node);
      }
      node.files.push(p);
    }
    // 4. A Flux or Argo CD object applies its own deployment as part of the one its file is in.
    for (const node of nodes.values())
      for (const p of node.files) for (const t of tiesByFile.get(p) ?? []) node.children.push(t);
  }

  // 5. Top-level nodes and what each applies.
  const referenced = new Set<string>();
  for (const n of nodes.values()) for (const c of n.children) if (c !== '') referenced.add(c);
  const membership = new Map<string, string[]>();
  const loose = new Map<string, Set<string>>(); // deployment id -> its loose files
  const infos = new Map<string, DeploymentInfo>();
  const reached = new Set<string>();
  const deploy = (rootKey: string) => {
    const top = nodes.get(rootKey)!;
    const id = top.id;
    infos.set(id, { id, kind: top.kind, label: top.label, source: top.source, files: [] });
    const looseHere = new Set<string>();
    loose.set(id, looseHere);
    const seen = new Set<string>();
    const walk = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      reached.add(key);
      const n = nodes.get(key);
      if (!n) return;
      for (const f of n.files) {
        add(membership, f, id);
        if (n.loose) looseHere.add(f);
      }
      for (const c of n.children) walk(c);
    };
    walk(rootKey);
  };
  for (const key of nodes.keys()) if (!referenced.has(key)) deploy(key);
  // Nodes that only refer to each other (a Flux tree that applies itself, a kustomization cycle, which kustomize
  // rejects): the first one stands for them, a Flux or Argo CD object first.
  const order = [...nodes.keys()].sort((a, b) => Number(b.startsWith('t:')) - Number(a.startsWith('t:')));
  for (const key of order) if (!reached.has(key)) deploy(key);

  // 6. Alternatives: files of one deployment defining the same object differently.
  if (mode === 'folder') {
    for (const [id, looseFiles] of loose) {
      const alternatives = findAlternatives([...looseFiles], objectsByPath, infos.get(id)?.kind === 'folder');
      if (alternatives.size === 0) continue;
      const base = infos.get(id)!;
      infos.delete(id);
      for (const [f, why] of alternatives) {
        const vid = `${id}#${pathOf.get(f) ?? f}`;
        const name = f.slice(f.lastIndexOf('/') + 1);
        infos.set(vid, {
          ...base,
          id: vid,
          label: `${base.label} with ${name}`,
          alternative: pathOf.get(f),
          baseLabel: base.label,
          alternativeWhy: why,
          files: [],
        });
      }
      for (const [path, deps] of membership) {
        const i = deps.indexOf(id);
        if (i < 0) continue;
        const instead = alternatives.has(path)
          ? [`${id}#${pathOf.get(path) ?? path}`]
          : [...alternatives.keys()].map((f) => `${id}#${pathOf.get(f) ?? f}`);
        deps.splice(i, 1, ...instead);
      }
    }
  }

  // 7. The answer per URI.
  const memo = new Map<string, readonly string[]>();
  const ids = new Set<string>();
  for (const f of files) {
    const list = membership.get(decodedPath(f.uri)) ?? NONE;
    memo.set(f.uri, list);
    for (const id of list) {
      ids.add(id);
      infos.get(id)?.files.push(f.uri);
    }
  }
  const single = ids.size <= 1 && [...memo.values()].every((l) => l.length === 1);
  if (single) {
    const only = ids.size ? infos.get([...ids][0]) : undefined;
    const label = only?.label ?? 'the workspace';
    const info: DeploymentInfo = { ...(only ?? { kind: 'workspace' as const, files: [] }), id: LOOSE, label };
    info.files = files.map((f) => f.uri);
    return {
      of: () => LOOSE_ONLY,
      ids: LOOSE_ONLY,
      label: () => label,
      info: (id) => (id === LOOSE ? info : undefined),
      files: (id) => (id === LOOSE ? info.files : NONE),
      single: true,
      signature: `single\u0000${label}`,
    };
  }
  let signature = '';
  for (const [uri, list] of memo) signature += `${uri}\u0001${list.join('\u0002')}\u0000`;
  for (const id of ids) signature += `${id}\u0003${infos.get(id)?.label}\u0000`;
  return {
    of: (uri) => memo.get(uri) ?? membership.get(decodedPath(uri)) ?? NONE,
    ids: [...ids],
    label: (id) => infos.get(id)?.label ?? (id === LOOSE ? 'the workspace' : lastSegments(decodeSafe(id))),
    info: (id) => infos.get(id),
    files: (id) => infos.get(id)?.files ?? NONE,
    single: false,
    signature,
  };
}

/** Kinds whose repeated definitions are no alternatives (applying one twice changes nothing that matters). */
const HARMLESS_REPEATS = new Set(['Namespace', 'CustomResourceDefinition']);

/**
 * What else an object occupies that a broker holds once, besides its own (kind, namespace, name): a broker has one
 * LoadBalancer and one NodePort listener, so two files of a plain folder that each give it one are taken as two ways
 * to do the same thing (a sample that says "apply listener-open.yml, or listener-x509.yml"), as two files defining one
 * object are. ClusterIp is left out: AIO's own `default` listener already holds it, and the clash with that one is
 * real in every variant. The slot is named for messages.
 */
function slotOf(o: DeploymentObject): { key: string; says: string } | undefined {
  if (o.kind !== 'BrokerListener') return undefined;
  const spec = o.value.spec as { serviceType?: unknown; brokerRef?: unknown } | undefined;
  const type = canonicalServiceType(spec?.serviceType);
  if (type !== 'LoadBalancer' && type !== 'NodePort') return undefined;
  const namespace = o.id.split('/')[1] ?? '';
  const broker = typeof spec?.brokerRef === 'string' && spec.brokerRef ? spec.brokerRef : 'default';
  return {
    key: `BrokerListener serviceType/${namespace}/${broker}/${type}`,
    says: `each give broker '${broker}'${namespace ? ` (namespace ${namespace})` : ''} its ${type} listener, which a broker has one of`,
  };
}

/**
 * The files among `paths` that define an object another of them defines differently, each with why; with `slots` (a
 * plain folder, which nothing says is applied as a whole), also those that fill a slot another fills (see `slotOf`).
 */
function findAlternatives(
  paths: string[],
  objectsByPath: Map<string, readonly DeploymentObject[]>,
  slots: boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  if (paths.length < 2) return out;
  const seen = new Map<string, { path: string; o: DeploymentObject; says: string }[]>();
  let repeated = false;
  const put = (key: string, entry: { path: string; o: DeploymentObject; says: string }) => {
    const list = seen.get(key);
    if (!list) seen.set(key, [entry]);
    else {
      list.push(entry);
      repeated = true;
    }
  };
  for (const p of paths) {
    for (const o of objectsByPath.get(p) ?? []) {
      if (HARMLESS_REPEATS.has(o.kind) || o.id.endsWith('/')) continue;
      const [kind, namespace, name] = o.id.split('/');
      put(o.id, { path: p, o, says: `define ${kind} ${namespace ? `${namespace}/` : ''}${name} differently` });
      const slot = slots ? slotOf(o) : undefined;
      if (slot) put(slot.key, { path: p, o, says: slot.says });
    }
  }
  if (!repeated) return out;
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  for (const list of seen.values()) {
    if (list.length < 2) continue;
    const text = list.map((x) => JSON.stringify(x.o.value));
    const involved = new Set<string>();
    for (let i = 0; i < list.length; i++)
      for (let j = 0; j < i; j++) {
        if (list[i].path === list[j].path || text[i] === text[j]) continue;
        involved.add(list[i].path);
        involved.add(list[j].path);
      }
    if (involved.size < 2) continue;
    const names = [...involved].map(base).sort();
    const why = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} ${list[0].says}`;
    for (const p of involved) if (!out.has(p)) out.set(p, why);
  }
  return out;
}

/** The folders a file's Flux Kustomizations and Argo CD Applications apply. */
function tiesOf(f: DeploymentFile): Tie[] {
  const out: Tie[] = [];
  for (const o of f.objects) {
    // (Most objects are neither: one comparison each, for files of thousands of objects.)
    if (o.kind !== 'Kustomization' && o.kind !== 'Application') continue;
    const group = o.apiVersion.slice(0, o.apiVersion.lastIndexOf('/'));
    const spec = o.value.spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec !== 'object') continue;
    const name = String((o.value.metadata as { name?: unknown } | undefined)?.name ?? '?');
    if (group === 'kustomize.toolkit.fluxcd.io' && o.kind === 'Kustomization') {
      if (typeof spec.path === 'string' && spec.path.trim())
        out.push({
          source: f.uri,
          kind: 'flux',
          name,
          path: spec.path.trim(),
          recurse: true,
          sameCluster: !spec.kubeConfig,
        });
    } else if (group === 'argoproj.io' && o.kind === 'Application') {
      const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])];
      for (const s of sources) {
        if (!s || typeof s !== 'object') continue;
        const src = s as { path?: unknown; directory?: { recurse?: unknown } };
        if (typeof src.path !== 'string' || !src.path.trim()) continue;
        // An Application names its own destination cluster: it is a deployment of its own, never part of its file's.
        out.push({
          source: f.uri,
          kind: 'argo',
          name,
          path: src.path.trim(),
          recurse: src.directory?.recurse === true,
          sameCluster: false,
        });
      }
    }
  }
  return out;
}

/**
 * The folder a Flux or Argo CD path (relative to its repository's root) names: tried against the root the file is
 * in, then against each folder above the file, nearest first; the first that holds files wins.
 */
function resolveTie(file: string, path: string, root: string, knownDirs: Set<string>): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  const rel = path.replace(/^\/+/, '');
  const bases: string[] = [];
  if (root && root.endsWith('/')) bases.push(root);
  else if (root) bases.push(dirOf(root));
  for (let d = dirOf(file); d; d = parentDir(d)) bases.push(d);
  for (const b of bases) {
    const target = resolvePath(b, rel.endsWith('/') ? rel : `${rel}/`);
    if (target && knownDirs.has(target)) return target;
  }
  return undefined;
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
export function decodedPath(uri: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(uri);
  return decodeSafe(m ? (m[1] ?? '/') : uri);
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** '/a/b/' -> '/a/'; '/' -> '' (no parent). */
function parentDir(dir: string): string {
  if (dir === '/' || dir === '') return '';
  return dirOf(dir.slice(0, -1));
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

function lastSegments(dirPath: string): string {
  const segs = dirPath.split('/').filter((x) => x !== '');
  return segs.slice(-2).join('/') || '/';
}

function add(m: Map<string, string[]>, k: string, v: string): void {
  const l = m.get(k);
  if (!l) m.set(k, [v]);
  else if (!l.includes(v)) l.push(v);
}

// The TLS side of every listener port and where its references lead (issuers, Secrets, the objects that write
// Secrets), computed once per validation: the workspace rules share one Index, so these tables are cached per Index.
import { AIO_GROUP, CERT_MANAGER_GROUP, Resource } from './resources';
import type { Path } from './parse';
import type { Index } from './workspace-index';
import type { WorkspaceContext } from './rule';
import type { Severity } from './types';
import { isPlaceholder } from './tls';
import { isMap } from './values';

/** A TLS port of a listener: the port's cached facts (PortInfo) and the listener it belongs to. */
export interface TlsPort extends PortInfo {
  readonly listener: Resource;
  /** The cached facts this entry was made from. */
  readonly info: PortInfo;
}

const perIndex = new WeakMap<Index, Map<string, unknown>>();

function cached<T>(index: Index, key: string, make: () => T): T {
  let m = perIndex.get(index);
  if (!m) {
    m = new Map();
    perIndex.set(index, m);
  }
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}

interface PortInfo {
  readonly index: number;
  readonly port: unknown;
  readonly path: Path;
  readonly mode: unknown;
  readonly auto?: Record<string, any>;
  readonly manual?: Record<string, any>;
  /** The usable issuerRef of `auto` (see issuerRefOf) without its namespace, and the path to it. */
  readonly issuer?: {
    readonly name: string;
    readonly kind: 'Issuer' | 'ClusterIssuer';
    readonly path: Path;
  } & RefCache;
}

/** Where the IssuerRefInfo of a cached issuerRef is kept between validations. */
interface RefCache {
  ref?: IssuerRefInfo;
}
interface Resolved {
  readonly found: Resource[];
  readonly otherKind: Resource[];
}
const NO_RESOURCES: Resource[] = [];
/**
 * Port facts per listener value. A value object lives as long as its document text is unchanged, so only edited
 * documents are looked at again. (Caches are keyed by values, never by Resources: Resources are re-created for
 * every document of an edited file, and a WeakMap filled with short-lived keys costs more than it saves.)
 */
const portInfos = new WeakMap<object, PortInfo[]>();

function infosOf(value: Record<string, any>): PortInfo[] {
  let infos = portInfos.get(value);
  if (infos) return infos;
  infos = [];
  const ports = value.spec?.ports;
  if (Array.isArray(ports)) {
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i];
      if (!isMap(p) || !isMap(p.tls)) continue;
      const path: Path = ['spec', 'ports', i, 'tls'];
      const auto = isMap(p.tls.certManagerCertificateSpec) ? p.tls.certManagerCertificateSpec : undefined;
      // The pre-GA shape (`tls.automatic.issuerRef`, legacy-field tells how to rename it) still names an issuer: it
      // is followed like the v1 one.
      const legacy = !auto && isMap(p.tls.automatic) ? p.tls.automatic : undefined;
      const ref = issuerRefOf((auto ?? legacy)?.issuerRef, '');
      const refPath: Path = [...path, auto ? 'certManagerCertificateSpec' : 'automatic', 'issuerRef'];
      infos.push({
        index: i,
        port: p.port,
        path,
        mode: p.tls.mode,
        auto,
        manual: isMap(p.tls.manual) ? p.tls.manual : undefined,
        issuer: ref && (auto || legacy) ? { name: ref.name, kind: ref.kind, path: refPath } : undefined,
      });
    }
  }
  portInfos.set(value, infos);
  return infos;
}

const NONE: TlsPort[] = [];

function portsOf(l: Resource): TlsPort[] {
  const infos = infosOf(l.value);
  if (infos.length === 0) return NONE;
  return infos.map((x) => ({ ...x, listener: l, info: x }));
}

/** TLS ports of every listener document (workspace, cluster facts, AIO built-ins; a base and its patch both count). */
export function tlsPorts(index: Index): TlsPort[] {
  return cached(index, 'ports', () => index.ofKind('BrokerListener', AIO_GROUP).flatMap(portsOf));
}

export function portLabel(p: TlsPort): string {
  return `port ${typeof p.port === 'number' ? p.port : '?'} of listener '${p.listener.name ?? '?'}'`;
}

/** Where an object is, for messages about "the other side". */
export function whereIs(r: Resource): string {
  const ns = r.namespace ? ` in namespace '${r.namespace}'` : '';
  const origin =
    r.origin === 'builtin'
      ? ' (an AIO built-in object)'
      : r.origin === 'cluster'
        ? ' (in the cluster)'
        : ' (in the workspace)';
  return `${r.kind} '${r.name ?? '?'}'${ns}${origin}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Issuers

export interface IssuerRefInfo {
  readonly name: string;
  readonly kind: 'Issuer' | 'ClusterIssuer';
  readonly group: string;
  /** The namespace an Issuer must be in (the referrer's). */
  readonly namespace: string;
}

/**
 * A usable cert-manager issuerRef, or undefined when it is incomplete, names an unknown kind (the `schema` rule
 * reports that) or belongs to an external issuer group (not judged). `defaultKind` is cert-manager's (`Issuer`) for
 * Certificates; listeners have no default (the CRD requires the kind).
 */
export function issuerRefOf(ref: unknown, namespace: string, defaultKind?: 'Issuer'): IssuerRefInfo | undefined {
  if (!isMap(ref) || typeof ref.name !== 'string' || ref.name === '' || isPlaceholder(ref.name)) return undefined;
  const kind = ref.kind ?? defaultKind;
  if (kind !== 'Issuer' && kind !== 'ClusterIssuer') return undefined;
  const group = ref.group ?? CERT_MANAGER_GROUP;
  if (group !== CERT_MANAGER_GROUP && group !== '') return undefined;
  return { name: ref.name, kind, group: CERT_MANAGER_GROUP, namespace };
}

export function findIssuer(
  index: Index,
  kind: 'Issuer' | 'ClusterIssuer',
  name: string,
  namespace: string,
): Resource[] {
  const l = index.get(kind, kind === 'ClusterIssuer' ? '' : namespace, name);
  return l.every((r) => r.group === CERT_MANAGER_GROUP) ? l : l.filter((r) => r.group === CERT_MANAGER_GROUP);
}

/** Everything that refers to an issuer: listener ports with automatic TLS and cert-manager Certificates. */
export interface IssuerUse {
  readonly referrer: Resource;
  /** Path of the `issuerRef` mapping. */
  readonly path: Path;
  readonly ref: IssuerRefInfo;
  readonly port?: TlsPort;
  /** Issuers of the referenced kind and name (in the referrer's namespace for an Issuer). */
  readonly found: Resource[];
  /** Issuers of that name with the other kind (the one that would be found if `kind` were switched). */
  readonly otherKind: Resource[];
}

/** A Certificate's usable issuerRef without its namespace, per value (null: none to judge). */
const certificateRefs = new WeakMap<object, ({ name: string; kind: 'Issuer' | 'ClusterIssuer' } & RefCache) | null>();

function certificateRef(
  value: Record<string, any>,
): ({ name: string; kind: 'Issuer' | 'ClusterIssuer' } & RefCache) | null {
  let r = certificateRefs.get(value);
  if (r === undefined) {
    const ref = issuerRefOf(value.spec?.issuerRef, '', 'Issuer');
    r = ref ? { name: ref.name, kind: ref.kind } : null;
    certificateRefs.set(value, r);
  }
  return r;
}

const CERTIFICATE_ISSUER_PATH: Path = ['spec', 'issuerRef'];

/** Every issuer reference with what it resolves to, computed once per validation and shared by the issuer rules. */
export function issuerUses(index: Index): IssuerUse[] {
  return cached(index, 'issuer-uses', () => {
    const out: IssuerUse[] = [];
    // Many ports name the same issuer (typically AIO's default ClusterIssuer): resolve each name once per namespace.
    // Per namespace for a ClusterIssuer too: the Issuer of that name it may be confused with is the referrer's.
    const nsMemo = new Map<string, Map<string, Resolved>>();
    const resolve = (
      referrer: Resource,
      path: Path,
      name: string,
      kind: 'Issuer' | 'ClusterIssuer',
      refs: RefCache,
      port?: TlsPort,
    ) => {
      const namespace = referrer.namespace;
      let m = nsMemo.get(namespace);
      if (!m) {
        m = new Map();
        nsMemo.set(namespace, m);
      }
      const key = kind === 'Issuer' ? `I/${name}` : `C/${name}`;
      let r = m.get(key);
      if (!r) {
        const found = findIssuer(index, kind, name, namespace);
        r = {
          found,
          otherKind: found.length
            ? NO_RESOURCES
            : findIssuer(index, kind === 'Issuer' ? 'ClusterIssuer' : 'Issuer', name, namespace),
        };
        m.set(key, r);
      }
      // The IssuerRefInfo object is kept with the document's cached facts (re-made only if the namespace changes).
      let ref = refs.ref;
      if (!ref || ref.namespace !== namespace) {
        ref = { name, kind, group: CERT_MANAGER_GROUP, namespace };
        refs.ref = ref;
      }
      out.push({ referrer, path, ref, port, found: r.found, otherKind: r.otherKind });
    };
    for (const p of tlsPorts(index)) {
      const i = p.info.issuer;
      if (i) resolve(p.listener, i.path, i.name, i.kind, i, p);
    }
    for (const c of index.ofKind('Certificate', CERT_MANAGER_GROUP)) {
      const ref = certificateRef(c.value);
      if (ref) resolve(c, CERTIFICATE_ISSUER_PATH, ref.name, ref.kind, ref);
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets and the objects that write them

export interface SecretSource {
  readonly resource: Resource;
  readonly path: Path;
  /** What it is, for messages: "cert-manager Certificate 'x'". */
  readonly what: string;
}

/**
 * Objects that create a Secret of a given name (key `namespace/name`): cert-manager Certificates, the automatic
 * TLS of listener ports (`secretName`), Secrets Store CSI `secretObjects`, External Secrets and Sealed Secrets.
 */
export function secretSources(index: Index): Map<string, SecretSource[]> {
  return cached(index, 'secret-sources', () => {
    const out = new Map<string, SecretSource[]>();
    const add = (ns: string, name: unknown, s: SecretSource) => {
      if (typeof name !== 'string' || !name) return;
      const k = `${ns}/${name}`;
      const l = out.get(k);
      if (l) l.push(s);
      else out.set(k, [s]);
    };
    for (const c of index.ofKind('Certificate', CERT_MANAGER_GROUP)) {
      add(c.namespace, c.value.spec?.secretName, {
        resource: c,
        path: ['spec', 'secretName'],
        what: `cert-manager Certificate '${c.name ?? '?'}'`,
      });
    }
    for (const p of tlsPorts(index)) {
      if (p.auto)
        add(p.listener.namespace, p.auto.secretName, {
          resource: p.listener,
          path: [...p.path, 'certManagerCertificateSpec', 'secretName'],
          what: `the automatic certificate of ${portLabel(p)}`,
        });
    }
    for (const r of index.ofKind('SecretProviderClass')) {
      const objs = r.value.spec?.secretObjects;
      if (Array.isArray(objs))
        objs.forEach((o: any, i: number) =>
          add(r.namespace, o?.secretName, {
            resource: r,
            path: ['spec', 'secretObjects', i, 'secretName'],
            what: `SecretProviderClass '${r.name ?? '?'}'`,
          }),
        );
    }
    for (const r of index.ofKind('ExternalSecret')) {
      const target = r.value.spec?.target?.name ?? r.name;
      add(r.namespace, target, { resource: r, path: ['metadata', 'name'], what: `ExternalSecret '${r.name ?? '?'}'` });
    }
    for (const r of index.ofKind('SealedSecret')) {
      const target = r.value.spec?.template?.metadata?.name ?? r.name;
      add(r.namespace, target, { resource: r, path: ['metadata', 'name'], what: `SealedSecret '${r.name ?? '?'}'` });
    }
    return out;
  });
}

export function findSecret(index: Index, namespace: string, name: string): Resource[] {
  return index.get('Secret', namespace, name).filter((r) => r.group === '');
}

/** Manual-TLS ports whose `secretRef` names a Secret that exists (workspace or cluster facts), grouped per Secret. */
export interface SecretUse {
  readonly secret: Resource;
  readonly ports: TlsPort[];
}

export function manualSecretUses(index: Index): SecretUse[] {
  return cached(index, 'secret-uses', () => {
    const bySecret = new Map<Resource, TlsPort[]>();
    for (const p of tlsPorts(index)) {
      const ref = p.manual?.secretRef;
      if (typeof ref !== 'string' || !ref || isPlaceholder(ref)) continue;
      const docs = findSecret(index, p.listener.namespace, ref);
      if (docs.length === 0) continue;
      // Of a kustomize base and its patches, judge the document that carries the data.
      const secret = docs.find((d) => isMap(d.value.data) || isMap(d.value.stringData)) ?? docs[0];
      const l = bySecret.get(secret);
      if (l) l.push(p);
      else bySecret.set(secret, [p]);
    }
    return [...bySecret].map(([secret, ports]) => ({ secret, ports }));
  });
}

/** The key of a Secret's map that holds `name` (`stringData` wins), for pointing at it. */
export function secretKeyPath(secret: Resource, name: string): Path | undefined {
  const v = secret.value;
  if (isMap(v.stringData) && name in v.stringData) return ['stringData', name];
  if (isMap(v.data) && name in v.data) return ['data', name];
  return undefined;
}

/**
 * Reports a problem of a Secret used by manual-TLS ports. A Secret in the workspace gets the finding itself (at
 * `path`), with related locations at every port that uses it; a Secret known only from the cluster has no file, so
 * each workspace port that uses it gets the finding at its `secretRef`, saying where the Secret is.
 */
export function reportSecret(
  ctx: WorkspaceContext,
  use: SecretUse,
  path: Path,
  key: boolean,
  r: { message: string; severity?: Severity; data?: Record<string, unknown> },
  side: { path?: (p: TlsPort) => Path; message?: (p: TlsPort) => string } = {},
): void {
  const portPath = side.path ?? ((p: TlsPort) => [...p.path, 'manual', 'secretRef']);
  const origin = (p: TlsPort) =>
    p.listener.origin === 'workspace'
      ? ''
      : p.listener.origin === 'cluster'
        ? ' (in the cluster)'
        : ' (an AIO built-in object)';
  const portMessage = side.message ?? ((p: TlsPort) => `used by ${portLabel(p)}${origin(p)}`);
  const { secret, ports } = use;
  if (secret.origin === 'workspace') {
    ctx.report(secret, {
      ...r,
      path,
      key,
      related: ports.map((p) => ({ resource: p.listener, path: portPath(p), message: portMessage(p) })),
    });
    return;
  }
  for (const p of ports) {
    ctx.report(p.listener, {
      ...r,
      path: [...p.path, 'manual', 'secretRef'],
      message: `${whereIs(secret)}: ${r.message}`,
      related: [{ resource: secret, message: `${whereIs(secret)}, which this port uses` }],
    });
  }
}

/** Names within edit distance 2 of `name` (closest first), for "did you mean" hints. */
export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const scored: [number, string][] = [];
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = distance(name.toLowerCase(), c.toLowerCase(), 2);
    if (d <= 2) scored.push([d, c]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).map((x) => x[1]);
}

function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

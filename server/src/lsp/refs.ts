// References between objects, as the editor navigates them: where in a document a name points at another object
// (authenticationRef, authorizationRef, issuerRef, secretRef, ...) and which object that is.

import type { Index, Path, Resource } from '../engine';
import { AIO_GROUP, CERT_MANAGER_GROUP, WORKLOAD_KINDS, describe, identity } from '../engine';

export interface RefTarget {
  kind: string;
  namespace: string;
  name: string;
}

export interface RefSite {
  /** Path of the scalar holding the name. */
  path: Path;
  target: RefTarget;
  /** What the field means, for hovers ("authentication of port 8883"). */
  label: string;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

/** Every reference a resource makes. */
export function refsOf(r: Resource): RefSite[] {
  const out: RefSite[] = [];
  const v = r.value;
  const ns = r.namespace;
  const add = (path: Path, kind: string, name: unknown, label: string, namespace = ns) => {
    const n = str(name);
    if (n) out.push({ path, target: { kind, namespace, name: n }, label });
  };
  const issuer = (base: Path, ref: any, label: string) => {
    if (!ref || typeof ref !== 'object') return;
    const group = str(ref.group) ?? CERT_MANAGER_GROUP;
    if (group !== CERT_MANAGER_GROUP) return; // an external issuer: nothing to navigate to
    const kind = ref.kind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer';
    add([...base, 'name'], kind, ref.name, label, kind === 'ClusterIssuer' ? '' : ns);
  };
  if (r.group === AIO_GROUP && r.kind === 'BrokerListener') {
    add(['spec', 'brokerRef'], 'Broker', v.spec?.brokerRef, 'broker');
    const ports = Array.isArray(v.spec?.ports) ? v.spec.ports : [];
    ports.forEach((p: any, i: number) => {
      if (!p || typeof p !== 'object') return;
      const where = `port ${typeof p.port === 'number' ? p.port : i}`;
      add(
        ['spec', 'ports', i, 'authenticationRef'],
        'BrokerAuthentication',
        p.authenticationRef,
        `authentication of ${where}`,
      );
      add(
        ['spec', 'ports', i, 'authorizationRef'],
        'BrokerAuthorization',
        p.authorizationRef,
        `authorization of ${where}`,
      );
      const tls = p.tls;
      if (tls && typeof tls === 'object') {
        issuer(
          ['spec', 'ports', i, 'tls', 'certManagerCertificateSpec', 'issuerRef'],
          tls.certManagerCertificateSpec?.issuerRef,
          `certificate issuer of ${where}`,
        );
        add(
          ['spec', 'ports', i, 'tls', 'manual', 'secretRef'],
          'Secret',
          tls.manual?.secretRef,
          `server certificate of ${where}`,
        );
      }
    });
  } else if (r.group === AIO_GROUP && r.kind === 'BrokerAuthentication') {
    const methods = Array.isArray(v.spec?.authenticationMethods) ? v.spec.authenticationMethods : [];
    methods.forEach((m: any, i: number) => {
      if (!m || typeof m !== 'object') return;
      add(
        ['spec', 'authenticationMethods', i, 'x509Settings', 'trustedClientCaCert'],
        'ConfigMap',
        m.x509Settings?.trustedClientCaCert,
        'trusted client CA',
      );
      add(
        ['spec', 'authenticationMethods', i, 'customSettings', 'caCertConfigMap'],
        'ConfigMap',
        m.customSettings?.caCertConfigMap,
        'CA of the custom authentication server',
      );
      add(
        ['spec', 'authenticationMethods', i, 'customSettings', 'auth', 'x509', 'secretRef'],
        'Secret',
        m.customSettings?.auth?.x509?.secretRef,
        'client certificate for the custom authentication server',
      );
    });
  } else if (r.group === CERT_MANAGER_GROUP && r.kind === 'Certificate') {
    issuer(['spec', 'issuerRef'], v.spec?.issuerRef, 'issuer of this certificate');
  } else if (r.group === CERT_MANAGER_GROUP && (r.kind === 'Issuer' || r.kind === 'ClusterIssuer')) {
    // A ClusterIssuer's CA secret lives in cert-manager's "cluster resource namespace"; only an Issuer's is navigable.
    if (r.kind === 'Issuer') add(['spec', 'ca', 'secretName'], 'Secret', v.spec?.ca?.secretName, 'CA key pair');
  } else if (WORKLOAD_KINDS.has(r.kind)) {
    const podPath = podSpecPath(r.kind);
    const pod = podPath ? valueAtPath(v, podPath) : undefined;
    if (pod && typeof pod === 'object') {
      add([...podPath!, 'serviceAccountName'], 'ServiceAccount', (pod as any).serviceAccountName, 'service account');
      for (const list of ['containers', 'initContainers'] as const) {
        const cs = Array.isArray((pod as any)[list]) ? (pod as any)[list] : [];
        cs.forEach((c: any, ci: number) => {
          const env = Array.isArray(c?.envFrom) ? c.envFrom : [];
          env.forEach((e: any, ei: number) =>
            add(
              [...podPath!, list, ci, 'envFrom', ei, 'secretRef', 'name'],
              'Secret',
              e?.secretRef?.name,
              'environment from secret',
            ),
          );
        });
      }
    }
  }
  return out;
}

/** Where the pod spec of a workload kind sits. */
export function podSpecPath(kind: string): Path | undefined {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  if (WORKLOAD_KINDS.has(kind)) return ['spec', 'template', 'spec'];
  return undefined;
}

function valueAtPath(v: unknown, path: Path): unknown {
  let cur: any = v;
  for (const s of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = cur[s as any];
  }
  return cur;
}

/** The objects a reference resolves to (workspace first, then cluster facts, then AIO built-ins). */
export function resolve(index: Index, t: RefTarget): Resource[] {
  const found = index.get(t.kind, t.namespace, t.name);
  if (found.length || t.kind !== 'Secret') return found;
  return [];
}

/** For Secrets that cert-manager will create: Certificates (and automatic listener TLS) naming that secret. */
export function secretProducers(index: Index, namespace: string, name: string): Resource[] {
  return index
    .ofKind('Certificate', CERT_MANAGER_GROUP)
    .filter((c) => c.namespace === namespace && c.value?.spec?.secretName === name);
}

export function sameTarget(a: RefTarget, b: { kind: string; namespace: string; name?: string }): boolean {
  return identity(a) === identity(b);
}

export function describeTarget(t: RefTarget): string {
  return `${t.kind} '${t.name}'${t.namespace ? ` in namespace '${t.namespace}'` : ''}`;
}

export { describe };

// Fields of older AIO shapes (pre-GA IoT MQ `mq.iotoperations.azure.com`, the 0.7 preview `v1beta1`) that the v1 CRDs
// do not have, with what replaced them (the CRDs in schemas/crds have none of these fields). Shared by the `legacy-field` rule (which reports them) and the `schema` rule (which leaves
// them to it instead of calling them unknown).
import { aioAlgorithm } from './spelling';

export interface LegacyField {
  /** Path pattern from the object root: `*` matches one array index, `**` any run of segments. */
  readonly pattern: readonly string[];
  /** What v1 uses instead, as a sentence fragment for the message. */
  readonly v1: string;
  /** The v1 name when the field was only renamed (the quick fix renames the key). */
  readonly rename?: string;
  /** True when v1 has no such setting at all: the fix is to delete the field. */
  readonly remove?: boolean;
}

const L = (pattern: string, v1: string, extra: Partial<LegacyField> = {}): LegacyField => ({
  pattern: pattern.split('.'),
  v1,
  ...extra,
});

export const LEGACY_FIELDS: Record<string, readonly LegacyField[]> = {
  BrokerListener: [
    L('spec.port', 'v1 lists the ports under `spec.ports`: `ports: [{port: <number>}]`'),
    L('spec.nodePort', 'v1 sets the node port per port: `ports: [{port: <number>, nodePort: <30000-32767>}]`'),
    L(
      'spec.authenticationEnabled',
      'v1 turns authentication on per port with `authenticationRef: <BrokerAuthentication name>` (e.g. `default`); a port without it accepts anonymous clients',
    ),
    L(
      'spec.authorizationEnabled',
      'v1 turns authorization on per port with `authorizationRef: <BrokerAuthorization name>` (it needs `authenticationRef` on the same port)',
    ),
    L('spec.tls', 'v1 configures TLS per port: `ports[].tls` with `mode` and `certManagerCertificateSpec` or `manual`'),
    L('spec.ports.*.tls.automatic', 'v1 calls it `certManagerCertificateSpec` (with `mode: Automatic`)', {
      rename: 'certManagerCertificateSpec',
    }),
    L('spec.ports.*.tls.manual.secretName', 'v1 calls it `secretRef`', { rename: 'secretRef' }),
    L(
      'spec.ports.*.tls.**.secretNamespace',
      "v1 has no Secret namespace: the Secret must be in the listener's namespace. Remove it",
      { remove: true },
    ),
    L('spec.ports.*.tls.issuerRef', 'v1 puts `issuerRef` inside `certManagerCertificateSpec`'),
    L(
      '**.privateKey.size',
      'AIO names the size in `algorithm` (`Ec256`, `Ec384`, `Ec521`, `Rsa2048`, `Rsa4096`, `Rsa8192`). Remove `size`',
      { remove: true },
    ),
    L('**.privateKey.encoding', 'AIO chooses the key encoding itself. Remove it', { remove: true }),
  ],
  BrokerAuthentication: [
    L(
      'spec.listenerRef',
      'v1 links the other way: set `authenticationRef: <this BrokerAuthentication>` on the listener ports. Remove `listenerRef`',
      { remove: true },
    ),
    L(
      'spec.authenticationMethods.*.sat',
      'v1 writes `method: ServiceAccountToken` with a `serviceAccountTokenSettings` block',
      { rename: 'serviceAccountTokenSettings' },
    ),
    L('spec.authenticationMethods.*.x509', 'v1 writes `method: X509` with an `x509Settings` block', {
      rename: 'x509Settings',
    }),
    L(
      'spec.authenticationMethods.*.custom',
      'v1 writes `method: Custom` with a `customSettings` block (`endpoint` required)',
      { rename: 'customSettings' },
    ),
    L(
      'spec.authenticationMethods.*.usernamePassword',
      'v1 has no built-in username/password method: run a custom authentication server (`method: Custom` with `customSettings.endpoint`)',
      {},
    ),
  ],
  BrokerAuthorization: [
    L(
      'spec.listenerRef',
      'v1 links the other way: set `authorizationRef: <this BrokerAuthorization>` on the listener ports. Remove `listenerRef`',
      { remove: true },
    ),
    L('spec.authorizationPolicies.enableCache', 'v1 uses `cache: Enabled` or `cache: Disabled`'),
  ],
  Broker: [
    L(
      'spec.encryptInternalTraffic',
      'v1 sets it under `advanced`: `advanced.encryptInternalTraffic: Enabled` or `Disabled`',
      {},
    ),
    L('spec.authImage', 'AIO GA manages the broker images itself. Remove it', { remove: true }),
    L('spec.brokerImage', 'AIO GA manages the broker images itself. Remove it', { remove: true }),
    L('spec.healthManagerImage', 'AIO GA manages the broker images itself. Remove it', { remove: true }),
    L(
      'spec.mode',
      'v1 has no deployment mode: size the broker with `cardinality` (frontend replicas, backend partitions) or `memoryProfile`',
      {},
    ),
    L(
      '**.privateKey.size',
      'AIO names the size in `algorithm` (`Ec256`, `Ec384`, `Ec521`, `Rsa2048`, `Rsa4096`, `Rsa8192`). Remove `size`',
      { remove: true },
    ),
  ],
};

function matches(pattern: readonly string[], pi: number, path: readonly (string | number)[], i: number): boolean {
  if (pi === pattern.length) return i === path.length;
  const p = pattern[pi];
  if (p === '**') {
    for (let j = i; j <= path.length; j++) if (matches(pattern, pi + 1, path, j)) return true;
    return false;
  }
  if (i >= path.length) return false;
  if (p === '*') return typeof path[i] === 'number' && matches(pattern, pi + 1, path, i + 1);
  return path[i] === p && matches(pattern, pi + 1, path, i + 1);
}

// kind -> last key of the pattern -> fields: most keys end no pattern, so the common case is one map look-up.
const byLastKey = new Map<string, Map<string, LegacyField[]>>();
for (const [kind, fields] of Object.entries(LEGACY_FIELDS)) {
  const m = new Map<string, LegacyField[]>();
  for (const f of fields) {
    const last = f.pattern[f.pattern.length - 1];
    m.set(last, [...(m.get(last) ?? []), f]);
  }
  byLastKey.set(kind, m);
}

/** The legacy field at `path` (the path of the key itself), if the key is one for this kind. */
export function legacyFieldAt(kind: string, path: readonly (string | number)[]): LegacyField | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  const candidates = byLastKey.get(kind)?.get(last);
  return candidates?.find((f) => matches(f.pattern, 0, path, 0));
}

/**
 * True when `privateKey.size` at `path` is folded into the `schema` finding's fix for a cert-manager style
 * `algorithm` (ECDSA + 384 → Ec384): then that finding removes it and `legacy-field` stays quiet about it.
 */
export function sizeConsumedByAlgorithmFix(privateKey: unknown, allowed: readonly unknown[]): boolean {
  if (!privateKey || typeof privateKey !== 'object') return false;
  const pk = privateKey as Record<string, unknown>;
  if (allowed.includes(pk.algorithm)) return false; // a valid algorithm: size is just an extra field
  return aioAlgorithm(pk.algorithm, pk.size)?.usesSize === true;
}

// Cluster objects as engine facts (engine/types.ts Facts): live listeners replace the assumed AIO built-ins when the
// facts are complete; issuers, cluster issuers, TLS secrets (metadata, type, key names and tls.crt only),
// BrokerAuthentication/Authorization, Services and ServiceAccounts satisfy references. Pure.
import type { Facts, FactObject } from '../engine/types';
import type { ClusterSnapshot } from './session';
import { NEEDS, ResourceKey, SPECS } from './resources';

const SKIP_SECRET_TYPES = new Set([
  'helm.sh/release.v1',
  'kubernetes.io/service-account-token',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/dockercfg',
  'bootstrap.kubernetes.io/token',
]);

function fact(key: ResourceKey, o: any): FactObject | undefined {
  const spec = SPECS[key];
  const metadata = {
    name: o.metadata?.name,
    ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    ...(o.metadata?.labels ? { labels: o.metadata.labels } : {}),
    ...(o.metadata?.annotations ? { annotations: o.metadata.annotations } : {}),
  };
  if (!metadata.name) return undefined;
  const apiVersion = spec.group ? `${spec.group}/${spec.version}` : spec.version;
  if (key === 'secrets') {
    if (SKIP_SECRET_TYPES.has(o.type)) return undefined;
    // Already stripped on arrival (resources.ts stripSecret): only tls.crt can be here.
    const crt = o.data?.['tls.crt'];
    return {
      apiVersion,
      kind: 'Secret',
      metadata,
      type: o.type,
      dataKeys: o.dataKeys ?? [],
      ...(typeof crt === 'string' ? { data: { 'tls.crt': crt } } : {}),
    };
  }
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o;
  return { apiVersion, kind: spec.kind, metadata, ...rest };
}

export function clusterFacts(s: ClusterSnapshot): Facts {
  const objects: FactObject[] = [];
  let complete = true;
  for (const key of NEEDS.facts) {
    const slice = s.resources[key];
    if (!slice || !slice.synced || slice.error) complete = false;
    for (const o of slice?.items ?? []) {
      const f = fact(key, o);
      if (f) objects.push(f);
    }
  }
  return { objects, source: s.context, complete };
}

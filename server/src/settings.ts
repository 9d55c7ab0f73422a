// The one source of truth for settings defaults. package.json's contributes.configuration must agree (a test checks).
import type { BrokerKitSettings } from './protocol';

export const SETTINGS_SECTION = 'brokerkit';

export const settingsDefaults: BrokerKitSettings = {
  defaultNamespace: 'azure-iot-operations',
  assumeBuiltins: true,
  kubeconfig: '',
  clusterValidation: true,
  clusterTargets: {},
  exclude: ['**/node_modules/**', '**/.git/**'],
  maxFileSize: 16 * 1024 * 1024,
  deployments: 'folder',
  trace: { server: 'off' },
};

const TRACE = ['off', 'messages', 'verbose'] as const;

/** Accepts whatever the client sent and keeps only well-typed values (an object-valued setting is never trusted blindly). */
export function normalizeSettings(raw: unknown): BrokerKitSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const d = settingsDefaults;
  return {
    defaultNamespace:
      typeof r.defaultNamespace === 'string' && r.defaultNamespace ? r.defaultNamespace : d.defaultNamespace,
    assumeBuiltins: typeof r.assumeBuiltins === 'boolean' ? r.assumeBuiltins : d.assumeBuiltins,
    kubeconfig: typeof r.kubeconfig === 'string' ? r.kubeconfig : d.kubeconfig,
    clusterValidation: typeof r.clusterValidation === 'boolean' ? r.clusterValidation : d.clusterValidation,
    clusterTargets: targetsOf(r.clusterTargets),
    exclude:
      Array.isArray(r.exclude) && r.exclude.every((x) => typeof x === 'string') ? (r.exclude as string[]) : d.exclude,
    maxFileSize: typeof r.maxFileSize === 'number' && r.maxFileSize > 0 ? r.maxFileSize : d.maxFileSize,
    deployments: r.deployments === 'workspace' || r.deployments === 'folder' ? r.deployments : d.deployments,
    trace: { server: TRACE.find((t) => t === (r.trace as { server?: unknown } | undefined)?.server) ?? d.trace.server },
  };
}

/** `{ "path": "context" | ["context", ...] }`; anything else is dropped. */
function targetsOf(raw: unknown): Record<string, string[]> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
    if (k.trim() && list.length) out[k.trim()] = list;
  }
  return out;
}

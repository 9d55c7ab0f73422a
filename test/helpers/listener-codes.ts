// The codes of the listener-set and reference rules (their tests filter on them, since other rules may also speak
// about the same fixtures).
import type { Finding } from '../../server/src/engine';

export const LISTENER_CODES = new Set([
  'port-conflict',
  'service-type-conflict',
  'listener-limit',
  'service-name-conflict',
  'service-name-invalid',
  'default-listener-modified',
  'node-port-range',
  'node-port-conflict',
  'node-port-ignored',
  'node-port-random',
  'insecure-port',
  'authentication-not-found',
  'authorization-not-found',
  'authorization-without-authentication',
  'x509-without-tls',
  'broker-ref',
  'workload-identity-label',
  'authentication-method-invalid',
  'default-authentication-modified',
  'authorization-rule-invalid',
  'authorization-deny-all',
]);

export function listenerFindings(f: Finding[]): Finding[] {
  return f.filter((x) => LISTENER_CODES.has(x.code));
}

/** `code@line` (1-based) for each listener-rule finding, sorted: a compact, exact summary for pinning. */
export function pin(f: Finding[]): string[] {
  return listenerFindings(f)
    .map((x) => `${x.code}@${x.range.start.line + 1}`)
    .sort();
}

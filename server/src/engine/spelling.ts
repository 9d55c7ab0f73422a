// Enum spellings: which accepted value is the documented one, which allowed value a rejected one was meant to be,
// and how cert-manager's key algorithm (`ECDSA` + `size`) maps onto AIO's (`Ec384`): AIO's names map onto
// cert-manager's, Ec256/384/521 = ECDSA 256/384/521, Rsa2048/4096/8192 = RSA of that size.

/**
 * For a lowerCamel enum value the CRD accepts (`clusterIp`), the documented UpperCamel one (`ClusterIp`) when the
 * enum lists both; undefined otherwise.
 */
export function documentedSpelling(value: unknown, allowed: readonly unknown[]): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const first = value[0];
  if (first === first.toUpperCase() || first !== first.toLowerCase()) return undefined; // not lower-case first
  const upper = first.toUpperCase() + value.slice(1);
  return allowed.includes(upper) ? upper : undefined;
}

/** The allowed values as the docs write them: the UpperCamel member of each lowerCamel/UpperCamel pair. */
export function documentedValues(allowed: readonly unknown[]): string[] {
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  return strings.filter((a) => documentedSpelling(a, strings) === undefined);
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * The allowed value a rejected one most likely meant: the same letters in another casing (`ClusterIP` → `ClusterIp`,
 * `Websockets` → `WebSockets`, `MQTT` → `Mqtt`), else one within a small edit distance (`LoadBalancr`). The documented
 * UpperCamel spelling wins over its lowerCamel twin. Undefined when nothing is clearly meant.
 */
export function closestAllowed(value: unknown, allowed: readonly unknown[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = norm(value);
  if (!v) return undefined;
  const candidates = documentedValues(allowed);
  const same = candidates.filter((a) => norm(a) === v);
  if (same.length === 1) return same[0];
  if (same.length > 1) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const a of candidates) {
    const d = distance(v, norm(a), 3);
    if (d < bestD) {
      bestD = d;
      best = a;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  const limit = Math.min(2, Math.floor(v.length / 3));
  return best !== undefined && !tie && bestD <= limit ? best : undefined;
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
export function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const c = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(c);
      if (c < rowMin) rowMin = c;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

const EC: Record<number, string> = { 256: 'Ec256', 384: 'Ec384', 521: 'Ec521' };
const RSA: Record<number, string> = { 2048: 'Rsa2048', 4096: 'Rsa4096', 8192: 'Rsa8192' };

/**
 * AIO's algorithm for cert-manager's `algorithm` + `size` (cert-manager's default sizes: ECDSA 256, RSA 2048).
 * `usesSize` is true when a `size` was given and is folded into the answer (so it should be removed). Undefined
 * when the algorithm is not cert-manager style or the size has no AIO equivalent.
 */
export function aioAlgorithm(algorithm: unknown, size: unknown): { value: string; usesSize: boolean } | undefined {
  if (typeof algorithm !== 'string') return undefined;
  const a = algorithm.trim().toUpperCase();
  const hasSize = size !== undefined && size !== null;
  const n =
    typeof size === 'number' ? size : typeof size === 'string' && /^\d+$/.test(size.trim()) ? Number(size) : NaN;
  if (hasSize && Number.isNaN(n)) return undefined;
  const table = a === 'ECDSA' || a === 'EC' || a === 'ECC' ? EC : a === 'RSA' ? RSA : undefined;
  if (table) {
    if (!hasSize) return { value: a === 'RSA' ? 'Rsa2048' : 'Ec256', usesSize: false };
    return table[n] ? { value: table[n], usesSize: true } : undefined;
  }
  if (a === 'ED25519' && hasSize) return { value: 'Ed25519', usesSize: true }; // cert-manager ignores size for Ed25519
  return undefined;
}

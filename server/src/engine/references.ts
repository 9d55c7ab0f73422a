// Shared by the rules authentication-not-found and authorization-not-found: a port's reference to a
// BrokerAuthentication / BrokerAuthorization by name, looked up in the listener's namespace among workspace objects,
// cluster facts and AIO's built-in `default` BrokerAuthentication.
import type { WorkspaceContext } from './rule';
import { AIO_GROUP, LEGACY_AIO_GROUP } from './resources';
import { listenerModel, refName } from './listener-model';

export function checkReferences(
  ctx: WorkspaceContext,
  field: 'authenticationRef' | 'authorizationRef',
  kind: string,
): void {
  const names = new Map<string, Set<string>>();
  const aio = AIO_GROUP,
    legacy = LEGACY_AIO_GROUP; // locals: hot loop, and transpiled imports are getters
  for (const r of ctx.index.ofKind(kind)) {
    if (!r.name || (r.group !== aio && r.group !== legacy)) continue;
    const s = names.get(r.namespace);
    if (s) s.add(r.name);
    else names.set(r.namespace, new Set([r.name]));
  }
  const severity = ctx.factsComplete ? 'error' : 'warning';
  // Looked up within the deployment (the files applied with the listener), never across the whole workspace: an object
  // in a sibling folder applied on its own is not there when this one is applied.
  const where = ctx.factsComplete
    ? 'among the files applied with this listener or in the connected cluster'
    : 'among the files applied with this listener' +
      (kind === 'BrokerAuthentication' && ctx.options.assumeBuiltins ? " (AIO itself only creates 'default')" : '');
  // Per namespace, once: the sorted names there and the "Known: ..." text.
  const perNs = new Map<string, { all: string[]; candidates: string[]; known: string }>();
  const none = new Set<string>();
  for (const g of listenerModel(ctx.index).groups) {
    if (g.origin !== 'workspace') continue;
    const known = names.get(g.namespace) ?? none;
    for (const p of g.ports) {
      const ref = refName(p.entry[field]);
      if (p.doc.origin !== 'workspace' || ref === undefined || known.has(ref)) continue;
      let ns = perNs.get(g.namespace);
      if (!ns) {
        const all = [...known].sort();
        ns = {
          all,
          candidates: all.slice(0, 20),
          known: all.length
            ? `Known: ${all
                .slice(0, 5)
                .map((c) => `'${c}'`)
                .join(', ')}${all.length > 5 ? ` and ${all.length - 5} more` : ''}. `
            : '',
        };
        perNs.set(g.namespace, ns);
      }
      const close = closest(ref, ns.all);
      const data: Record<string, unknown> = { ref, namespace: g.namespace, candidates: ns.candidates };
      if (close) data.replace = close;
      ctx.report(p.doc, {
        path: [...p.path, field],
        severity,
        message: `${field} '${ref}' names no ${kind} in namespace '${g.namespace}' ${where}. ${close ? `Did you mean '${close}'? ` : ns.known}Create the ${kind} in namespace '${g.namespace}' or fix the name.`,
        data,
      });
    }
  }
}

/** Results of closest(), a pure function asked again on every validation for the same names. */
const closestMemo = new Map<string, string | undefined>();

/** The candidate within a small edit distance (typos, case), if exactly one is closest. */
export function closest(name: string, candidates: string[]): string | undefined {
  const key = candidates.length === 1 ? `${name}\u0000${candidates[0]}` : `${name}\u0000${candidates.join('\u0000')}`;
  const hit = closestMemo.get(key);
  if (hit !== undefined || closestMemo.has(key)) return hit;
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  const out = best !== undefined && !tie && bestD <= limit ? best : undefined;
  if (closestMemo.size > 10000) closestMemo.clear();
  closestMemo.set(key, out);
  return out;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
function distance(a: string, b: string): number {
  const w = b.length + 1;
  const d = new Array<number>((a.length + 1) * w);
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        d[i * w + j] = i + j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = v;
    }
  }
  return d[a.length * w + b.length];
}

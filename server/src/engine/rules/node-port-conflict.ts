// A node port can be allocated once in the whole cluster ("provided port is already
// allocated"), so the same nodePort twice in one listener, in two NodePort listeners, or in a listener and a Service
// (NodePort/LoadBalancer) of the workspace or the cluster cannot all be created. Node ports are cluster-wide, not
// per namespace, so the rule compares across namespaces. A listener's own Service (owned by the BrokerListener, or
// named like the listener's Service in its namespace) mirrors the listener and is not a second claim. Documents of one
// listener (base + overlay) are one listener.
//
// data: { nodePort: number, suggestion: number (a free node port in range), replace: string (the suggestion) }
import type { WorkspaceRule, RelatedReport, RuleWorld } from '../rule';
import type { Path } from '../parse';
import { AIO_GROUP, Resource } from '../resources';
import {
  canonicalServiceType,
  listenerModel,
  ownedByListener,
  serviceNamesOf,
  label,
  firstOf,
} from '../listener-model';
import { NODE_PORT_MAX, NODE_PORT_MIN } from './node-port-range';

interface Claim {
  owner: string;
  doc: Resource;
  path: Path;
}

const what = (c: Claim) => label(c.doc.kind, c.doc);

const rule: WorkspaceRule = {
  scope: 'workspace',
  // Node ports are allocated cluster-wide: every namespace's listeners and Services together.
  partition: 'cluster',
  reads: ['BrokerListener', 'Service'],
  affectedBy,
  code: 'node-port-conflict',
  severity: 'error',
  title:
    'The same nodePort is used twice (in one listener, two listeners, or a listener and a Service); node ports are unique in the cluster.',
  sources: ['https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport'],
  check(ctx) {
    const model = listenerModel(ctx.index);
    const claims = new Map<number, Claim[]>();
    const add = (np: number, c: Claim) => {
      const l = claims.get(np);
      if (l) l.push(c);
      else claims.set(np, [c]);
    };
    const isNodePort = (v: unknown): v is number => typeof v === 'number' && v !== 0;
    for (const g of model.groups) {
      if (!g.effectiveTypes.has('NodePort')) continue;
      for (const p of g.ports)
        if (isNodePort(p.entry.nodePort))
          add(p.entry.nodePort, { owner: g.id, doc: p.doc, path: [...p.path, 'nodePort'] });
    }
    let listenerServices: Set<string> | undefined;
    for (const s of ctx.index.ofKind('Service')) {
      if (!mayClaim(s) || ownedByListener(s)) continue;
      if (!listenerServices) {
        listenerServices = new Set<string>();
        for (const g of model.groups)
          for (const n of serviceNamesOf(g)) listenerServices.add(`${g.namespace}/${n.value}`);
      }
      if (listenerServices.has(`${s.namespace}/${s.name}`)) continue;
      const ports = s.value.spec?.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((p: any, i: number) => {
        if (isNodePort(p?.nodePort))
          add(p.nodePort, {
            owner: `Service/${s.namespace}/${s.name}`,
            doc: s,
            path: ['spec', 'ports', i, 'nodePort'],
          });
      });
    }
    let used: Set<number> | undefined;
    for (const [np, list] of claims) {
      if (list.length < 2) continue;
      // Counted once per node port so that a port claimed by many objects stays linear.
      const perDoc = new Map<Resource, number>();
      const owners = new Map<string, Claim>();
      for (const o of list) {
        perDoc.set(o.doc, (perDoc.get(o.doc) ?? 0) + 1);
        if (!owners.has(o.owner)) owners.set(o.owner, o);
      }
      const ownerList = [...owners];
      for (const c of list) {
        if (c.doc.origin !== 'workspace' || c.doc.kind !== 'BrokerListener') continue;
        const twice = perDoc.get(c.doc)! > 1;
        const otherOwners = owners.size - 1;
        if (!twice && otherOwners === 0) continue;
        used ??= new Set(claims.keys());
        const suggestion = nextFreeNodePort(np, used);
        const shown = firstOf(list, (o) => o !== c && (o.owner !== c.owner || o.doc === c.doc));
        const related: RelatedReport[] = shown.map((o) => ({
          resource: o.doc,
          path: o.path,
          message: `nodePort ${np} of ${what(o)}`,
        }));
        const names = firstOf(ownerList, ([owner]) => owner !== c.owner, 3).map(([, o]) => what(o));
        const more = otherOwners > names.length ? ` and ${otherOwners - names.length} more` : '';
        ctx.report(c.doc, {
          path: c.path,
          message:
            (twice ? `nodePort ${np} appears more than once in this listener. ` : '') +
            (otherOwners > 0
              ? `nodePort ${np} is also used by ${names.join(', ')}${more}; a node port can be allocated once in the whole cluster. `
              : '') +
            `Pick another node port, e.g. ${suggestion}.`,
          related,
          data: { nodePort: np, suggestion, replace: String(suggestion) },
        });
      }
    }
  },
};

/** A Service whose node ports may count: a core NodePort or LoadBalancer Service with a name. */
function mayClaim(s: Resource): boolean {
  const type = s.value?.spec?.type;
  return s.group === '' && !!s.name && (type === 'NodePort' || type === 'LoadBalancer');
}

/**
 * What an edit must touch to change the findings: a Service that may claim node ports; a listener that may claim one
 * (a `nodePort` in a port) or make its listener a NodePort one (serviceType), or whose name or serviceName is that of
 * a claiming Service in its namespace (the listener's own Service is no second claim). A LoadBalancer listener
 * without node ports, renamed or re-ported, leaves them as they are.
 */
function affectedBy(r: Resource, world: RuleWorld): boolean {
  if (r.kind === 'Service') return mayClaim(r);
  if (r.kind !== 'BrokerListener' || r.group !== AIO_GROUP || r.name === undefined) return false;
  const spec = r.value?.spec;
  if (spec && typeof spec === 'object') {
    if (canonicalServiceType(spec.serviceType) === 'NodePort') return true;
    if (Array.isArray(spec.ports) && spec.ports.some((p: unknown) => !!p && typeof p === 'object' && 'nodePort' in p))
      return true;
  }
  const serviceName = typeof spec?.serviceName === 'string' ? spec.serviceName : undefined;
  return world
    .ofKind('Service')
    .some((s) => s.namespace === r.namespace && (s.name === r.name || s.name === serviceName) && mayClaim(s));
}

export function nextFreeNodePort(np: number, used: Set<number>): number {
  const start = np >= NODE_PORT_MIN && np <= NODE_PORT_MAX ? np + 1 : NODE_PORT_MIN;
  for (let p = start; p <= NODE_PORT_MAX; p++) if (!used.has(p)) return p;
  for (let p = NODE_PORT_MIN; p < start; p++) if (!used.has(p)) return p;
  return np;
}

export default rule;

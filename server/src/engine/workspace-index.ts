// The workspace index: every object known to the engine, keyed by (kind, namespace, name), with workspace objects
// shadowing cluster facts and AIO built-ins of the same identity.
import { identity, Resource, AIO_GROUP } from './resources';

export class Index {
  readonly all: Resource[] = [];
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byId = new Map<string, Resource[]>();

  constructor(workspace: Resource[], cluster: Resource[], builtins: Resource[]) {
    for (const r of workspace) this.add(r);
    for (const r of [...cluster, ...builtins]) {
      if (!this.byId.has(identity(r))) this.add(r);
    }
  }

  private add(r: Resource): void {
    this.all.push(r);
    push(this.byKind, r.kind, r);
    push(this.byId, identity(r), r);
  }

  ofKind(kind: string, group?: string): Resource[] {
    const list = this.byKind.get(kind) ?? [];
    return group === undefined ? list : list.filter((r) => r.group === group);
  }

  /** Every document describing that object (several for a kustomize base and its patches). */
  get(kind: string, namespace: string, name: string): Resource[] {
    return this.byId.get(identity({ kind, namespace, name })) ?? [];
  }

  private listenerCache?: Resource[];
  private byBrokerCache?: Map<string, Resource[]>;

  /** AIO BrokerListeners, one entry per object identity (a base and its overlay count once). Computed once. */
  listeners(): Resource[] {
    return (this.listenerCache ??= unique(this.ofKind('BrokerListener', AIO_GROUP)));
  }

  /** The listeners of one broker: same namespace, and `brokerRef` (missing means `default`). Computed once. */
  listenersByBroker(): Map<string, Resource[]> {
    if (this.byBrokerCache) return this.byBrokerCache;
    const out = (this.byBrokerCache = new Map<string, Resource[]>());
    for (const l of this.listeners()) {
      const ref = l.value?.spec?.brokerRef;
      const broker = typeof ref === 'string' && ref ? ref : 'default';
      push(out, `${l.namespace}/${broker}`, l);
    }
    return out;
  }
}

export function unique(list: Resource[]): Resource[] {
  const seen = new Set<string>();
  const out: Resource[] = [];
  for (const r of list) {
    const id = identity(r);
    if (r.name === undefined || !seen.has(id)) {
      seen.add(id);
      out.push(r);
    }
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

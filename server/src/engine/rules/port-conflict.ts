// Port numbers are unique across every listener of a broker, and AIO's
// default listener owns 18883 even when it is not in the workspace.
//
// Reported at every clashing port entry in the workspace, with related locations at all the other ends. Several
// documents of one listener (a kustomize base and its overlay) are one listener: the same port in both is no clash.
//
// data: { port: number, suggestion: number (a port no listener of the broker uses), replace: string (the suggestion) }
import type { WorkspaceRule } from '../rule';
import { listenerModel, label, firstOf, PortRef, ListenerGroup } from '../listener-model';

interface PortUse {
  group: ListenerGroup;
  ref: PortRef;
}

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'port-conflict',
  severity: 'error',
  title:
    'A port number is used twice in one listener or by two listeners of the same broker (AIO’s default listener owns 18883).',
  sources: ['https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener'],
  check(ctx) {
    for (const groups of listenerModel(ctx.index).byBroker.values()) {
      const byPort = new Map<number, PortUse[]>();
      for (const group of groups) {
        for (const ref of group.ports) {
          const port = ref.entry.port;
          if (typeof port !== 'number') continue;
          const list = byPort.get(port);
          if (list) list.push({ group, ref });
          else byPort.set(port, [{ group, ref }]);
        }
      }
      const used = new Set(byPort.keys());
      for (const [port, uses] of byPort) {
        if (uses.length < 2) continue;
        // Counted once per port so that a port shared by many listeners stays linear.
        const perDoc = new Map<unknown, number>();
        const groups = new Set<ListenerGroup>();
        for (const o of uses) {
          perDoc.set(o.ref.doc, (perDoc.get(o.ref.doc) ?? 0) + 1);
          groups.add(o.group);
        }
        const groupList = [...groups];
        for (const u of uses) {
          if (u.ref.doc.origin !== 'workspace') continue;
          // Clashes: the same port in another listener, or twice in this very document. The same port in another
          // document of this listener (base + overlay) is the same port.
          const twiceHere = perDoc.get(u.ref.doc)! > 1;
          const otherGroups = groups.size - 1;
          if (!twiceHere && otherGroups === 0) continue;
          const shown = firstOf(uses, (o) => o !== u && (o.group !== u.group || o.ref.doc === u.ref.doc));
          const suggestion = nextFree(port, used);
          const parts: string[] = [];
          if (twiceHere)
            parts.push(`Port ${port} appears more than once in this listener; each port may be listed once.`);
          if (otherGroups > 0) {
            const names = firstOf(groupList, (g) => g !== u.group, 3).map((g) => label('BrokerListener', g.docs[0]));
            const more = otherGroups > names.length ? ` and ${otherGroups - names.length} more` : '';
            parts.push(
              `Port ${port} is already used by ${names.join(', ')}${more}; ports must be unique across all listeners of the broker.`,
            );
          }
          parts.push(`Pick another port, e.g. ${suggestion}.`);
          ctx.report(u.ref.doc, {
            path: [...u.ref.path, 'port'],
            message: parts.join(' '),
            related: shown.map((o) => ({
              resource: o.ref.doc,
              path: [...o.ref.path, 'port'],
              message: `port ${port} of ${label('BrokerListener', o.ref.doc)}`,
            })),
            data: { port, suggestion, replace: String(suggestion) },
          });
        }
      }
    }
  },
};

/** The next port number after `port` that no listener of the broker uses. */
export function nextFree(port: number, used: Set<number>): number {
  for (let p = port + 1; p <= 65535; p++) if (!used.has(p)) return p;
  for (let p = 1024; p < port; p++) if (!used.has(p)) return p;
  return port;
}

export default rule;

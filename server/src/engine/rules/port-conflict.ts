// domain.md B3, G16-17; scenarios.md A.3: port numbers are unique across every listener of a broker, and AIO's
// default listener owns 18883 even when it is not in the workspace.
import type { WorkspaceRule } from '../rule';
import { describe, identity, Resource } from '../resources';

interface PortUse { listener: Resource; index: number; port: number }

const rule: WorkspaceRule = {
  scope: 'workspace',
  code: 'port-conflict',
  severity: 'error',
  title: 'A port number is used twice in one listener or by two listeners of the same broker (AIO’s default listener owns 18883).',
  source: 'domain.md B3, G16, G17; scenarios.md A.3',
  check(ctx) {
    for (const listeners of ctx.index.listenersByBroker().values()) {
      const byPort = new Map<number, PortUse[]>();
      for (const l of listeners) {
        const ports = l.value.spec?.ports;
        if (!Array.isArray(ports)) continue;
        ports.forEach((p: any, index: number) => {
          if (typeof p?.port !== 'number') return;
          const list = byPort.get(p.port) ?? [];
          list.push({ listener: l, index, port: p.port });
          byPort.set(p.port, list);
        });
      }
      const used = new Set(byPort.keys());
      for (const [port, uses] of byPort) {
        if (uses.length < 2) continue;
        for (const u of uses) {
          const others = uses.filter((o) => o !== u);
          const sameListener = others.every((o) => identity(o.listener) === identity(u.listener));
          const names = [...new Set(others.map((o) => identity(o.listener) === identity(u.listener) ? 'this listener' : describe(o.listener)))];
          ctx.report(u.listener, {
            path: ['spec', 'ports', u.index, 'port'],
            message: sameListener
              ? `Port ${port} appears twice in this listener; each port may be listed once. Pick another port, e.g. ${nextFree(port, used)}.`
              : `Port ${port} is already used by ${names.join(', ')}; ports must be unique across all listeners of the broker. Pick another port, e.g. ${nextFree(port, used)}.`,
            related: others.map((o) => ({ resource: o.listener, path: ['spec', 'ports', o.index, 'port'], message: `port ${port} of ${describe(o.listener)}` })),
            data: { port, suggestion: nextFree(port, used) },
          });
        }
      }
    }
  },
};

export function nextFree(port: number, used: Set<number>): number {
  for (let p = port + 1; p <= 65535; p++) if (!used.has(p)) return p;
  for (let p = 1024; p < port; p++) if (!used.has(p)) return p;
  return port;
}

export default rule;

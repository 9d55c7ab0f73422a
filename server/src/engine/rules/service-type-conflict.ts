// A broker has at most one listener per service type. The default
// `serviceType` is ClusterIp and AIO's built-in `default` listener is ClusterIp, so a new
// ClusterIp listener clashes with it even when it is not in the workspace: add ports to `default` instead.
// lowerCamel spellings (`loadBalancer`) are the same type.
//
// data (for the "move these ports into the existing listener" quick fix):
//   { serviceType: string, targetName: string, targetNamespace: string, targetOrigin: 'workspace'|'cluster'|'builtin',
//     targetUri?: string (the file of the target listener, when it is in the workspace), ports: number[] (this
//     listener's ports) }
// related[0] points at the target listener.
import type { WorkspaceRule } from '../rule';
import { listenerModel, label, typeLocations, firstOf, ListenerGroup } from '../listener-model';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'service-type-conflict',
  severity: 'error',
  title:
    'Two listeners of one broker have the same service type (the built-in `default` listener is ClusterIp); a broker has one listener per type.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/overview-broker',
  ],
  check(ctx) {
    for (const groups of listenerModel(ctx.index).byBroker.values()) {
      if (groups.length < 2) continue;
      const byType = new Map<string, ListenerGroup[]>();
      for (const g of groups) {
        for (const t of g.effectiveTypes) {
          const l = byType.get(t);
          if (l) l.push(g);
          else byType.set(t, [g]);
        }
      }
      for (const [type, same] of byType) {
        if (same.length < 2) continue;
        // The existing listener to merge into: one that is already deployed (built-in or live) comes first.
        const ranked = [...same].sort(
          (a, b) => (a.origin === 'workspace' ? 1 : 0) - (b.origin === 'workspace' ? 1 : 0),
        );
        for (const g of same) {
          if (g.origin !== 'workspace') continue;
          const others = firstOf(ranked, (o) => o !== g);
          const target = others[0];
          const targetDoc = target.docs[0];
          const implied = g.serviceTypes.length === 0;
          const ports = [
            ...new Set(g.ports.map((p) => p.entry.port).filter((p): p is number => typeof p === 'number')),
          ];
          const count = same.length - 1;
          const shownNames = others.slice(0, 3).map((o) => label('BrokerListener', o.docs[0]));
          const othersText =
            shownNames.join(', ') + (count > shownNames.length ? ` and ${count - shownNames.length} more` : '');
          const message =
            `Listener '${g.name}' is ${type}${implied ? ' (the default, as serviceType is not set)' : ''}, ` +
            `but ${othersText} ${count > 1 ? 'are' : 'is'} ${type} too; a broker allows one listener per service type. ` +
            (type === 'ClusterIp' && target.name === 'default'
              ? `Add these ports to the 'default' listener (leaving its settings unchanged), or choose LoadBalancer or NodePort.`
              : `Move these ports into '${target.name}', or choose another service type.`);
          for (const at of typeLocations(g, type)) {
            ctx.report(at.doc, {
              path: at.path,
              message,
              related: others.flatMap((o) =>
                typeLocations(o, type)
                  .slice(0, 1)
                  .map((l) => ({
                    resource: l.doc,
                    path: l.path,
                    message: `${label('BrokerListener', l.doc)} is ${type}`,
                  })),
              ),
              data: {
                serviceType: type,
                targetName: target.name,
                targetNamespace: target.namespace,
                targetOrigin: target.origin,
                ...(targetDoc.chunk ? { targetUri: targetDoc.chunk.uri } : {}),
                ports,
              },
            });
          }
        }
      }
    }
  },
};

export default rule;

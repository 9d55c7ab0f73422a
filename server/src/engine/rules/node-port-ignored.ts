// nodePort on a ClusterIp or LoadBalancer listener is ignored, which usually means the service type is not what the
// author meant. A listener whose documents state no type is ClusterIp.
//
// data: { nodePort: unknown (the value), serviceType: string }
import type { WorkspaceRule } from '../rule';
import { listenerModel } from '../listener-model';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'node-port-ignored',
  severity: 'warning',
  title: 'nodePort is set on a listener whose service type is not NodePort, so it is ignored.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
  ],
  check(ctx) {
    for (const g of listenerModel(ctx.index).groups) {
      if (g.origin !== 'workspace' || g.effectiveTypes.has('NodePort')) continue;
      // An unknown type (a typo or a `<SERVICE_TYPE>` placeholder) is the schema rule's business, not ours.
      if (![...g.effectiveTypes].every((t) => t === 'ClusterIp' || t === 'LoadBalancer')) continue;
      const type = [...g.effectiveTypes].join('/');
      const implied = g.serviceTypes.length === 0;
      for (const p of g.ports) {
        const np = p.entry.nodePort;
        if (p.doc.origin !== 'workspace' || np === undefined || np === null) continue;
        ctx.report(p.doc, {
          path: [...p.path, 'nodePort'],
          key: true,
          message: `nodePort is ignored: listener '${g.name}' is ${type}${implied ? ' (serviceType is not set)' : ''}, and only NodePort listeners open node ports. Set serviceType: NodePort, or remove nodePort.`,
          data: { nodePort: np, serviceType: type },
        });
      }
    }
  },
};

export default rule;

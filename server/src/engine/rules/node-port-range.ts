// Kubernetes only accepts node ports in 30000-32767 (the API server's default range:
// "provided port is not in the valid range"); the CRD allows 0-65535, so the operator's Service
// fails later. 0 means "let Kubernetes pick" and is fine. Only NodePort listeners use nodePort (node-port-ignored
// covers the others).
//
// data: { nodePort: number, min: 30000, max: 32767 }
import type { WorkspaceRule } from '../rule';
import { listenerModel } from '../listener-model';

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'node-port-range',
  severity: 'error',
  title: 'A nodePort is outside 30000-32767, the range Kubernetes accepts.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-test-connection',
    'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
  ],
  check(ctx) {
    for (const g of listenerModel(ctx.index).groups) {
      if (g.origin !== 'workspace' || !g.effectiveTypes.has('NodePort')) continue;
      for (const p of g.ports) {
        const np = p.entry.nodePort;
        if (p.doc.origin !== 'workspace' || typeof np !== 'number' || np === 0) continue;
        if (np >= NODE_PORT_MIN && np <= NODE_PORT_MAX) continue;
        ctx.report(p.doc, {
          path: [...p.path, 'nodePort'],
          message: `nodePort ${np} is outside ${NODE_PORT_MIN}-${NODE_PORT_MAX}, the node-port range Kubernetes accepts, so the listener's Service is rejected. Pick a port in that range, or remove nodePort to let Kubernetes choose one.`,
          data: { nodePort: np, min: NODE_PORT_MIN, max: NODE_PORT_MAX },
        });
      }
    }
  },
};

export default rule;

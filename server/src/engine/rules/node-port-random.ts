// A port of a NodePort listener without nodePort (or with 0) gets a node port that
// Kubernetes picks at random, so clients outside the cluster cannot know it in advance. Information only.
//
// data: { port: number | undefined }
import type { WorkspaceRule } from '../rule';
import { listenerModel } from '../listener-model';
import { NODE_PORT_MAX, NODE_PORT_MIN } from './node-port-range';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'node-port-random',
  severity: 'info',
  title: 'A port of a NodePort listener has no nodePort, so Kubernetes picks a random one.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-test-connection',
    'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
  ],
  check(ctx) {
    for (const g of listenerModel(ctx.index).groups) {
      if (g.origin !== 'workspace' || !g.effectiveTypes.has('NodePort')) continue;
      for (const p of g.ports) {
        const np = p.entry.nodePort;
        if (p.doc.origin !== 'workspace' || (np !== undefined && np !== null && np !== 0)) continue;
        ctx.report(p.doc, {
          path: [...p.path, 'port'],
          message: `Port ${p.entry.port ?? ''} of NodePort listener '${g.name}' has no nodePort, so Kubernetes picks a random node port. Set nodePort (${NODE_PORT_MIN}-${NODE_PORT_MAX}) if clients outside the cluster need a fixed one.`,
          data: { port: typeof p.entry.port === 'number' ? p.entry.port : undefined },
        });
      }
    }
  },
};

export default rule;

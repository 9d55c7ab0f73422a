// A broker has at most three listeners, one per service type. AIO's built-in `default`
// listener counts. Reported at the name of every listener of the broker that is in the workspace.
//
// data: { broker: string ('namespace/name'), count: number, listeners: string[] (the first 20 names) }
import type { WorkspaceRule } from '../rule';
import { listenerModel, label, firstOf, nameList } from '../listener-model';

export const MAX_LISTENERS = 3;

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'listener-limit',
  severity: 'error',
  title: 'A broker has more than three listeners; AIO allows three, one per service type.',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/overview-broker',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
  ],
  check(ctx) {
    for (const [broker, groups] of listenerModel(ctx.index).byBroker) {
      if (groups.length <= MAX_LISTENERS) continue;
      const brokerName = broker.slice(broker.indexOf('/') + 1);
      const names = groups.map((g) => g.name);
      const shownNames = nameList(names, 6);
      for (const g of groups) {
        if (g.origin !== 'workspace') continue;
        const others = firstOf(groups, (o) => o !== g);
        for (const doc of g.docs) {
          if (doc.origin !== 'workspace') continue;
          ctx.report(doc, {
            path: ['metadata', 'name'],
            message:
              `Broker '${brokerName}' in namespace '${g.namespace}' has ${groups.length} listeners (${shownNames}); ` +
              `AIO allows at most ${MAX_LISTENERS}, one per service type. Merge the ports of listeners with the same service type into one listener.`,
            related: others.map((o) => ({
              resource: o.docs[0],
              path: ['metadata', 'name'],
              message: `${label('BrokerListener', o.docs[0])}`,
            })),
            data: { broker, count: groups.length, listeners: names.slice(0, 20) },
          });
        }
      }
    }
  },
};

export default rule;

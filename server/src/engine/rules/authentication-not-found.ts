// `ports[].authenticationRef` must name a BrokerAuthentication in the listener's
// namespace. Looked up among workspace objects, cluster facts and AIO's built-in `default`. A warning while only the
// workspace is known (the object may exist in the cluster); an error when the facts describe the whole cluster,
// as `az iot ops check` reports it.
//
// data: { ref: string, namespace: string, candidates: string[] (names that exist there, at most 20),
//   replace?: string (the one candidate that looks like a typo of ref) }
import type { WorkspaceRule } from '../rule';
import { checkReferences } from '../references';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'authentication-not-found',
  severity: 'warning',
  title:
    'A port’s authenticationRef names no BrokerAuthentication in the listener’s namespace (an error when a cluster is connected).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authentication',
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-brokerlistener',
    'https://learn.microsoft.com/cli/azure/iot/ops#az-iot-ops-check',
  ],
  check(ctx) {
    checkReferences(ctx, 'authenticationRef', 'BrokerAuthentication');
  },
};

export default rule;

// `ports[].authorizationRef` must name a BrokerAuthorization in the listener's
// namespace (AIO creates none by default). A warning while only the workspace is known; an error when the
// facts describe the whole cluster.
//
// data: { ref: string, namespace: string, candidates: string[], replace?: string (a close candidate) }
import type { WorkspaceRule } from '../rule';
import { checkReferences } from '../references';

const rule: WorkspaceRule = {
  scope: 'workspace',
  partition: 'namespace',
  code: 'authorization-not-found',
  severity: 'warning',
  title:
    'A port’s authorizationRef names no BrokerAuthorization in the listener’s namespace (an error when a cluster is connected).',
  sources: [
    'https://learn.microsoft.com/azure/iot-operations/manage-mqtt-broker/howto-configure-authorization',
    'https://learn.microsoft.com/cli/azure/iot/ops#az-iot-ops-check',
  ],
  check(ctx) {
    checkReferences(ctx, 'authorizationRef', 'BrokerAuthorization');
  },
};

export default rule;

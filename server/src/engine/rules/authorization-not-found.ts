// domain.md A.3, B19, G25 (S11, S14): ports[].authorizationRef must name a BrokerAuthorization in the listener's
// namespace (AIO creates none by default, A.8). A warning while only the workspace is known; an error when the
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
  source: 'domain.md A.3, B19, G25',
  check(ctx) {
    checkReferences(ctx, 'authorizationRef', 'BrokerAuthorization');
  },
};

export default rule;

// The local dev broker: a BrokerListener from the workspace served on this machine. Entry points for the
// CLI (`brokerkit dev-broker`, `brokerkit dev-ca`) and for tests.
import * as os from 'node:os';
import * as path from 'node:path';

export { planDevBroker, pickListener, workspaceListeners, PlanError } from './plan';
export type { DevBrokerPlan, PortPlan, PlanOptions } from './plan';
export { DevBroker, PortBusyError, listeningEvent } from './server';
export type { DevBrokerEvent, ListeningEvent, StartOptions } from './server';
export { devCa, clientCert, exportCa, serverCert, parseKeyAlgorithm, familyOf, KEY_ALGORITHMS } from './certs';
export type { KeyAlgorithm, KeyFamily } from './certs';
export { Broker } from './mqtt/broker';
export { isLoopback, openToAnyone } from './remote';
export { parseOrigin } from './origins';

/** The default state folder (dev CA, server certificates): per user, outside any workspace. */
export function defaultStateDir(): string {
  if (process.env.BROKERKIT_STATE_DIR) return process.env.BROKERKIT_STATE_DIR;
  const home = os.homedir();
  if (process.platform === 'win32')
    return path.join(process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'BrokerKit', 'dev-broker');
  if (process.platform === 'darwin')
    return path.join(home, 'Library', 'Application Support', 'BrokerKit', 'dev-broker');
  return path.join(process.env.XDG_STATE_HOME ?? path.join(home, '.local', 'state'), 'brokerkit', 'dev-broker');
}

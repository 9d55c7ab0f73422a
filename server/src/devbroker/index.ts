// The local dev broker: a BrokerListener from the workspace served on this machine. Entry points for the
// CLI (`brokerkit dev-broker`, `brokerkit dev-ca`) and for tests.
export { planDevBroker, pickListener, workspaceListeners, PlanError } from './plan';
export type { DevBrokerPlan, PortPlan, PlanOptions } from './plan';
export { DevBroker, PortBusyError, listeningEvent } from './server';
export type { DevBrokerEvent, ListeningEvent, StartOptions } from './server';
export { devCa, clientCert, exportCa, serverCert, parseKeyAlgorithm, familyOf, KEY_ALGORITHMS } from './certs';
export type { KeyAlgorithm, KeyFamily } from './certs';
export { Broker } from './mqtt/broker';
export { defaultStateDir, clientsDir } from './state-dir';
export { isLoopback, openToAnyone } from './remote';
export { parseOrigin } from './origins';

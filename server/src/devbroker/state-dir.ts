// Where the dev broker keeps its CA, server and client certificates and dev tokens: one folder per user, outside any
// workspace, the same for the CLI and the extension (so a client certificate made by one is trusted by the other).
// Only node's os and path: the extension imports it without loading the broker.
import * as os from 'node:os';
import * as path from 'node:path';

/** The default state folder: BROKERKIT_STATE_DIR, else the platform's per-user state folder. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.BROKERKIT_STATE_DIR) return env.BROKERKIT_STATE_DIR;
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'BrokerKit', 'dev-broker');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'BrokerKit', 'dev-broker');
  return path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'brokerkit', 'dev-broker');
}

/** Where `dev-ca client-cert` writes certificates by default (and where the dev broker's printed commands point). */
export function clientsDir(stateDir: string): string {
  return path.join(stateDir, 'clients');
}

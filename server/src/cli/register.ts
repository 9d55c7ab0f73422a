// Every subcommand, one import and one call each. Heavy modules (language server, Kubernetes, MQTT) are loaded
// lazily inside each command's run(), so `check` stays fast.
import { registerCommand } from './commands';
import check from './check';
import lsp from './lsp';
import inspect from './inspect';
import devBroker from './dev-broker';
import devCa from './dev-ca';
import explain from './explain';

registerCommand(check);
registerCommand(lsp);
registerCommand(inspect);
registerCommand(devBroker);
registerCommand(devCa);
registerCommand(explain);

// The language server proper (bundled as dist/server-main.js, started by dist/server.js = boot.ts). The transport comes from the command line:
// --node-ipc when VS Code starts it, --stdio for any other LSP editor.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { stdioTransport } from './transport';

if (process.argv.includes('--stdio')) {
  const { reader, writer } = stdioTransport();
  startServer(createConnection(ProposedFeatures.all, reader, writer));
} else {
  startServer(createConnection(ProposedFeatures.all));
}

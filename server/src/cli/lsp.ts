// brokerkit lsp --stdio: the language server for any LSP editor (Neovim, Helix, Emacs...).
import type { Command } from './commands';
import { UsageError } from './usage';

const command: Command = {
  name: 'lsp',
  summary: 'Run the BrokerKit language server over standard input and output.',
  usage: 'brokerkit lsp --stdio',
  async run(args) {
    if (!args.includes('--stdio')) throw new UsageError('only --stdio is supported');
    const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
    const { startServer } = await import('../lsp/server');
    const { stdioTransport } = await import('../lsp/transport');
    const { reader, writer } = stdioTransport();
    const conn = createConnection(ProposedFeatures.all, reader, writer);
    startServer(conn);
    await new Promise<void>((resolve) => conn.onExit(() => resolve()));
    return 0;
  },
};
export default command;

// One context object: the log channel, the language client, and the commands. Features add themselves in start().
import * as vscode from 'vscode';
import * as path from 'node:path';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { registerClusterViews } from './views/cluster';
import { registerDevBroker } from './devbroker/controller';
import { Methods, BrokerKitInitializationOptions } from '../../server/src/protocol';
import { RulePages, SHOW_RULE_PAGE } from './rule-pages';

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  client: LanguageClient | undefined;
  readonly rulePages: RulePages;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('BrokerKit', { log: true });
    this.push(this.log);
    this.rulePages = new RulePages(this);
  }

  push(...d: vscode.Disposable[]): void {
    this.disposables.push(...d);
  }

  async start(): Promise<void> {
    registerCommands(this);
    this.push(vscode.commands.registerCommand(SHOW_RULE_PAGE, (code?: unknown) => this.rulePages.show(code)));
    await this.rulePages.shipped(); // before the first diagnostics, whose code links point at these pages
    await this.startClient();
    registerClusterViews(this);
    registerDevBroker(this);
  }

  private async startClient(): Promise<void> {
    const module = this.extension.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'untitled', language: 'yaml' },
      ],
      outputChannel: this.log,
      synchronize: { configurationSection: 'brokerkit' },
      // Read at every (re)start: in an untrusted workspace the server reads no kubeconfig and starts no process.
      // Findings compared with the cluster link to the live object's read-only document (views/cluster.ts).
      initializationOptions: (): BrokerKitInitializationOptions => ({
        workspaceTrusted: vscode.workspace.isTrusted,
        liveDocuments: 'brokerkit-live',
      }),
      middleware: this.rulePages.middleware(),
    };
    this.client = new LanguageClient('brokerkit', 'BrokerKit', serverOptions, clientOptions);
    this.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.client?.isRunning()) void this.client.sendNotification(Methods.workspaceTrusted);
      }),
    );
    try {
      await this.client.start();
    } catch (e) {
      this.log.error(`The BrokerKit language server did not start: ${(e as Error).message}`);
    }
  }

  async dispose(): Promise<void> {
    try {
      await this.client?.stop();
    } catch {
      /* already stopped */
    }
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        /* ignore */
      }
    }
  }
}

// One context object: the log channel and the language client, and every disposable. It knows none of the features:
// extension.ts builds the commands, rule pages and views and hands them to start(), which runs them in order around
// the language client's start.
import * as vscode from 'vscode';
import * as path from 'node:path';
import {
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { Methods, BrokerKitInitializationOptions } from '../../server/src/protocol';
import type { Host } from './host';

/** What start() runs: parts that must be in place before the client starts, its middleware, and parts that need it. */
export interface Parts {
  /** Commands, and the shipped rule pages the first diagnostics' links point at. */
  readonly beforeClient: readonly ((host: Host) => unknown)[];
  readonly middleware?: Middleware;
  /** Views and the dev broker, which talk to the server. */
  readonly afterClient: readonly ((host: Host) => unknown)[];
}

export class Ctx implements Host, vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  client: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('BrokerKit', { log: true });
    this.push(this.log);
  }

  push(...d: vscode.Disposable[]): void {
    this.disposables.push(...d);
  }

  async start(parts: Parts): Promise<void> {
    for (const p of parts.beforeClient) await p(this);
    await this.startClient(parts.middleware);
    for (const p of parts.afterClient) await p(this);
  }

  private async startClient(middleware: Middleware | undefined): Promise<void> {
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
      middleware,
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

// The language server: one context object owns the connection, the documents and the engine workspace.
// Each LSP feature is its own file exporting `register(ctx)`; this file only wires them.
import {
  Connection, InitializeParams, InitializeResult, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from '../engine';
import { BrokerKitSettings } from '../protocol';
import { settingsDefaults } from '../settings';
import * as diagnostics from './diagnostics';

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly workspace: Workspace;
  settings: BrokerKitSettings;
  initParams?: InitializeParams;
  /** Capabilities features add during initialize (merged into the result). */
  readonly capabilities: InitializeResult['capabilities'];
  /** Hooks run after `initialized`. */
  readonly onReady: (() => void | Promise<void>)[];
  log(level: 'info' | 'warn' | 'error' | 'debug', message: string): void;
}

export interface Feature { register(ctx: ServerContext): void }

/** Features, in registration order. Add a feature: one import and one entry. */
export const features: Feature[] = [diagnostics];

export function startServer(connection: Connection): ServerContext {
  const documents = new TextDocuments(TextDocument);
  const ctx: ServerContext = {
    connection, documents,
    workspace: new Workspace(),
    settings: settingsDefaults,
    capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
    onReady: [],
    log(level, message) {
      const c = connection.console;
      (level === 'error' ? c.error : level === 'warn' ? c.warn : level === 'debug' ? c.log : c.info).call(c, message);
    },
  };
  connection.onInitialize((params) => {
    ctx.initParams = params;
    for (const f of features) {
      try { f.register(ctx); } catch (e) { ctx.log('error', `feature failed to register: ${(e as Error).stack ?? e}`); }
    }
    return { capabilities: ctx.capabilities, serverInfo: { name: 'brokerkit', version: '0.1.0' } };
  });
  connection.onInitialized(async () => {
    for (const hook of ctx.onReady) {
      try { await hook(); } catch (e) { ctx.log('error', `startup step failed: ${(e as Error).stack ?? e}`); }
    }
  });
  documents.listen(connection);
  connection.listen();
  return ctx;
}

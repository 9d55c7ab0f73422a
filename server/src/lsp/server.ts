// The language server: one context object owns the connection, the documents and the engine workspace.
// Each LSP feature is its own file exporting `register(ctx)`; this file only wires them.
import {
  Connection,
  InitializeParams,
  InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Finding, Workspace } from '../engine';
import { BrokerKitSettings } from '../protocol';
import { settingsDefaults } from '../settings';
import { Store } from './store';
import * as config from './config';
import * as diagnostics from './diagnostics';
import * as indexing from './indexing';
import * as codeActions from './code-actions';
import * as completion from './completion';
import * as hover from './hover';
import * as navigation from './navigation';
import * as symbols from './symbols';
import * as cluster from './cluster';
import * as devBrokerLens from './devbroker-lens';

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
  /** Which files the engine sees: open documents (they win) and files on disk. Call `store.sync()` before reading
   *  `workspace` so that pending editor changes are applied. */
  readonly store: Store;
  /** Findings of the last validation per URI: what the published diagnostics say (quick fixes read them). */
  readonly findings: Map<string, Finding[]>;
  /** Asks for a debounced validation and publish (after an edit, a file event, new cluster facts...). */
  requestValidation(reason?: string): void;
  /** Settings per workspace folder URI (the `settings` above are the window's / first folder's). */
  settingsFor(uri: string): BrokerKitSettings;
  /** Hooks run when settings change (after `settings` is updated). */
  readonly onSettings: ((previous: BrokerKitSettings) => void | Promise<void>)[];
}

export interface Feature {
  register(ctx: ServerContext): void;
}

/** Features, in registration order. Add a feature: one import and one entry. */
export const features: Feature[] = [
  config,
  diagnostics,
  indexing,
  codeActions,
  completion,
  hover,
  navigation,
  symbols,
  cluster,
  devBrokerLens,
];

export function startServer(connection: Connection): ServerContext {
  const documents = new TextDocuments(TextDocument);
  const ctx: ServerContext = {
    connection,
    documents,
    workspace: new Workspace(),
    settings: settingsDefaults,
    capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
    onReady: [],
    log(level, message) {
      const c = connection.console;
      try {
        (level === 'error' ? c.error : level === 'warn' ? c.warn : level === 'debug' ? c.log : c.info).call(c, message);
      } catch {
        /* connection gone */
      }
    },
    store: undefined as unknown as Store,
    findings: new Map(),
    requestValidation: () => undefined,
    settingsFor: () => ctx.settings,
    onSettings: [],
  };
  (ctx as { store: Store }).store = new Store(ctx);
  guardProcess(ctx);
  connection.onInitialize((params) => {
    ctx.initParams = params;
    for (const f of features) {
      try {
        f.register(ctx);
      } catch (e) {
        ctx.log('error', `feature failed to register: ${(e as Error).stack ?? e}`);
      }
    }
    return { capabilities: ctx.capabilities, serverInfo: { name: 'brokerkit', version: '0.1.0' } };
  });
  connection.onInitialized(async () => {
    for (const hook of ctx.onReady) {
      try {
        await hook();
      } catch (e) {
        ctx.log('error', `startup step failed: ${(e as Error).stack ?? e}`);
      }
    }
  });
  documents.listen(connection);
  connection.listen();
  return ctx;
}

let guarded = false;
/** Input never kills the server: an escaped exception becomes a log line (the client shows no popup for it). */
function guardProcess(ctx: ServerContext): void {
  if (guarded) return;
  guarded = true;
  process.on('uncaughtException', (e) => ctx.log('error', `unexpected error: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => ctx.log('error', `unexpected rejection: ${(e as Error)?.stack ?? e}`));
}

// The language server: the services (documents, the engine workspace, the store, the validation scheduler, the
// settings) are constructed first and the context made of them is handed to each LSP feature. Each feature is its
// own file exporting `register(ctx)`; this file only wires them.
import { Connection, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver';
import { editDocuments } from './edit-document';
import { Finding, Workspace } from '../engine';
import { chartTemplate } from '../charts';
import type { Feature, Log, ServerContext } from './context';
import { Store } from './store';
import { SettingsService } from './config';
import { WorkspaceFolders } from './folders';
import { WorkspaceTrust } from './trust';
import { keepHeapSmall } from './heap';
import * as diagnostics from './diagnostics';
import { ValidationScheduler } from './diagnostics';
import * as indexing from './indexing';
import * as codeActions from './code-actions';
import * as completion from './completion';
import * as hover from './hover';
import * as navigation from './navigation';
import * as symbols from './symbols';
import * as cluster from './cluster';
import * as devBrokerLens from './devbroker-lens';

export type { ServerContext, Feature };

/** Features, in registration order. Add a feature: one import and one entry. */
export const features: Feature[] = [
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

export function startServer(connection: Connection): void {
  // Services first (they need nothing of the client), then, at initialize, those that read its parameters; the
  // context is made of them and handed to every feature.
  const log: Log = (level, message) => {
    const c = connection.console;
    try {
      (level === 'error' ? c.error : level === 'warn' ? c.warn : level === 'debug' ? c.log : c.info).call(c, message);
    } catch {
      /* connection gone */
    }
  };
  guardProcess(log);
  const documents = new TextDocuments(editDocuments);
  const workspace = new Workspace({ chartTemplate });
  const store = new Store({ workspace, documents, log });
  const findings = new Map<string, Finding[]>();
  const validation = new ValidationScheduler({ connection, documents, workspace, store, findings, log });
  const onReady: (() => void | Promise<void>)[] = [];
  const onIndexed: (() => void)[] = [];
  let settings: SettingsService | undefined;

  connection.onInitialize((initParams) => {
    keepHeapSmall(); // before anything is read (heap.ts)
    // Files of two workspace folders are never one deployment unless a file ties them.
    const folders = new WorkspaceFolders(initParams, (roots) => workspace.setRoots(roots));
    const config = new SettingsService({
      connection,
      params: initParams,
      workspace,
      store,
      folders,
      log,
      changed: () => validation.request(),
    });
    settings = config;
    const trust = new WorkspaceTrust(connection, initParams, log);
    const ctx: ServerContext = {
      connection,
      documents,
      workspace,
      initParams,
      get settings() {
        return config.current;
      },
      settingsFor: (uri) => config.for(uri),
      onSettings: config.hooks,
      folders,
      capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental } },
      onReady,
      onIndexed,
      log,
      store,
      findings,
      validation,
      trust,
      requestValidation: () => validation.request(),
    };
    for (const f of features) {
      try {
        f.register(ctx);
      } catch (e) {
        log('error', `feature failed to register: ${(e as Error).stack ?? e}`);
      }
    }
    return { capabilities: ctx.capabilities, serverInfo: { name: 'brokerkit', version: '0.1.0' } };
  });
  connection.onInitialized(async () => {
    // Settings first: the index and the cluster read them.
    const steps = [() => settings?.load(), ...onReady];
    for (const step of steps) {
      try {
        await step();
      } catch (e) {
        log('error', `startup step failed: ${(e as Error).stack ?? e}`);
      }
    }
  });
  documents.listen(connection);
  connection.listen();
}

let guarded = false;
/** Input never kills the server: an escaped exception becomes a log line (the client shows no popup for it). */
function guardProcess(log: Log): void {
  if (guarded) return;
  guarded = true;
  process.on('uncaughtException', (e) => log('error', `unexpected error: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => log('error', `unexpected rejection: ${(e as Error)?.stack ?? e}`));
}

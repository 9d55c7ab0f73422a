// What every language-server feature is handed: the services, constructed before any feature registers (server.ts).
// A feature reads and calls these; it never replaces a member, so the order of the feature list carries no meaning
// beyond the order the features' handlers are added in.
import type { Connection, InitializeParams, InitializeResult, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EditDocument } from './edit-document';
import type { Finding, Workspace } from '../engine';
import type { BrokerKitSettings } from '../protocol';
import type { Store } from './store';
import type { WorkspaceFolders } from './folders';
import type { WorkspaceTrust } from './trust';

import type { Log } from './log';

export type { Log, LogLevel } from './log';

/** The validation scheduler as features see it (diagnostics.ts implements it; this file does not import it). */
export interface Validation {
  /** Asks for a debounced validation and publish. */
  request(): void;
  /** The findings of `uri` if they are current, else after validating now. */
  freshFindings(uri: string): Finding[];
  documentOpened(doc: TextDocument): void;
  documentChanged(doc: TextDocument): void;
  documentClosed(doc: TextDocument): void;
  /** Run after each publish (e.g. telling the client what the cluster was compared with). */
  readonly afterPublish: (() => void)[];
}

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<EditDocument>;
  readonly workspace: Workspace;
  readonly initParams: InitializeParams;
  /** The window's settings (the first workspace folder's); settingsFor() gives a file's own. */
  readonly settings: BrokerKitSettings;
  /** Settings per workspace folder URI. */
  settingsFor(uri: string): BrokerKitSettings;
  /** Hooks run when settings change (after `settings` is updated), with the previous settings. */
  readonly onSettings: ((previous: BrokerKitSettings) => void | Promise<void>)[];
  /** The workspace folders (the root URI when the client sent none), kept current by the index. */
  readonly folders: WorkspaceFolders;
  /** Capabilities features add during initialize (merged into the result). */
  readonly capabilities: InitializeResult['capabilities'];
  /** Hooks run after `initialized`, once the settings are read. */
  readonly onReady: (() => void | Promise<void>)[];
  /** Hooks run each time the workspace index has been (re)read (indexing.ts), before validation is requested. */
  readonly onIndexed: (() => void)[];
  log: Log;
  /** Which files the engine sees: open documents (they win) and files on disk. Call `store.sync()` before reading
   *  `workspace` so that pending editor changes are applied. */
  readonly store: Store;
  /** Findings of the last validation per URI: what the published diagnostics say (quick fixes read them). */
  readonly findings: Map<string, Finding[]>;
  /** The validation scheduler (diagnostics.ts). */
  readonly validation: Validation;
  /** Whether the client trusts the workspace (Restricted Mode otherwise); hooks run when trust is granted. */
  readonly trust: WorkspaceTrust;
  /** Asks for a debounced validation and publish (after an edit, a file event, new cluster facts...). */
  requestValidation(reason?: string): void;
}

export interface Feature {
  register(ctx: ServerContext): void;
}

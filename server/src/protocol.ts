// Every custom message between the BrokerKit client and server, declared once and imported by both sides.
// Plain types only: no vscode and no vscode-languageserver imports here, so the CLI and tests can use them too.

/** Method names. Keep them under the `brokerkit/` prefix. */
export const Methods = {
  /** server -> client notification: the workspace index finished or changed. */
  indexStatus: 'brokerkit/indexStatus',
} as const;

export interface IndexStatusParams {
  state: 'indexing' | 'ready';
  files: number;
  documents: number;
}

/** Settings under `brokerkit.*`. Defaults live in server/src/settings.ts and package.json; a test keeps them in sync. */
export interface BrokerKitSettings {
  defaultNamespace: string;
  assumeBuiltins: boolean;
  exclude: string[];
  maxFileSize: number;
  /** Read by the client's LanguageClient (`brokerkit.trace.server`); listed here so the drift test covers it. */
  trace: { server: 'off' | 'messages' | 'verbose' };
}

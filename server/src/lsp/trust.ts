// Workspace trust, as the client reports it. A VS Code client says in initializationOptions whether the workspace is
// trusted (`workspaceTrusted`) and sends brokerkit/workspaceTrusted when the user grants trust. While the workspace
// is not trusted the server reads no kubeconfig (not even ~/.kube/config: its exec credential plugins are commands)
// and starts no process; validation works as usual. Editors without a trust model send nothing and are trusted.
import type { Connection, InitializeParams } from 'vscode-languageserver';
import { Methods } from '../protocol';
import type { Log } from './log';

export class WorkspaceTrust {
  private value: boolean;
  /** Hooks run once when trust is granted. */
  readonly onGranted: (() => void)[] = [];

  constructor(connection: Connection, params: InitializeParams, log: Log) {
    const opts = params.initializationOptions as { workspaceTrusted?: unknown } | undefined;
    this.value = opts?.workspaceTrusted !== false;
    if (!this.value)
      log('info', 'Restricted Mode: no kubeconfig is read and no process is started until the workspace is trusted.');
    connection.onNotification(Methods.workspaceTrusted, () => {
      if (this.value) return;
      this.value = true;
      log('info', 'The workspace is trusted now: cluster access is allowed.');
      for (const h of this.onGranted) {
        try {
          h();
        } catch (e) {
          log('error', `trust hook failed: ${(e as Error).stack ?? e}`);
        }
      }
    });
  }

  get trusted(): boolean {
    return this.value;
  }
}

// The workspace folders the server serves: those of `initialize` (or its root URI when the client sent no folders),
// then whatever workspace/didChangeWorkspaceFolders says. Settings are read per folder and the index walks them.
import type { InitializeParams, WorkspaceFolder } from 'vscode-languageserver';

export class WorkspaceFolders {
  private folders: WorkspaceFolder[];

  constructor(params: InitializeParams) {
    this.folders = [...(params.workspaceFolders ?? [])];
    if (this.folders.length === 0 && params.rootUri) this.folders = [{ uri: params.rootUri, name: 'root' }];
  }

  list(): readonly WorkspaceFolder[] {
    return this.folders;
  }

  /** Folders added and removed by the client. */
  change(added: readonly WorkspaceFolder[], removed: readonly WorkspaceFolder[]): void {
    const gone = new Set(removed.map((f) => f.uri));
    this.folders = [...this.folders.filter((f) => !gone.has(f.uri)), ...added];
  }

  /** The innermost folder holding `uri`. */
  folderOf(uri: string): WorkspaceFolder | undefined {
    let best: WorkspaceFolder | undefined;
    for (const f of this.folders) {
      const base = f.uri.endsWith('/') ? f.uri : f.uri + '/';
      if (uri.startsWith(base) && (!best || f.uri.length > best.uri.length)) best = f;
    }
    return best;
  }
}

// The workspace folders the server serves: those of `initialize` (or its root URI when the client sent no folders),
// then whatever workspace/didChangeWorkspaceFolders says. Settings are read per folder and the index walks them.
import type { InitializeParams, WorkspaceFolder } from 'vscode-languageserver';

export class WorkspaceFolders {
  private folders: WorkspaceFolder[];

  constructor(
    params: InitializeParams,
    /** Told the folders (as root URIs ending in '/') whenever they change, and once at the start. */
    private readonly onChange: (roots: string[]) => void = () => {},
  ) {
    this.folders = [...(params.workspaceFolders ?? [])];
    if (this.folders.length === 0 && params.rootUri) this.folders = [{ uri: params.rootUri, name: 'root' }];
    this.onChange(this.roots());
  }

  /** The folders' URIs, each ending in '/'. */
  roots(): string[] {
    return this.folders.map((f) => (f.uri.endsWith('/') ? f.uri : `${f.uri}/`));
  }

  list(): readonly WorkspaceFolder[] {
    return this.folders;
  }

  /** Folders added and removed by the client. */
  change(added: readonly WorkspaceFolder[], removed: readonly WorkspaceFolder[]): void {
    const gone = new Set(removed.map((f) => f.uri));
    this.folders = [...this.folders.filter((f) => !gone.has(f.uri)), ...added];
    this.onChange(this.roots());
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

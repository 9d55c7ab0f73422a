// Which text the engine sees for each file. Two sources: documents open in the editor (they always win) and files
// on disk found by the workspace index or the file watcher. Editor changes are applied lazily: a change only marks
// the document pending, and `sync()` (called by the validation scheduler and by every request handler) feeds the
// engine, so a burst of keystrokes is parsed once.
import type { TextDocuments } from 'vscode-languageserver';
import type { EditDocument } from './edit-document';
import type { Workspace } from '../engine';
import type { Log } from './log';
import { canonicalUri } from './uri';
import { isKustomizationUri } from '../engine/deployments';
import { mayNotBeChecked } from '../engine/not-checked';
import { looksRelevant } from '../engine/syntax-scope';

export { looksRelevant };

/** A file the workspace index reads: YAML, and kustomizations (engine/deployments.ts) under any of their names. */
export function isIndexedUri(uri: string): boolean {
  return isYamlUri(uri) || isKustomizationUri(uri);
}

/**
 * A file the engine holds: one that mentions what BrokerKit checks, a kustomization (it says what is deployed
 * together), or one the engine would report as not checked (binary, a template, too deeply nested), so the editor
 * shows the same notes as `brokerkit check`.
 */
function engineWants(uri: string, text: string, ws: Workspace): boolean {
  return looksRelevant(text) || isKustomizationUri(uri) || mayNotBeChecked(uri, text, ws.getOptions());
}

/** A file on disk over the size limit: never read, known by its size (the engine reports it as not checked). */
interface TooLarge {
  readonly bytes: number;
}

export function isYamlUri(uri: string): boolean {
  const path = uri.replace(/[?#].*$/, '').toLowerCase();
  return path.endsWith('.yaml') || path.endsWith('.yml');
}

export class Store {
  /** Open documents whose latest text is not in the engine yet. */
  private readonly pending = new Set<string>();
  /** Files known on disk (from the index or the watcher) with their last text; open documents shadow them. */
  private readonly disk = new Map<string, string | TooLarge>();
  /** Open documents the server serves (YAML by language id or file name). */
  private readonly open = new Set<string>();
  /**
   * For each open document, the engine's version of the file (FileState.serial) made from the document's text at its
   * last sync: the edits made since then apply to that version, and to no other.
   */
  private readonly synced = new Map<string, number | undefined>();
  /** Disk URIs hidden because the editor has the same file open under another spelling of its URI. */
  private readonly shadowed = new Map<string, string>();
  /** Bumped whenever anything the engine sees may have changed; the scheduler uses it to spot stale work. */
  generation = 0;
  /** True while the workspace index is being (re)read: cross-file results would be incomplete, so the scheduler
   *  waits for it (up to a limit) instead of publishing "not found" for objects of files not read yet. */
  indexing = false;

  constructor(
    private readonly deps: {
      readonly workspace: Workspace;
      readonly documents: TextDocuments<EditDocument>;
      readonly log: Log;
    },
  ) {}

  /** The server serves an open document when the client says it is YAML or its name ends in .yaml/.yml. */
  serves(uri: string, languageId?: string): boolean {
    return languageId === 'yaml' || isYamlUri(uri);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }
  openUris(): string[] {
    return [...this.open];
  }
  diskUris(): string[] {
    return [...this.disk.keys()];
  }
  hasDisk(uri: string): boolean {
    return this.disk.has(uri);
  }

  /**
   * The editor opened a document. Returns false when the engine already holds exactly this text (a file the index
   * read from disk): then nothing needs validating, only the open document's diagnostics need (re)publishing.
   */
  opened(uri: string): boolean {
    this.open.add(uri);
    const c = canonicalUri(uri);
    if (c !== uri) {
      this.shadowed.set(c, uri);
      if (this.disk.has(c)) this.deps.workspace.deleteFile(c);
    } else if (this.isCurrent(uri)) {
      return false;
    }
    this.changed(uri);
    return true;
  }

  /** True when what the engine holds for an open document is its current text (nothing to sync). */
  isCurrent(uri: string): boolean {
    if (this.pending.has(uri)) return false;
    const doc = this.deps.documents.get(uri);
    if (!doc) return false;
    const text = doc.getText();
    const f = this.deps.workspace.getFile(uri);
    return f
      ? f.text === text && f.bytes === undefined
      : this.disk.get(uri) === text && !engineWants(uri, text, this.deps.workspace);
  }

  changed(uri: string): void {
    if (!this.open.has(uri)) return;
    this.pending.add(uri);
    this.generation++;
  }

  /** The editor closed a document: the disk text (if the file is indexed) takes over again. */
  closed(uri: string): void {
    if (!this.open.delete(uri)) return;
    this.pending.delete(uri);
    this.synced.delete(uri);
    const c = canonicalUri(uri);
    if (c !== uri && this.shadowed.get(c) === uri) {
      this.shadowed.delete(c);
      this.deps.workspace.deleteFile(uri);
      const t = this.disk.get(c);
      if (t !== undefined) this.put(c, t);
    } else {
      const text = this.disk.get(uri);
      if (text === undefined) this.deps.workspace.deleteFile(uri);
      else this.put(uri, text);
    }
    this.generation++;
  }

  /** A file on disk over the size limit, not read: the engine notes it (unless the document is open). */
  setDiskTooLarge(uri: string, bytes: number): void {
    const old = this.disk.get(uri);
    if (typeof old === 'object' && old.bytes === bytes) return;
    this.setDisk(uri, { bytes });
  }

  /** A file read from disk (index or watcher). Ignored while the document is open in the editor. */
  setDisk(uri: string, text: string | TooLarge): void {
    if (this.disk.get(uri) === text) return;
    this.disk.set(uri, text);
    if (this.open.has(uri) || this.shadowed.has(uri)) return;
    this.put(uri, text);
    this.generation++;
  }

  deleteDisk(uri: string): void {
    if (!this.disk.delete(uri)) return;
    if (this.open.has(uri) || this.shadowed.has(uri)) return;
    this.deps.workspace.deleteFile(uri);
    this.generation++;
  }

  /**
   * Applies pending editor changes to the engine. Cheap when nothing is pending. A document changed by one edit since
   * the engine last took its text hands over that edit alone (the engine re-reads only the documents it touches, and
   * nobody builds the whole new text); otherwise, or when the engine declines the edit, its whole text.
   */
  sync(): void {
    if (this.pending.size === 0) return;
    const ws = this.deps.workspace;
    for (const uri of this.pending) {
      const doc = this.deps.documents.get(uri);
      if (!doc) continue;
      const edit = doc.takeEdit();
      const f = ws.getFile(uri);
      const edited =
        edit && f !== undefined && f.serial === this.synced.get(uri)
          ? ws.editFile(uri, edit.start, edit.end, edit.text)
          : undefined;
      if (!edited) this.put(uri, doc.getText());
      this.synced.set(uri, ws.getFile(uri)?.serial);
    }
    this.pending.clear();
  }

  /** True when the editor has changes the engine has not seen. */
  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Files that do not look like ours are kept out of the engine (nothing to parse, nothing to report). */
  private put(uri: string, text: string | TooLarge): void {
    const ws = this.deps.workspace;
    if (typeof text === 'object') {
      ws.setFileTooLarge(uri, text.bytes);
      return;
    }
    if (ws.hasFile(uri) || engineWants(uri, text, ws)) {
      try {
        ws.setFile(uri, text);
      } catch (e) {
        // The engine never throws on input by design; if it ever does, the file is left out and the server lives on.
        this.deps.log('error', `could not read ${uri}: ${(e as Error).stack ?? e}`);
        ws.deleteFile(uri);
      }
    }
  }
}

// The server's own file watcher, for clients that do not watch files for it (Neovim on Linux registers no
// `workspace/didChangeWatchedFiles`): chokidar over the workspace folders (inotify on Linux, FSEvents on macOS,
// ReadDirectoryChangesW on Windows; never polling). It reports the same events a client would send, so the index
// handles both the same way. The caller says which paths to skip (node_modules, .git, `brokerkit.exclude`).
import { FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';

export type DiskEvent = { path: string; type: 'created' | 'changed' | 'deleted' };

export interface DiskWatcherOptions {
  /** Folders to watch (absolute paths). */
  folders: string[];
  /** True for a path the index does not read: skipped folders (and everything under them) and non-YAML files. */
  ignored(path: string, isDir: boolean | undefined): boolean;
  /** Events, in batches (a `git checkout` touches many files at once). */
  onEvents(events: DiskEvent[]): void;
  /** A folder that cannot be watched (e.g. the system's limit of inotify watches is reached). */
  onError(message: string): void;
}

export interface DiskWatcher {
  /** Resolves once every folder is watched: a change made after this is reported. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function watchDisk(o: DiskWatcherOptions): DiskWatcher {
  const watcher = new FSWatcher({
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    // Editors that save by writing a temporary file and renaming it over the original report one `change`.
    atomic: true,
    ignored: (path: string, stats?: Stats) => o.ignored(path, stats ? stats.isDirectory() : undefined),
  });
  let batch: DiskEvent[] = [];
  let scheduled = false;
  const push = (type: DiskEvent['type']) => (path: string) => {
    batch.push({ path, type });
    if (scheduled) return;
    scheduled = true;
    // Events that arrive together (one tick) go out together.
    setImmediate(() => {
      scheduled = false;
      const events = batch;
      batch = [];
      o.onEvents(events);
    });
  };
  watcher.on('add', push('created'));
  watcher.on('change', push('changed'));
  watcher.on('unlink', push('deleted'));
  watcher.on('unlinkDir', push('deleted'));
  let reported = 0;
  watcher.on('error', (e: unknown) => {
    // One message is enough: a full inotify table fails for every folder after it.
    if (reported++ < 1) o.onError((e as Error)?.message ?? String(e));
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  watcher.add(o.folders);
  return { ready, close: () => watcher.close() };
}

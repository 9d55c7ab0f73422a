// The server's own file watcher, for clients that do not watch files for it (Neovim on Linux registers no
// `workspace/didChangeWatchedFiles`): chokidar over the workspace folders (inotify on Linux, FSEvents on macOS,
// ReadDirectoryChangesW on Windows; never polling). It reports the same events a client would send, so the index
// handles both the same way. The caller says which paths to skip (node_modules, .git, `brokerkit.exclude`).
import { FSWatcher } from 'chokidar';
import { type Stats, stat } from 'node:fs';

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

/**
 * How long a file must be quiet before its last event is checked once more. chokidar reports one change per 5 ms and
 * drops a change whose modification time equals the last one it saw; a program that truncates a file and then writes
 * it (most do) within one clock tick of the file system therefore yields one event, read half-written. One stat of the
 * file this long after its last event catches that.
 */
const SETTLE_MS = 100;

/** True when two stats can be of the same content: same inode, size, modification and change times. */
function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
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
  let closed = false;
  const settling = new Map<string, NodeJS.Timeout>();
  /** After a file's last add/change event, stat it once more and report it again if it moved on since that event. */
  const settle = (path: string, seen: Stats | undefined) => {
    clearTimeout(settling.get(path));
    const timer = setTimeout(() => {
      settling.delete(path);
      stat(path, (err, now) => {
        if (closed || err) return; // gone: chokidar reports the unlink
        if (!seen || !sameFile(seen, now)) push('changed')(path);
      });
    }, SETTLE_MS);
    timer.unref();
    settling.set(path, timer);
  };
  const reported =
    (type: 'created' | 'changed') =>
    (path: string, stats?: Stats): void => {
      push(type)(path);
      settle(path, stats);
    };
  watcher.on('add', reported('created'));
  watcher.on('change', reported('changed'));
  watcher.on('unlink', push('deleted'));
  watcher.on('unlinkDir', push('deleted'));
  let errors = 0;
  watcher.on('error', (e: unknown) => {
    // One message is enough: a full inotify table fails for every folder after it.
    if (errors++ < 1) o.onError((e as Error)?.message ?? String(e));
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  watcher.add(o.folders);
  return {
    ready,
    close: () => {
      closed = true;
      for (const t of settling.values()) clearTimeout(t);
      settling.clear();
      return watcher.close();
    },
  };
}

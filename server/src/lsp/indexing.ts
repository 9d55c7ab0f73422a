// The workspace index: on start every workspace folder's YAML is read (skipping node_modules, .git and the
// `brokerkit.exclude` globs, and files over `brokerkit.maxFileSize`), with work-done progress; afterwards the file
// watcher keeps it current, so a clash between an open document and a closed file is found and fixing either side
// updates both. The editor's watcher when it has one (VS Code), else the server's own (disk-watcher.ts: Neovim on
// Linux registers none). A closed document is read again from disk: the editor may have saved it, and a client
// without a watcher says nothing else. Settings changes and workspace-folder changes re-walk the folders.
import { promises as fs, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Minimatch } from 'minimatch';
import { DidChangeWatchedFilesNotification, FileChangeType, WatchKind, WorkspaceFolder } from 'vscode-languageserver';
import { Methods, IndexStatusParams } from '../protocol';
import { isIndexedUri } from './store';
import { decodeText } from '../engine/not-checked';
import { DiskEvent, DiskWatcher, watchDisk } from './disk-watcher';
import { canonicalUri, pathToUri } from './uri';
import type { ServerContext } from './context';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);
const READ_BATCH = 32;

export function register(ctx: ServerContext): void {
  const caps = ctx.initParams?.capabilities;
  const canProgress = !!caps?.window?.workDoneProgress;
  const canWatch = !!caps?.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  // From now until the first index is read, documents the editor opens wait for it (up to the scheduler's limit)
  // rather than being reported "not found" against an empty workspace for a moment.
  if (ctx.folders.list().some((f) => f.uri.startsWith('file:'))) ctx.store.indexing = true;
  let walking: Promise<void> = Promise.resolve();
  /** The server's own watcher (only when the client watches nothing). */
  let watcher: DiskWatcher | undefined;
  let shutDown = false;

  ctx.capabilities.workspace = {
    ...ctx.capabilities.workspace,
    workspaceFolders: { supported: true, changeNotifications: true },
  };

  function excluded(folder: WorkspaceFolder, path: string, isDir: boolean): boolean {
    let root: string;
    try {
      root = fileURLToPath(folder.uri);
    } catch {
      return true;
    }
    const rel = relative(root, path).split(sep).join('/');
    if (rel.startsWith('..')) return true;
    if (rel.split('/').some((part) => ALWAYS_SKIPPED.has(part))) return true;
    const probe = isDir ? `${rel}/.brokerkit-probe.yaml` : rel;
    return matchers(ctx.settingsFor(folder.uri).exclude).some((m) => m.match(probe));
  }

  /** Compiled exclude globs, per list of patterns (a pattern without a slash matches a name at any depth). */
  const compiled = new Map<string, Minimatch[]>();
  function matchers(globs: string[]): Minimatch[] {
    const key = JSON.stringify(globs);
    let list = compiled.get(key);
    if (!list) {
      list = globs.map((g) => new Minimatch(g, { dot: true, matchBase: !g.includes('/') }));
      if (compiled.size > 20) compiled.clear();
      compiled.set(key, list);
    }
    return list;
  }

  async function walk(folder: WorkspaceFolder, dir: string, out: { path: string; size: number }[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(e.name) && !excluded(folder, p, true)) subdirs.push(p);
      } else if (
        e.isFile() &&
        (/\.ya?ml$/i.test(e.name) || e.name === 'Kustomization') &&
        !excluded(folder, p, false)
      ) {
        out.push({ path: p, size: -1 });
      }
    }
    for (const d of subdirs) await walk(folder, d, out);
  }

  /** Reads one file into the store. Synchronous: small local reads are far cheaper than their promise round trips;
   *  the callers yield between batches so requests are still answered while a large workspace is read. */
  function readInto(uri: string, path: string, limit: number): 'read' | 'too-large' | 'gone' {
    try {
      const st = statSync(path);
      if (st.size > limit) {
        // Not read; the engine notes it as not checked, as `brokerkit check` does.
        ctx.store.setDiskTooLarge(uri, st.size);
        return 'too-large';
      }
      ctx.store.setDisk(uri, decodeText(readFileSync(path)));
      return 'read';
    } catch {
      ctx.store.deleteDisk(uri);
      return 'gone';
    }
  }

  /** Walks every folder and makes the store's disk files match what is there now. */
  async function indexAll(): Promise<void> {
    const started = performance.now();
    ctx.store.indexing = true;
    const progress = canProgress
      ? await ctx.connection.window.createWorkDoneProgress().catch(() => undefined)
      : undefined;
    progress?.begin('BrokerKit: indexing YAML', 0, 'looking for files', false);
    status({ state: 'indexing', files: 0, documents: 0 });
    try {
      // A change made while the folders are read must not be missed: the watcher is in place first.
      if (!canWatch) await startWatcher();
      const found: { uri: string; path: string; folder: WorkspaceFolder }[] = [];
      for (const folder of ctx.folders.list()) {
        if (!folder.uri.startsWith('file:')) continue;
        const list: { path: string; size: number }[] = [];
        try {
          await walk(folder, fileURLToPath(folder.uri), list);
        } catch (e) {
          ctx.log('warn', `cannot list ${folder.uri}: ${(e as Error).message}`);
        }
        for (const f of list) found.push({ uri: pathToUri(f.path), path: f.path, folder });
      }
      const keep = new Set(found.map((f) => f.uri));
      for (const uri of ctx.store.diskUris()) if (!keep.has(uri)) ctx.store.deleteDisk(uri);
      let done = 0;
      let tooLarge = 0;
      for (let i = 0; i < found.length; i += READ_BATCH) {
        const batch = found.slice(i, i + READ_BATCH);
        const results = batch.map((f) => readInto(f.uri, f.path, ctx.settingsFor(f.folder.uri).maxFileSize));
        await new Promise<void>((r) => setImmediate(r));
        tooLarge += results.filter((r) => r === 'too-large').length;
        done += batch.length;
        progress?.report(Math.round((done / found.length) * 100), `${done}/${found.length} files`);
      }
      if (tooLarge) ctx.log('info', `${tooLarge} YAML file(s) over brokerkit.maxFileSize are not checked.`);
      ctx.log('info', `Indexed ${found.length} YAML file(s) in ${Math.round(performance.now() - started)} ms.`);
      if (process.env.BROKERKIT_LSP_TRACE === '1')
        process.stderr.write(
          `[brokerkit] ${Math.round(performance.now())} indexed ${found.length} files in ${Math.round(performance.now() - started)} ms\n`,
        );
      const documents = ctx.workspace.resources().length;
      status({ state: 'ready', files: found.length, documents });
    } finally {
      ctx.store.indexing = false;
      progress?.done();
      for (const hook of ctx.onIndexed) {
        try {
          hook();
        } catch (e) {
          ctx.log('error', `after indexing: ${(e as Error).stack ?? e}`);
        }
      }
      ctx.requestValidation('index');
    }
  }

  function status(p: IndexStatusParams): void {
    ctx.connection.sendNotification(Methods.indexStatus, p).catch(() => undefined);
  }

  function reindex(): Promise<void> {
    walking = walking
      .then(indexAll, indexAll)
      .catch((e) => ctx.log('error', `indexing failed: ${(e as Error).stack ?? e}`));
    return walking;
  }

  ctx.onReady.push(async () => {
    if (canWatch) {
      await ctx.connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/*.{yaml,yml}' },
            { globPattern: '**/Kustomization' }, // kustomize's third spelling (engine/deployments.ts)
            // A deleted folder is reported once, for the folder: watch deletions of anything.
            { globPattern: '**/*', kind: WatchKind.Delete },
          ],
        })
        .catch((e) => ctx.log('warn', `could not watch files: ${(e as Error).message}`));
    }
    // Not awaited: requests are answered while the index fills.
    void reindex();
  });

  ctx.onSettings.push((previous) => {
    const s = ctx.settings;
    if (JSON.stringify(previous.exclude) !== JSON.stringify(s.exclude) || previous.maxFileSize !== s.maxFileSize)
      return reindex();
  });

  /** Applies file events (the client's or our watcher's) to the store, then asks for one validation. */
  function applyChanges(changes: { uri: string; deleted: boolean }[]): void {
    for (const change of changes) {
      try {
        const uri = canonicalUri(change.uri);
        if (change.deleted) {
          if (isIndexedUri(uri)) ctx.store.deleteDisk(uri);
          else {
            const prefix = uri.endsWith('/') ? uri : uri + '/';
            for (const u of ctx.store.diskUris()) if (u.startsWith(prefix)) ctx.store.deleteDisk(u);
          }
          continue;
        }
        reread(uri);
      } catch (e) {
        ctx.log('warn', `file event for ${change.uri} failed: ${(e as Error).message}`);
      }
    }
    ctx.requestValidation('files');
  }

  /** Reads a workspace file from disk into the store (when it is one the index reads). */
  function reread(uri: string): void {
    if (!isIndexedUri(uri) || !uri.startsWith('file:')) return;
    const folder = ctx.folders.folderOf(uri);
    if (!folder) return;
    const path = fileURLToPath(uri);
    if (excluded(folder, path, false)) return;
    readInto(uri, path, ctx.settingsFor(folder.uri).maxFileSize);
  }

  ctx.connection.onDidChangeWatchedFiles((params) =>
    applyChanges(params.changes.map((c) => ({ uri: c.uri, deleted: c.type === FileChangeType.Deleted }))),
  );

  // A document the editor closes: what is on disk now takes over (it was maybe saved, or reverted, since it opened).
  ctx.documents.onDidClose((e) => {
    try {
      const uri = canonicalUri(e.document.uri);
      if (isIndexedUri(uri) && uri.startsWith('file:') && ctx.folders.folderOf(uri))
        applyChanges([{ uri, deleted: false }]);
    } catch (err) {
      ctx.log('warn', `could not read ${e.document.uri} again: ${(err as Error).message}`);
    }
  });

  /** Starts (or restarts, after folder or exclude changes) the server's own watcher; resolves once it watches. */
  async function startWatcher(): Promise<void> {
    const previous = watcher;
    watcher = undefined;
    await previous?.close();
    if (shutDown) return;
    const roots = ctx.folders.list().filter((f) => f.uri.startsWith('file:'));
    if (roots.length === 0) return;
    const w = watchDisk({
      folders: roots.map((f) => fileURLToPath(f.uri)),
      ignored(path, isDir) {
        const uri = pathToUri(path);
        const folder = ctx.folders.folderOf(uri);
        if (!folder) return !roots.some((f) => fileURLToPath(f.uri) === path);
        if (isDir === false && !isIndexedUri(uri)) return true;
        return excluded(folder, path, isDir ?? false) && (isDir !== undefined || excluded(folder, path, true));
      },
      onEvents(events: DiskEvent[]) {
        if (watcher !== w) return;
        applyChanges(events.map((ev) => ({ uri: pathToUri(ev.path), deleted: ev.type === 'deleted' })));
      },
      onError(message) {
        ctx.log(
          'warn',
          `cannot watch the workspace for changes (${message}); files changed outside the editor are read again when they are opened or closed`,
        );
      },
    });
    watcher = w;
    await w.ready;
    ctx.log('info', `Watching ${roots.length} workspace folder(s) for changes (the client watches no files).`);
  }

  ctx.connection.onShutdown(async () => {
    shutDown = true;
    const w = watcher;
    watcher = undefined;
    await w?.close();
  });

  ctx.onReady.push(() => {
    if (!caps?.workspace?.workspaceFolders) return;
    ctx.connection.workspace.onDidChangeWorkspaceFolders((e) => {
      ctx.folders.change(e.added, e.removed);
      void reindex();
    });
  });
}

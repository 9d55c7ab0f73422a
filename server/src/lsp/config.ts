// Settings: pulled with workspace/configuration (for the window and for every workspace folder), refreshed on
// workspace/didChangeConfiguration. Clients without the pull model may push `brokerkit` settings in the
// notification or in initializationOptions. Values are normalised (settings.ts) before anything uses them.
// A service: server.ts constructs it before the features register, and the context reads it.
import { Connection, DidChangeConfigurationNotification, InitializeParams } from 'vscode-languageserver';
import type { Workspace } from '../engine';
import type { BrokerKitSettings } from '../protocol';
import { SETTINGS_SECTION, normalizeSettings, settingsDefaults } from '../settings';
import type { Log } from './context';
import type { WorkspaceFolders } from './folders';
import type { Store } from './store';

export interface SettingsDeps {
  readonly connection: Connection;
  readonly params: InitializeParams;
  readonly workspace: Workspace;
  readonly store: Store;
  readonly folders: WorkspaceFolders;
  readonly log: Log;
  /** Called after the settings changed (and the hooks were started). */
  readonly changed: () => void;
}

export class SettingsService {
  private window: BrokerKitSettings = settingsDefaults;
  /** folder URI (with a trailing slash) -> settings */
  private perFolder = new Map<string, BrokerKitSettings>();
  private readonly canPull: boolean;
  private readonly canRegister: boolean;
  /** Hooks run when settings change (after `current` is updated). */
  readonly hooks: ((previous: BrokerKitSettings) => void | Promise<void>)[] = [];

  constructor(private readonly deps: SettingsDeps) {
    const caps = deps.params.capabilities;
    this.canPull = !!caps?.workspace?.configuration;
    this.canRegister = !!caps?.workspace?.didChangeConfiguration?.dynamicRegistration;
    const init = (deps.params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (init) this.window = normalizeSettings(sectionOf(init));
    deps.connection.onDidChangeConfiguration(async (params) => {
      try {
        if (this.canPull) await this.pull();
        else this.apply(normalizeSettings(sectionOf(params.settings)));
      } catch (e) {
        deps.log('warn', `could not read settings: ${(e as Error).message}`);
      }
    });
  }

  /** The window's settings (the first folder's). */
  get current(): BrokerKitSettings {
    return this.window;
  }

  /** The settings of the folder holding `uri`. */
  for(uri: string): BrokerKitSettings {
    let best: string | undefined;
    for (const f of this.perFolder.keys()) if (uri.startsWith(f) && (!best || f.length > best.length)) best = f;
    return best ? this.perFolder.get(best)! : this.window;
  }

  /** Reads the settings once the client is ready (before any other start-up step) and asks to hear of changes. */
  async load(): Promise<void> {
    const { connection, log } = this.deps;
    if (this.canPull) {
      try {
        await this.pull();
      } catch (e) {
        log('warn', `could not read settings: ${(e as Error).message}`);
      }
    } else {
      this.apply(this.window);
    }
    if (this.canRegister) {
      await connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((e) => log('warn', `could not register for settings changes: ${(e as Error).message}`));
    }
  }

  private async pull(): Promise<void> {
    const list = this.deps.folders.list().map((f) => f.uri);
    const items = [{ section: SETTINGS_SECTION }, ...list.map((scopeUri) => ({ scopeUri, section: SETTINGS_SECTION }))];
    const values = await this.deps.connection.workspace.getConfiguration(items);
    const next = new Map<string, BrokerKitSettings>();
    list.forEach((f, i) => next.set(withSlash(f), normalizeSettings(values[i + 1])));
    this.perFolder = next;
    // The engine has one set of options: the first folder's settings, or the window's without folders.
    this.apply(list.length ? next.get(withSlash(list[0]))! : normalizeSettings(values[0]));
  }

  private apply(next: BrokerKitSettings): void {
    const previous = this.window;
    this.window = next;
    this.deps.workspace.setOptions({
      defaultNamespace: next.defaultNamespace,
      assumeBuiltins: next.assumeBuiltins,
      maxFileSize: next.maxFileSize,
      deployments: next.deployments,
    });
    if (JSON.stringify(previous) === JSON.stringify(next)) return;
    this.deps.store.generation++;
    for (const hook of this.hooks) {
      Promise.resolve()
        .then(() => hook(previous))
        .catch((e) => this.deps.log('error', `settings change failed: ${(e as Error).stack ?? e}`));
    }
    this.deps.changed();
  }
}

/** Accepts `{ brokerkit: {...} }` or the section itself. */
function sectionOf(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && SETTINGS_SECTION in (raw as object))
    return (raw as Record<string, unknown>)[SETTINGS_SECTION];
  return raw;
}

function withSlash(uri: string): string {
  return uri.endsWith('/') ? uri : uri + '/';
}

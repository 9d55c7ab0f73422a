// Settings: pulled with workspace/configuration (for the window and for every workspace folder), refreshed on
// workspace/didChangeConfiguration. Clients without the pull model may push `brokerkit` settings in the
// notification or in initializationOptions. Values are normalised (settings.ts) before anything uses them.
import { DidChangeConfigurationNotification } from 'vscode-languageserver';
import type { BrokerKitSettings } from '../protocol';
import { SETTINGS_SECTION, normalizeSettings } from '../settings';
import type { ServerContext } from './server';

export function register(ctx: ServerContext): void {
  const caps = ctx.initParams?.capabilities;
  const canPull = !!caps?.workspace?.configuration;
  const canRegister = !!caps?.workspace?.didChangeConfiguration?.dynamicRegistration;
  /** folder URI (with a trailing slash) -> settings */
  let perFolder = new Map<string, BrokerKitSettings>();

  const init = (ctx.initParams?.initializationOptions as { settings?: unknown } | undefined)?.settings;
  if (init) ctx.settings = normalizeSettings(sectionOf(init));

  ctx.settingsFor = (uri: string) => {
    let best: string | undefined;
    for (const f of perFolder.keys()) if (uri.startsWith(f) && (!best || f.length > best.length)) best = f;
    return best ? perFolder.get(best)! : ctx.settings;
  };

  const folders = (): string[] => (ctx.initParams?.workspaceFolders ?? []).map((f) => f.uri);

  async function pull(): Promise<void> {
    const list = folders();
    const items = [{ section: SETTINGS_SECTION }, ...list.map((scopeUri) => ({ scopeUri, section: SETTINGS_SECTION }))];
    const values = await ctx.connection.workspace.getConfiguration(items);
    const next = new Map<string, BrokerKitSettings>();
    list.forEach((f, i) => next.set(withSlash(f), normalizeSettings(values[i + 1])));
    perFolder = next;
    // The engine has one set of options: the first folder's settings, or the window's without folders.
    apply(list.length ? next.get(withSlash(list[0]))! : normalizeSettings(values[0]));
  }

  function apply(next: BrokerKitSettings): void {
    const previous = ctx.settings;
    ctx.settings = next;
    ctx.workspace.setOptions({
      defaultNamespace: next.defaultNamespace,
      assumeBuiltins: next.assumeBuiltins,
      maxFileSize: next.maxFileSize,
    });
    if (JSON.stringify(previous) === JSON.stringify(next)) return;
    ctx.store.generation++;
    for (const hook of ctx.onSettings) {
      Promise.resolve()
        .then(() => hook(previous))
        .catch((e) => ctx.log('error', `settings change failed: ${(e as Error).stack ?? e}`));
    }
    ctx.requestValidation('settings');
  }

  ctx.onReady.unshift(async () => {
    if (canPull) {
      try {
        await pull();
      } catch (e) {
        ctx.log('warn', `could not read settings: ${(e as Error).message}`);
      }
    } else {
      apply(ctx.settings);
    }
    if (canRegister) {
      await ctx.connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((e) => ctx.log('warn', `could not register for settings changes: ${(e as Error).message}`));
    }
  });

  ctx.connection.onDidChangeConfiguration(async (params) => {
    try {
      if (canPull) await pull();
      else apply(normalizeSettings(sectionOf(params.settings)));
    } catch (e) {
      ctx.log('warn', `could not read settings: ${(e as Error).message}`);
    }
  });
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

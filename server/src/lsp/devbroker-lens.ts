// The dev broker's CodeLens above each BrokerListener of a file (on the object's first line): "Start dev broker", or
// "Stop dev broker (ports ...)" on the listener it runs for, as the client reports it (brokerkit/devBroker/state).
// The lens only names the listener; the client runs `brokerkit dev-broker` and decides whether it may (a trusted
// workspace). "Start Dev Broker" without a file asks brokerkit/devBroker/listeners for the workspace's listeners.
// Clients that support it are asked to fetch lenses again (workspace/codeLens/refresh) when the index has been read
// (a lens asked for before that may have been answered from a workspace without the file) and when the broker starts
// or stops.
import { CodeLens, CodeLensRefreshRequest } from 'vscode-languageserver';
import { AIO_GROUP, Resource, locate, rangeOf } from '../engine';
import {
  Methods,
  DevBrokerListenerInfo,
  DevBrokerListenersParams,
  DevBrokerListenersResult,
  DevBrokerStateParams,
} from '../protocol';
import { canonicalUri } from './uri';
import type { ServerContext } from './context';

/** The commands the client registers; the start command's argument is `DevBrokerLensArgs`. */
export const START_DEV_BROKER_COMMAND = 'brokerkit.devBroker.start';
export const STOP_DEV_BROKER_COMMAND = 'brokerkit.devBroker.stop';
export interface DevBrokerLensArgs {
  uri: string;
  listener: string;
}

/** A BrokerListener the dev broker can run: an AIO listener written in a file, with a name and ports. */
function startable(r: Resource): boolean {
  return (
    r.kind === 'BrokerListener' &&
    r.group === AIO_GROUP &&
    !!r.chunk &&
    !!r.name &&
    Array.isArray(r.value.spec?.ports) &&
    r.value.spec.ports.length > 0
  );
}

function portsOf(r: Resource): DevBrokerListenerInfo['ports'] {
  const ports: unknown[] = r.value.spec.ports;
  return ports
    .filter((p): p is Record<string, any> => !!p && typeof p === 'object' && typeof (p as any).port === 'number')
    .map((p) => ({
      port: p.port,
      tls: !!p.tls && typeof p.tls === 'object',
      protocol: typeof p.protocol === 'string' ? p.protocol : 'Mqtt',
    }));
}

export function register(ctx: ServerContext): void {
  ctx.capabilities.codeLensProvider = { resolveProvider: false };
  const canRefresh = !!ctx.initParams?.capabilities?.workspace?.codeLens?.refreshSupport;
  let running: DevBrokerStateParams['running'] = null;
  let indexedWaiters: (() => void)[] = [];

  function refresh(): void {
    if (!canRefresh) return;
    ctx.connection
      .sendRequest(CodeLensRefreshRequest.type)
      .catch((e) => ctx.log('debug', `code lens refresh: ${(e as Error).message}`));
  }

  ctx.onIndexed.push(() => {
    for (const w of indexedWaiters.splice(0)) w();
    refresh();
  });

  ctx.connection.onNotification(Methods.devBrokerState, (p: DevBrokerStateParams) => {
    running = p?.running && typeof p.running.listener === 'string' ? p.running : null;
    refresh();
  });

  ctx.connection.onRequest(
    Methods.devBrokerListeners,
    async (p: DevBrokerListenersParams | undefined): Promise<DevBrokerListenersResult> => {
      // A list made while the folders are still read would miss listeners: wait for the index.
      if (ctx.store.indexing) await new Promise<void>((resolve) => indexedWaiters.push(resolve));
      ctx.store.sync();
      const only = p?.uri ? canonicalUri(p.uri) : undefined;
      const listeners = ctx.workspace
        .resources()
        .filter((r) => startable(r) && r.chunk!.uri.startsWith('file:'))
        .filter((r) => !only || canonicalUri(r.chunk!.uri) === only)
        .map((r) => ({
          uri: r.chunk!.uri,
          name: r.name!,
          namespace: r.namespace,
          ports: portsOf(r),
          at: r.chunk!.index,
        }))
        .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.at - b.at))
        .map(({ at: _at, ...l }) => l);
      return { listeners };
    },
  );

  ctx.connection.onShutdown(() => {
    for (const w of indexedWaiters.splice(0)) w();
    indexedWaiters = [];
  });

  ctx.connection.onCodeLens((params, token) => {
    try {
      ctx.store.sync();
      const file = ctx.workspace.getFile(params.textDocument.uri);
      if (!file || token.isCancellationRequested) return [];
      const uri = canonicalUri(params.textDocument.uri);
      const runsHere = running && canonicalUri(running.uri) === uri ? running : null;
      const lenses: CodeLens[] = [];
      for (const r of file.resources) {
        if (!startable(r)) continue;
        const chunk = r.chunk!;
        // Above the object: its first line (after a `---` and comments), where the outline's symbol starts too.
        const start = chunk.parse.doc.contents?.range?.[0] ?? locate(chunk.parse.doc, ['kind']).start;
        const range = rangeOf(chunk, start, start);
        if (runsHere && runsHere.listener === r.name) {
          const ports = runsHere.ports
            .map((x) => `${x.port}${x.websockets ? ' WS' : ''}${x.tls ? ' TLS' : ''}`)
            .join(', ');
          const title =
            runsHere.state === 'starting' || !ports ? 'Stop dev broker (starting)' : `Stop dev broker (ports ${ports})`;
          lenses.push({ range, command: { title, command: STOP_DEV_BROKER_COMMAND } });
          continue;
        }
        const args: DevBrokerLensArgs = { uri: params.textDocument.uri, listener: r.name! };
        lenses.push({
          range,
          command: { title: 'Start dev broker', command: START_DEV_BROKER_COMMAND, arguments: [args] },
        });
      }
      return lenses;
    } catch (e) {
      ctx.log('error', `code lens failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });
}

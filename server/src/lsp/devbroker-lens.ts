// CodeLens "Start dev broker" above each BrokerListener of a file (on the object's first line). The lens only names the listener; the client runs
// `brokerkit dev-broker` and decides whether it may (a trusted workspace).
import { CodeLens } from 'vscode-languageserver';
import { AIO_GROUP, locate, rangeOf } from '../engine';
import type { ServerContext } from './context';

/** The command the client registers; its argument is `DevBrokerLensArgs`. */
export const START_DEV_BROKER_COMMAND = 'brokerkit.devBroker.start';
export interface DevBrokerLensArgs {
  uri: string;
  listener: string;
}

export function register(ctx: ServerContext): void {
  ctx.capabilities.codeLensProvider = { resolveProvider: false };
  ctx.connection.onCodeLens((params, token) => {
    try {
      ctx.store.sync();
      const file = ctx.workspace.getFile(params.textDocument.uri);
      if (!file || token.isCancellationRequested) return [];
      const lenses: CodeLens[] = [];
      for (const r of file.resources) {
        if (r.kind !== 'BrokerListener' || r.group !== AIO_GROUP || !r.chunk || !r.name) continue;
        if (!Array.isArray(r.value.spec?.ports) || r.value.spec.ports.length === 0) continue;
        // Above the object: its first line (after a `---` and comments), where the outline's symbol starts too.
        const start = r.chunk.parse.doc.contents?.range?.[0] ?? locate(r.chunk.parse.doc, ['kind']).start;
        const range = rangeOf(r.chunk, start, start);
        const args: DevBrokerLensArgs = { uri: params.textDocument.uri, listener: r.name };
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

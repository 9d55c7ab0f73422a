// The outline: one symbol per object; a BrokerListener lists its ports with service type, protocol and TLS mode.
import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { ChunkRef, Resource } from '../engine';
import { AIO_GROUP, locate, rangeOf } from '../engine';
import type { ServerContext } from './context';

export function register(ctx: ServerContext): void {
  ctx.capabilities.documentSymbolProvider = true;
  ctx.connection.onDocumentSymbol((params, token) => {
    try {
      ctx.store.sync();
      const file = ctx.workspace.getFile(params.textDocument.uri);
      if (!file || token.isCancellationRequested) return [];
      return file.resources.filter((r) => r.chunk).map((r) => symbolOf(r));
    } catch (e) {
      ctx.log('error', `document symbols failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });
}

function whole(c: ChunkRef) {
  const n = c.parse.text.length;
  // Leave out a leading `---` line and trailing blank lines, so the range is the object itself.
  const contents = c.parse.doc.contents?.range;
  return contents ? rangeOf(c, contents[0], contents[1]) : rangeOf(c, 0, n);
}

function at(c: ChunkRef, path: (string | number)[], fallback: ReturnType<typeof whole>) {
  const w = locate(c.parse.doc, path);
  return w.found ? rangeOf(c, w.start, w.end) : fallback;
}

function symbolOf(r: Resource): DocumentSymbol {
  const c = r.chunk!;
  const range = whole(c);
  const selectionRange = at(c, ['metadata', 'name'], { start: range.start, end: range.start });
  const sym: DocumentSymbol = {
    name: `${r.kind} ${r.name ?? '(no name)'}`,
    detail: r.namespace ? `${r.namespaceAssumed ? '(default) ' : ''}${r.namespace}` : undefined,
    kind: r.group === AIO_GROUP ? SymbolKind.Class : SymbolKind.Object,
    range,
    selectionRange,
  };
  if (r.group === AIO_GROUP && r.kind === 'BrokerListener') {
    const spec = r.value.spec ?? {};
    const type = typeof spec.serviceType === 'string' ? spec.serviceType : 'ClusterIp';
    sym.detail = `${type}${spec.serviceName ? ` · service ${spec.serviceName}` : ''}${sym.detail ? ` · ${sym.detail}` : ''}`;
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    sym.children = ports.map((p: any, i: number): DocumentSymbol => {
      const pr = at(c, ['spec', 'ports', i], range);
      const tls = p?.tls && typeof p.tls === 'object' ? `TLS ${p.tls.mode ?? '?'}` : 'no TLS';
      const auth = p?.authenticationRef ? `authn ${p.authenticationRef}` : 'no authn';
      return {
        name: `port ${p?.port ?? '?'}`,
        detail: `${type} · ${p?.protocol ?? 'Mqtt'} · ${tls} · ${auth}`,
        kind: SymbolKind.Field,
        range: pr,
        selectionRange: at(c, ['spec', 'ports', i, 'port'], pr),
      };
    });
  }
  return sym;
}

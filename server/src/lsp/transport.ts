// The stdio transport. Messages are JSON as usual, except that a publishDiagnostics notification is assembled from
// each diagnostic's encoded JSON, kept with the diagnostic object: the diagnostics of unchanged findings are the same
// objects from publish to publish (diagnostics.ts), so re-sending a file's 2,500 diagnostics after a one-character
// edit encodes only the few that are new and copies the rest. (VS Code talks to the server over node IPC, which
// serialises itself.)
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { Diagnostic } from 'vscode-languageserver';

const encoded = new WeakMap<object, Buffer>();
const COMMA = Buffer.from(',');

function diagnosticBytes(d: Diagnostic): Buffer {
  let b = encoded.get(d);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(d), 'utf8');
    encoded.set(d, b);
  }
  return b;
}

/** The UTF-8 JSON of a message. */
export function encode(msg: unknown): Buffer {
  const m = msg as { method?: string; params?: { uri: string; version?: number; diagnostics: Diagnostic[] } };
  if (m.method !== 'textDocument/publishDiagnostics' || !m.params || !Array.isArray(m.params.diagnostics))
    return Buffer.from(JSON.stringify(msg), 'utf8');
  const p = m.params;
  const ds = p.diagnostics;
  const parts: Buffer[] = new Array(ds.length * 2 + 1);
  parts[0] = Buffer.from(
    `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(p.uri)}${typeof p.version === 'number' ? `,"version":${p.version}` : ''},"diagnostics":[`,
    'utf8',
  );
  let n = 1;
  for (let i = 0; i < ds.length; i++) {
    if (i > 0) parts[n++] = COMMA;
    parts[n++] = diagnosticBytes(ds[i]);
  }
  parts.length = n;
  parts.push(Buffer.from(']}}'));
  return Buffer.concat(parts);
}

export function stdioTransport(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
) {
  const reader = new StreamMessageReader(input);
  const writer = new StreamMessageWriter(output, {
    charset: 'utf-8',
    contentTypeEncoder: { name: 'application/json', encode: (msg) => Promise.resolve(encode(msg)) },
  });
  return { reader, writer };
}

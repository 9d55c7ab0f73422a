// The stdio transport. Messages are JSON as usual, except that a publishDiagnostics notification is assembled from
// each diagnostic's JSON, kept with the diagnostic object: the diagnostics of unchanged findings are the same
// objects from publish to publish (diagnostics.ts), so re-sending a file's 2,500 diagnostics after a one-character
// edit serialises only the few that are new. (VS Code talks to the server over node IPC, which serialises itself.)
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import type { Diagnostic } from 'vscode-languageserver';

const json = new WeakMap<object, string>();

function diagnosticJson(d: Diagnostic): string {
  let s = json.get(d);
  if (s === undefined) { s = JSON.stringify(d); json.set(d, s); }
  return s;
}

export function encode(msg: unknown): string {
  const m = msg as { method?: string; params?: { uri: string; version?: number; diagnostics: Diagnostic[] } };
  if (m.method !== 'textDocument/publishDiagnostics' || !m.params || !Array.isArray(m.params.diagnostics)) return JSON.stringify(msg);
  const p = m.params;
  const ds = p.diagnostics;
  const parts = new Array<string>(ds.length);
  for (let i = 0; i < ds.length; i++) parts[i] = diagnosticJson(ds[i]);
  return `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(p.uri)}${typeof p.version === 'number' ? `,"version":${p.version}` : ''},"diagnostics":[${parts.join(',')}]}}`;
}

export function stdioTransport(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout) {
  const reader = new StreamMessageReader(input);
  const writer = new StreamMessageWriter(output, {
    charset: 'utf-8',
    contentTypeEncoder: { name: 'application/json', encode: (msg, options) => Promise.resolve(Buffer.from(encode(msg), options.charset)) },
  });
  return { reader, writer };
}

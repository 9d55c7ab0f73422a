// A language server that does no work, for bench/lsp.ts: it answers every didOpen and didChange of a document with
// the same publishDiagnostics, a list read once from the JSON file named on its command line (what our server
// published for that document), only the version changing. Its keystroke time is what moving that publish to the
// client and decoding it costs on this machine: the floor under any server's keystroke time for that many findings.
// The message bytes are built once; each publish writes a small head (header, uri, version) and the shared tail.
import { readFileSync } from 'node:fs';
import { ProposedFeatures, TextDocumentSyncKind, createConnection } from 'vscode-languageserver/node';

const diagnostics: unknown[] = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tail = Buffer.from(`,"diagnostics":${JSON.stringify(diagnostics)}}}`, 'utf8');
const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);

connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } }));

function publish(uri: string, version: number): void {
  const head = Buffer.from(
    `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(uri)},"version":${version}`,
    'utf8',
  );
  // Header and body in one system call (writev of the two buffers).
  process.stdout.cork();
  process.stdout.write(`Content-Length: ${head.length + tail.length}\r\n\r\n${head.toString('utf8')}`);
  process.stdout.write(tail);
  process.stdout.uncork();
}

connection.onDidOpenTextDocument((p) => publish(p.textDocument.uri, p.textDocument.version));
connection.onDidChangeTextDocument((p) => publish(p.textDocument.uri, p.textDocument.version));
connection.listen();

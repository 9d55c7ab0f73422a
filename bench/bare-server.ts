// The least a language server can be, for bench/lsp.ts: a Node.js process that answers initialize and shutdown and
// exits on exit, nothing loaded. Its initialize round trip is this machine's floor for any server written for Node.js.
let pending = Buffer.alloc(0);

function reply(id: unknown, result: unknown): void {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, result }), 'utf8');
  process.stdout.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
}

process.stdin.on('data', (chunk: Buffer) => {
  pending = Buffer.concat([pending, chunk]);
  for (;;) {
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(pending.subarray(0, end).toString('ascii'))?.[1]);
    if (pending.length < end + 4 + length) return;
    const msg = JSON.parse(pending.subarray(end + 4, end + 4 + length).toString('utf8'));
    pending = pending.subarray(end + 4 + length);
    if (msg.method === 'initialize') reply(msg.id, { capabilities: {} });
    else if (msg.method === 'shutdown') reply(msg.id, null);
    else if (msg.method === 'exit') process.exit(0);
  }
});

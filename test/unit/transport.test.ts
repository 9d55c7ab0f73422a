// The stdio writer reuses one buffer for every message written to a socket or pipe: what a reader gets back must be
// each message as sent, even when the reader takes its time (a busy editor) and when a message outgrows the buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressInfo, Server, Socket, createServer, connect } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { StreamMessageReader } from 'vscode-languageserver/node';
import type { Message } from 'vscode-languageserver/node';
import { ReusedBufferWriter } from '../../server/src/lsp/transport';

function publish(version: number, count: number, text: string): Message {
  const diagnostics = Array.from({ length: count }, (_, i) => ({
    range: { start: { line: i, character: 0 }, end: { line: i, character: 4 } },
    severity: 3,
    code: 'insecure-port',
    source: 'brokerkit',
    message: `${text} ${i} ünïcødé ✓`,
  }));
  return {
    jsonrpc: '2.0',
    method: 'textDocument/publishDiagnostics',
    params: { uri: 'file:///w/a.yaml', version, diagnostics },
  } as Message;
}

/** The first `count` messages the reader parses from `stream` (rejected when it cannot parse one). */
function collect(stream: NodeJS.ReadableStream, count: number): Promise<Message[]> {
  const reader = new StreamMessageReader(stream);
  const got: Message[] = [];
  return new Promise((resolve, reject) => {
    reader.onError(reject);
    reader.listen((m) => {
      got.push(m);
      if (got.length === count) resolve(got);
    });
  });
}

/** Messages of every size: the same diagnostics objects in several publishes (their encoded bytes are kept), two that
 *  outgrow the buffer (about 1.6 MB each: the second would overwrite what the socket has not sent of the first), small
 *  ones after them. */
function assorted(): Message[] {
  return [
    { jsonrpc: '2.0', id: 1, result: { capabilities: {} } } as Message,
    publish(1, 3, 'a'),
    publish(2, 3, 'b'),
    publish(3, 8000, 'a long message that makes this publish grow the buffer'.repeat(2)),
    publish(4, 8000, 'another long message, written over the same bytes if the first were still unsent'.repeat(2)),
    publish(5, 1, 'c'),
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'done' } } as Message,
  ];
}

test('over a socket (one buffer reused): messages written while the reader is paused arrive whole and in order', async () => {
  let server: Server | undefined;
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const client = connect((server!.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const side = await accepted;
  try {
    // The reader does not read yet: the big publish fills the socket buffers, so its write completes only later,
    // and the messages after it must not overwrite its bytes meanwhile.
    side.pause();
    const writer = new ReusedBufferWriter(client);
    const sent = assorted();
    const writes = Promise.all(sent.map((m) => writer.write(m)));
    await new Promise<void>((r) => setImmediate(r));
    const received = collect(side, sent.length);
    side.resume();
    await writes;
    assert.deepEqual(await received, sent);
  } finally {
    client.destroy();
    side.destroy();
    server!.close();
  }
});

test('over a stream that keeps what it is given (a PassThrough): each message gets its own buffer', async () => {
  const pipe = new PassThrough({ highWaterMark: 64 * 1024 * 1024 });
  const writer = new ReusedBufferWriter(pipe);
  const sent = assorted();
  // Nothing reads until every write is done: the stream holds every message's buffer at once.
  await Promise.all(sent.map((m) => writer.write(m)));
  const received = collect(pipe, sent.length);
  assert.deepEqual(await received, sent);
});

test('a slow stream gets each message, header and body, in one write and every byte as sent', async () => {
  const chunks: Buffer[] = [];
  const pending: (() => void)[] = [];
  // A stream that copies each chunk only when it is released, as a pipe to a busy editor does.
  const slow = new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending.push(() => {
        chunks.push(Buffer.from(chunk));
        cb();
      });
    },
  });
  const writer = new ReusedBufferWriter(slow);
  const sent = [publish(1, 50, 'first'), publish(2, 50, 'second'), publish(3, 2, 'third')];
  const writes = sent.map((m) => writer.write(m));
  // Release the stream's writes one at a time, each when it arrives, and only then let the next one in.
  let released = 0;
  while (released < sent.length) {
    await new Promise<void>((r) => setImmediate(r));
    const next = pending.shift();
    if (next) {
      // No second write reached the stream while the first was still held.
      assert.equal(pending.length, 0);
      next();
      released++;
    }
  }
  await Promise.all(writes);
  assert.equal(chunks.length, sent.length);
  for (const c of chunks) assert.match(c.subarray(0, 40).toString('ascii'), /^Content-Length: \d+\r\n/);
  const pipe = new PassThrough();
  const received = collect(pipe, sent.length);
  pipe.end(Buffer.concat(chunks));
  assert.deepEqual(await received, sent);
});

test('a write error rejects that message and reaches the error listeners instead of throwing', async () => {
  let fail = true;
  const out: Buffer[] = [];
  const flaky = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (fail) {
        fail = false;
        cb(new Error('EPIPE'));
        return;
      }
      out.push(Buffer.from(chunk));
      cb();
    },
  });
  // A Writable that fails a write is destroyed by Node; the writer must report it, not throw.
  const errors: unknown[] = [];
  const writer = new ReusedBufferWriter(flaky);
  writer.onError(([e]) => errors.push(e));
  await assert.rejects(writer.write(publish(1, 1, 'x')), /EPIPE/);
  assert.ok(errors.length >= 1);
  assert.match(String(errors[0]), /EPIPE/);
});

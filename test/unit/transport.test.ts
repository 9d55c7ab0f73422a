// The stdio writer reuses one buffer for every message written to a socket or pipe: what a reader gets back must be
// each message as sent, even when the reader takes its time (a busy editor) and when a message outgrows the buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressInfo, Server, Socket, createServer, connect } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { StreamMessageReader } from 'vscode-languageserver/node';
import type { Message } from 'vscode-languageserver/node';
import { ReusedBufferWriter, parts } from '../../server/src/lsp/transport';
import { rng } from '../helpers/rng';

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

/** Both ends of a TCP connection on 127.0.0.1 (a socket: the writer reuses its buffer), closed by `close`. */
async function socketPair(): Promise<{ client: Socket; side: Socket; close: () => void }> {
  let server: Server | undefined;
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const client = connect((server!.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const side = await accepted;
  return {
    client,
    side,
    close: () => {
      client.destroy();
      side.destroy();
      server!.close();
    },
  };
}

test('over a socket (one buffer reused): messages written while the reader is paused arrive whole and in order', async () => {
  const { client, side, close } = await socketPair();
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
    close();
  }
});

test('over a socket: publishes that keep, add, drop and replace diagnostics of the previous one arrive as sent', async () => {
  // The writer leaves in place the bytes of diagnostics a publish shares with the one before it (the same objects)
  // at its start and end, and copies the rest: every kind of change between consecutive lists, other messages in
  // between, versions whose length changes (the head moves), and a list that outgrows the buffer.
  const random = rng(20261206);
  const pick = (n: number) => Math.floor(random() * n);
  let made = 0;
  const diagnostic = () => {
    const i = made++;
    return {
      range: { start: { line: i, character: 0 }, end: { line: i, character: 2 + pick(9) } },
      severity: 1 + pick(4),
      code: ['insecure-port', 'tls-san-missing', 'port-conflict'][pick(3)],
      source: 'brokerkit',
      message: `finding ${i}: ${'ünïcødé ✓ '.repeat(pick(6))}${'x'.repeat(pick(300))}`,
    };
  };
  let list = Array.from({ length: 40 }, diagnostic);
  const sent: Message[] = [];
  let version = 90;
  for (let step = 0; step < 400; step++) {
    list = [...list];
    const change = pick(10);
    const at = pick(list.length + 1);
    if (change === 0) list.splice(at, 0, ...Array.from({ length: 1 + pick(5) }, diagnostic));
    else if (change === 1) list.splice(at, 1 + pick(5));
    else if (change === 2 && list.length) list[Math.min(at, list.length - 1)] = diagnostic();
    else if (change === 3) list = [...list, ...list.slice(0, pick(list.length))];
    else if (change === 4 && step === 200)
      list = Array.from({ length: 3000 }, diagnostic); // outgrows the buffer
    else if (change === 4) list = list.slice(0, pick(list.length));
    // changes 5-9: the same list (a keystroke that changes no finding)
    version += pick(3) === 0 ? 1 + pick(500) : 1;
    sent.push({
      jsonrpc: '2.0',
      method: 'textDocument/publishDiagnostics',
      params: { uri: 'file:///w/a.yaml', version, diagnostics: list },
    } as Message);
    if (pick(8) === 0)
      sent.push({
        jsonrpc: '2.0',
        method: 'window/logMessage',
        params: { type: 4, message: `step ${step}` },
      } as Message);
  }
  const { client, side, close } = await socketPair();
  try {
    const writer = new ReusedBufferWriter(client);
    const chunks: Buffer[] = [];
    side.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((r) => side.once('end', r));
    for (const m of sent) await writer.write(m);
    client.end();
    await ended;
    // Byte for byte what each message is as plain JSON (a wrong byte anywhere fails here, not as a reader waiting
    // for a length that never comes).
    const expected = Buffer.concat(
      sent.map((m) => {
        const body = Buffer.from(JSON.stringify(m), 'utf8');
        return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
      }),
    );
    const got = Buffer.concat(chunks);
    const differs = got.findIndex((b, i) => b !== expected[i]);
    assert.equal(differs === -1 && got.length === expected.length ? -1 : differs, -1, 'first byte that differs');
    // Consecutive publishes do share their encoded diagnostics: the case the writer keeps in place is exercised.
    const shared = sent.filter((m, i) => i > 0 && parts(m)[1] !== undefined && parts(m)[1] === parts(sent[i - 1])[1]);
    assert.ok(shared.length > 100, `${shared.length} publishes begin with the previous one's first diagnostic`);
  } finally {
    close();
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

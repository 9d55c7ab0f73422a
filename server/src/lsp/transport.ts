// The stdio transport. Messages are JSON as usual, except that a publishDiagnostics notification is assembled from
// each diagnostic's encoded JSON, kept with the diagnostic object: the diagnostics of unchanged findings are the same
// objects from publish to publish (diagnostics.ts), so re-sending a file's 2,500 diagnostics after a one-character
// edit encodes only the few that are new. Each message, its header included, is written with one call; to a socket
// or pipe (standard output) from one buffer reused from message to message, so a publish of a few hundred kilobytes
// costs no fresh allocation, and the bytes the previous message left in that buffer are kept where they are still
// right: after a keystroke, a publish whose diagnostics are mostly the previous publish's objects copies only the
// head and what changed, not the 100 KB around it. (VS Code talks to the server over node IPC, which serialises
// itself.)
import { Socket } from 'node:net';
import { AbstractMessageWriter, StreamMessageReader } from 'vscode-languageserver/node';
import type { Message, MessageWriter } from 'vscode-languageserver/node';
import type { Diagnostic } from 'vscode-languageserver';

const encoded = new WeakMap<object, Buffer>();
const COMMA = Buffer.from(',');
const TAIL = Buffer.from(']}}');

function diagnosticBytes(d: Diagnostic): Buffer {
  let b = encoded.get(d);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(d), 'utf8');
    encoded.set(d, b);
  }
  return b;
}

/**
 * The parts of a message's UTF-8 JSON, in order (a publish: its head, each diagnostic and the commas between them,
 * its tail). Parts that are the same Buffer object from message to message hold the same bytes.
 */
export function parts(msg: unknown): Buffer[] {
  const m = msg as { method?: string; params?: { uri: string; version?: number; diagnostics: Diagnostic[] } };
  if (m.method !== 'textDocument/publishDiagnostics' || !m.params || !Array.isArray(m.params.diagnostics))
    return [Buffer.from(JSON.stringify(msg), 'utf8')];
  const p = m.params;
  const ds = p.diagnostics;
  const out: Buffer[] = new Array(ds.length * 2 + 1);
  out[0] = Buffer.from(
    `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":${JSON.stringify(p.uri)}${typeof p.version === 'number' ? `,"version":${p.version}` : ''},"diagnostics":[`,
    'utf8',
  );
  let n = 1;
  for (let i = 0; i < ds.length; i++) {
    if (i > 0) out[n++] = COMMA;
    out[n++] = diagnosticBytes(ds[i]);
  }
  out.length = n;
  out.push(TAIL);
  return out;
}

/**
 * Writes LSP messages (header and body in one write) to a stream, one at a time: the next message is encoded only
 * after the stream has taken the previous one (its write callback). A socket, a pipe or standard output has then copied
 * the bytes to the system, so the next message may reuse the buffer; other streams may keep the very buffer they were
 * given (a PassThrough hands it to its reader), so they get a new one per message.
 */
export class ReusedBufferWriter extends AbstractMessageWriter implements MessageWriter {
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private readonly reuse: boolean;
  private queue: Promise<void> = Promise.resolve();
  private errors = 0;
  /**
   * What the buffer holds (reused buffers only): the body parts of the message last written into it, from offset
   * `start` (the bytes before are its header and head, parts[0]) to `end`.
   */
  private held: { parts: Buffer[]; start: number; end: number } | undefined;

  constructor(private readonly output: NodeJS.WritableStream) {
    super();
    this.reuse = output instanceof Socket || output === process.stdout;
    output.on('error', (e: Error) => this.fireError(e));
    output.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const done = this.queue.then(() => this.send(msg));
    this.queue = done.catch(() => undefined);
    return done;
  }

  end(): void {
    this.output.end();
  }

  private send(msg: Message): Promise<void> {
    const body = parts(msg);
    let length = 0;
    for (const b of body) length += b.length;
    const header = `Content-Length: ${length}\r\n\r\n`;
    const total = header.length + length;
    let held = this.held;
    this.held = undefined;
    if (!this.reuse) this.buffer = Buffer.allocUnsafe(total);
    else if (this.buffer.length < total) {
      // Grown to fit (never shrunk: a server that sent a big publish once will likely send it again).
      this.buffer = Buffer.allocUnsafeSlow(Math.max(total, 2 * this.buffer.length));
      held = undefined;
    }
    const buf = this.buffer;
    let at = buf.write(header, 0, 'ascii');
    at += body[0].copy(buf, at);
    if (held && held.start === at) at = this.patch(held, body, at, total);
    else for (let i = 1; i < body.length; i++) at += body[i].copy(buf, at);
    if (this.reuse) this.held = { parts: body, start: header.length + body[0].length, end: at };
    const view = buf.subarray(0, at);
    return new Promise<void>((resolve, reject) => {
      this.output.write(view, (e?: Error | null) => {
        if (!e) {
          this.errors = 0;
          resolve();
          return;
        }
        this.errors++;
        this.fireError(e, msg, this.errors);
        reject(e);
      });
    });
  }

  /**
   * Writes body[1..] from `at` (where the held message's parts also start), leaving in place the bytes of the parts
   * both messages begin and end with (the same Buffer objects): the common end is moved once if the middle changed
   * length, then the middle is copied. Returns the end offset.
   */
  private patch(held: { parts: Buffer[]; start: number; end: number }, body: Buffer[], at: number, total: number) {
    const buf = this.buffer;
    const old = held.parts;
    const max = Math.min(old.length, body.length) - 1;
    let pre = 1;
    while (pre <= max && old[pre] === body[pre]) at += body[pre++].length;
    let suf = 0;
    let sufBytes = 0;
    while (suf < max - pre + 1 && old[old.length - 1 - suf] === body[body.length - 1 - suf])
      sufBytes += body[body.length - 1 - suf++].length;
    if (sufBytes > 0 && held.end - sufBytes !== total - sufBytes)
      buf.copyWithin(total - sufBytes, held.end - sufBytes, held.end);
    for (let i = pre; i < body.length - suf; i++) at += body[i].copy(buf, at);
    return at + sufBytes;
  }
}

export function stdioTransport(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
) {
  const reader = new StreamMessageReader(input);
  const writer = new ReusedBufferWriter(output);
  return { reader, writer };
}

// One client connection: framing (an oversized packet is refused from its header, before it is buffered), the
// parser, keep-alive, and the hand-off of each packet to its handler (handlers/). Every handler runs contained: an
// exception, thrown at once or after an await, disconnects this client with a logged reason and never reaches the
// process. Output goes through one Output (output.ts), which owns backpressure.
import * as mqttPacket from 'mqtt-packet';
import type { Duplex } from 'node:stream';
import type { Packet, IPubackPacket, IPublishPacket, QoS } from 'mqtt-packet';
import type { TimerHandle } from './clock';
import { Output } from './output';
import { dispatch } from './handlers';
import { RC, type Message, type PortPolicy, type Principal, type TransportInfo } from './types';
import type { Session } from './session';
import type { BrokerContext, HandlerContext } from './context';

/** A client must send CONNECT within this time (ms). */
const CONNECT_DEADLINE = 30000;

export class Connection implements HandlerContext {
  version = 4;
  /** CONNACK sent: application messages may flow. */
  ready = false;
  /** The CONNECT (authentication) is being decided; packets that arrive meanwhile wait. */
  connecting = false;
  closed = false;
  takenOver = false;
  clientId = '';
  session: Session | undefined;
  principal: Principal | undefined;
  authMethod: string | undefined;
  /** Receive Maximum the client gave (MQTT 5), or the broker's in-flight window for MQTT 3.1.1. */
  window: number;
  clientMaxPacket = Infinity;
  /** Topic aliases the client set (MQTT 5 §3.3.2.3.4). */
  aliases = new Map<number, string>();
  keepalive = 0;
  /** A DISCONNECT that discards the will (MQTT 5 §3.14.2.1). */
  cleanDisconnect = false;
  connectExpiry = 0;
  readonly output: Output;
  private parser = mqttPacket.parser();
  private chunks: Buffer[] = [];
  private chunkLen = 0;
  private waiting: Packet[] = [];
  private lastSeen: number;
  private timer: TimerHandle | undefined;
  private ackTimer: TimerHandle | undefined;
  private lastAck: number;
  private finished = false;

  constructor(
    readonly broker: BrokerContext,
    readonly stream: Duplex,
    readonly transport: TransportInfo,
    readonly policy: PortPolicy,
  ) {
    const o = broker.options;
    this.window = o.inflightWindow;
    this.lastSeen = o.clock.now();
    this.lastAck = this.lastSeen;
    this.output = new Output(
      stream,
      { soft: o.outputSoftLimit, hard: o.outputSoftLimit + 2 * o.maxPacketSize, stallTimeoutMs: o.stallTimeoutMs },
      o.clock,
      {
        writable: () => {
          if (this.session && this.ready) broker.pump(this.session);
        },
        stalled: (why) => this.stalled(why),
      },
    );
    this.parser.on('packet', (p: Packet) => this.onPacket(p));
    this.parser.on('error', (e: Error) => this.onParseError(e));
    stream.on('data', (d: Buffer) => this.onData(d));
    stream.on('error', () => this.onClose('connection error'));
    stream.on('close', () => this.onClose(this.closed ? 'closed' : 'connection lost'));
    stream.on('end', () => {
      if (!this.closed) this.onClose('connection closed by client');
      stream.destroy();
    });
    this.timer = o.clock.setTimeout(() => {
      if (!this.session && !this.connecting) this.close(undefined, `no CONNECT within ${CONNECT_DEADLINE / 1000} s`);
    }, CONNECT_DEADLINE);
  }

  // ---- input -----------------------------------------------------------------------------------------------------

  private onData(d: Buffer): void {
    if (this.closed) return;
    this.lastSeen = this.broker.options.clock.now();
    this.chunks.push(d);
    this.chunkLen += d.length;
    while (!this.closed && this.chunkLen >= 2) {
      const head =
        this.chunks[0].length >= 5 || this.chunks.length === 1
          ? this.chunks[0]
          : Buffer.concat(this.chunks, Math.min(this.chunkLen, 5));
      if (!this.session && !this.connecting && head[0] !== 0x10) {
        this.close(undefined, 'the first packet is not CONNECT');
        return;
      }
      let len = 0,
        mul = 1,
        i = 1,
        done = false;
      for (; i < 5 && i < head.length; i++) {
        len += (head[i] & 0x7f) * mul;
        mul *= 128;
        if ((head[i] & 0x80) === 0) {
          done = true;
          i++;
          break;
        }
      }
      if (!done) {
        if (i >= 5) this.protocolFailure(RC.malformed, 'malformed remaining length');
        return; // else the header is incomplete
      }
      const total = i + len;
      const max = this.broker.options.maxPacketSize;
      if (total > max) {
        this.protocolFailure(RC.packetTooLarge, `packet of ${total} bytes is over the ${max}-byte limit`);
        return;
      }
      if (this.chunkLen < total) return;
      let frame: Buffer;
      const first = this.chunks[0];
      if (first.length >= total) {
        frame = first.subarray(0, total);
        if (first.length === total) this.chunks.shift();
        else this.chunks[0] = first.subarray(total);
      } else {
        const all = Buffer.concat(this.chunks, this.chunkLen);
        frame = all.subarray(0, total);
        this.chunks = all.length > total ? [all.subarray(total)] : [];
      }
      this.chunkLen -= total;
      // The commonest packets skip the parser: a PUBACK of success from a subscriber (2 bytes: the packet id) and a
      // PUBLISH without properties (anything unusual in it goes to the parser, which says what is wrong).
      if (this.session && !this.connecting) {
        if (frame.length === 4 && frame[0] === 0x40) {
          this.run({ cmd: 'puback', messageId: frame.readUInt16BE(2) } as IPubackPacket);
          continue;
        }
        const p = frame[0] >> 4 === 3 ? decodePublish(frame, i, this.version) : undefined;
        if (p) {
          this.run(p);
          continue;
        }
      }
      try {
        this.parser.parse(frame);
      } catch (e) {
        this.onParseError(e as Error);
      }
    }
  }

  private onParseError(e: Error): void {
    if (this.closed) return;
    if (!this.session && /protocol version/i.test(e.message)) {
      // MQTT 3.1.1 §3.2.2.3: return code 1 = unacceptable protocol version.
      this.send({ cmd: 'connack', returnCode: 1, sessionPresent: false }, 4);
      this.close(undefined, `unsupported protocol version (${e.message})`);
      return;
    }
    this.protocolFailure(RC.malformed, `malformed packet: ${e.message}`);
  }

  private onPacket(p: Packet): void {
    if (this.closed) return;
    if (this.connecting) {
      this.waiting.push(p);
      return;
    }
    this.run(p);
  }

  /** Runs a packet's handler; whatever it throws, now or after an await, ends this connection only. */
  private run(p: Packet): void {
    try {
      const r = dispatch(this, p);
      if (r) r.catch((e: unknown) => this.internalError(p.cmd, e));
    } catch (e) {
      this.internalError(p.cmd, e);
    }
  }

  private internalError(cmd: string, e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    this.broker.log('error', `${this.who()}: internal error while handling ${cmd.toUpperCase()}: ${msg}`);
    if (this.closed) return;
    if (!this.ready) this.refuse(3, RC.unspecified, `internal error while handling ${cmd.toUpperCase()}`);
    else this.close(RC.implementationSpecific, `internal error while handling ${cmd.toUpperCase()}`);
  }

  /** CONNECT is decided: handle the packets that arrived meanwhile. */
  connected(): void {
    this.connecting = false;
    const queued = this.waiting;
    this.waiting = [];
    for (const q of queued) this.onPacket(q);
  }

  protocolFailure(code: number, why: string): void {
    this.broker.log('warning', `${this.who()}: ${why}; closing the connection`);
    this.close(this.session ? code : undefined, why);
  }

  who(): string {
    return this.clientId
      ? `client '${this.clientId}' (port ${this.transport.port})`
      : `${this.transport.remote} (port ${this.transport.port})`;
  }

  // ---- keep-alive ------------------------------------------------------------------------------------------------

  /** MQTT 5 §3.1.2.10: a client silent for one and a half keep-alive periods is disconnected. */
  armKeepalive(seconds: number): void {
    const clock = this.broker.options.clock;
    clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.keepalive = seconds;
    if (seconds <= 0) return;
    const limit = seconds * 1500;
    const check = () => {
      const idle = clock.now() - this.lastSeen;
      if (idle >= limit) this.close(RC.keepAliveTimeout, 'keep alive timeout');
      else this.timer = clock.setTimeout(check, limit - idle);
    };
    this.timer = clock.setTimeout(check, limit);
  }

  // ---- output ----------------------------------------------------------------------------------------------------

  private encode(p: Packet, version = this.version): Buffer | undefined {
    try {
      return mqttPacket.generate(p, { protocolVersion: version });
    } catch (e) {
      this.broker.log('error', `${this.who()}: cannot encode ${p.cmd}: ${(e as Error).message}`);
      return undefined;
    }
  }

  send(p: Packet, version = this.version): void {
    if (this.closed) return;
    // A PUBACK of success is 4 bytes in both versions (MQTT 5 §3.4.2.1: no reason code means success).
    const b =
      p.cmd === 'puback' && !p.reasonCode && !p.properties
        ? Buffer.from([0x40, 2, p.messageId! >> 8, p.messageId! & 0xff])
        : this.encode(p, version);
    if (b) this.output.write(b);
  }

  /** Sends a PUBLISH to this client; false when it was dropped (expired, or over the client's maximum packet size). */
  sendPublish(m: Message, qos: 0 | 1 | 2, id: number, retain: boolean, subIds: number[] | undefined, dup: boolean) {
    if (!this.ready || this.closed) return qos !== 0;
    const pk: IPublishPacket = { cmd: 'publish', topic: m.topic, payload: m.payload, qos, retain, dup };
    if (qos > 0) pk.messageId = id;
    const now = this.broker.options.clock.now();
    if (this.version === 5) {
      let props: IPublishPacket['properties'] = m.props ? { ...m.props } : undefined;
      if (m.expiresAt !== undefined) {
        const left = Math.ceil((m.expiresAt - now) / 1000);
        if (left <= 0) return false; // MQTT 5 §3.3.2.3.3: expired messages are not sent
        (props ??= {}).messageExpiryInterval = left;
      }
      if (subIds?.length) (props ??= {}).subscriptionIdentifier = subIds.length === 1 ? subIds[0] : subIds;
      if (props) pk.properties = props;
    } else if (m.expiresAt !== undefined && m.expiresAt <= now) return false;
    const buf = pk.properties ? this.encode(pk) : encodePublish(pk, this.version);
    if (!buf || buf.length > this.clientMaxPacket) return false;
    this.output.write(buf);
    return true;
  }

  /** Refuses a CONNECT: CONNACK with the code (3.1.1 return code or MQTT 5 reason code), then close. */
  refuse(v3code: number, v5code: number, why: string): void {
    this.connecting = false;
    this.broker.emit({ event: 'client-rejected', clientId: this.clientId, port: this.transport.port, reason: why });
    if (this.version === 5)
      this.send({
        cmd: 'connack',
        sessionPresent: false,
        reasonCode: v5code,
        properties: { reasonString: why.slice(0, 200) },
      });
    else this.send({ cmd: 'connack', sessionPresent: false, returnCode: v3code });
    this.close(undefined, why);
  }

  /**
   * Messages wait because the in-flight window is full: a client that acknowledges nothing for the stall timeout is
   * as stuck as one that reads nothing, and is disconnected the same way.
   */
  watchAcks(): void {
    if (this.ackTimer || this.closed) return;
    const clock = this.broker.options.clock;
    const limit = this.broker.options.stallTimeoutMs;
    const check = () => {
      this.ackTimer = undefined;
      const s = this.session;
      if (this.closed || !s || s.queue.length === 0 || s.inflight.size < this.window) return;
      const idle = clock.now() - this.lastAck;
      if (idle >= limit)
        this.stalled(
          `not acknowledging: ${s.inflight.size} messages in flight and ${s.queue.length} waiting, none acknowledged for ${Math.round(idle / 1000)} s`,
        );
      else this.ackTimer = clock.setTimeout(check, limit - idle);
    };
    this.ackTimer = clock.setTimeout(check, Math.max(0, limit - (clock.now() - this.lastAck)));
  }

  /** An acknowledgement (PUBACK, PUBREC, PUBCOMP) arrived. */
  noteAck(): void {
    this.lastAck = this.broker.options.clock.now();
  }

  private stalled(why: string): void {
    if (this.closed) return;
    this.broker.log('warning', `${this.who()}: ${why}; disconnecting it`);
    this.close(undefined, why, true);
  }

  /** Ends the connection; with a reason code, an MQTT 5 client is told why (DISCONNECT). */
  close(reasonCode: number | undefined, why: string, abort = false): void {
    if (this.closed) return;
    if (!abort && reasonCode !== undefined && this.version === 5 && this.ready)
      this.send({ cmd: 'disconnect', reasonCode });
    this.output.close(!abort);
    this.closed = true;
    this.broker.options.clock.clearTimeout(this.timer);
    this.broker.options.clock.clearTimeout(this.ackTimer);
    this.timer = this.ackTimer = undefined;
    const s = this.stream;
    if (abort) s.destroy();
    else {
      s.end();
      setTimeout(() => s.destroy(), 2000).unref();
    }
    this.finish(why);
  }

  private onClose(why: string): void {
    if (!this.closed) {
      this.closed = true;
      this.output.close();
      this.broker.options.clock.clearTimeout(this.timer);
      this.broker.options.clock.clearTimeout(this.ackTimer);
      this.timer = this.ackTimer = undefined;
    }
    this.finish(why);
  }

  private finish(why: string): void {
    if (this.finished) return;
    this.finished = true;
    this.ready = false;
    if (this.session) {
      this.broker.emit({
        event: 'client-disconnected',
        clientId: this.clientId,
        port: this.transport.port,
        reason: why,
      });
      this.broker.detach(this.session, this, !this.cleanDisconnect);
    }
  }
}

/**
 * A PUBLISH without properties decoded directly (as mqtt-packet's parser would), from its frame and the length of its
 * fixed header; undefined when it is anything else (QoS 3, properties, a topic past the end, packet id 0), which the
 * parser then handles. The payload is copied so a queued message does not keep the whole network chunk alive.
 */
export function decodePublish(frame: Buffer, headerLen: number, version: number): IPublishPacket | undefined {
  const flags = frame[0] & 0x0f;
  const qos = (flags >> 1) & 3;
  if (qos === 3 || frame.length < headerLen + 2) return undefined;
  const topicLen = frame.readUInt16BE(headerLen);
  let o = headerLen + 2 + topicLen;
  if (o > frame.length) return undefined;
  const topic = frame.toString('utf8', headerLen + 2, o);
  let messageId: number | undefined;
  if (qos > 0) {
    if (o + 2 > frame.length) return undefined;
    messageId = frame.readUInt16BE(o);
    if (messageId === 0) return undefined;
    o += 2;
  }
  if (version === 5) {
    if (o >= frame.length || frame[o] !== 0) return undefined;
    o += 1;
  }
  const p: IPublishPacket = {
    cmd: 'publish',
    topic,
    payload: Buffer.from(frame.subarray(o)),
    qos: qos as QoS,
    retain: (flags & 1) !== 0,
    dup: (flags & 8) !== 0,
    length: frame.length - headerLen,
  };
  if (messageId !== undefined) p.messageId = messageId;
  return p;
}

/**
 * A PUBLISH without properties, encoded directly (what mqtt-packet's generate produces for it, without its general
 * packet walk): fixed header, topic, packet id (QoS 1 and 2), an empty property length (MQTT 5), payload.
 */
export function encodePublish(p: IPublishPacket, version: number): Buffer {
  const topicLen = Buffer.byteLength(p.topic);
  const payload = p.payload as Buffer;
  const rest = 2 + topicLen + (p.qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0) + payload.length;
  const lenBytes = rest < 128 ? 1 : rest < 16384 ? 2 : rest < 2097152 ? 3 : 4;
  const b = Buffer.allocUnsafe(1 + lenBytes + rest);
  b[0] = 0x30 | (p.dup ? 8 : 0) | (p.qos << 1) | (p.retain ? 1 : 0);
  let o = 1;
  for (let n = rest; ;) {
    const digit = n % 128;
    n = Math.floor(n / 128);
    b[o++] = n > 0 ? digit | 0x80 : digit;
    if (n === 0) break;
  }
  b.writeUInt16BE(topicLen, o);
  o += 2;
  o += b.write(p.topic, o, 'utf8');
  if (p.qos > 0) {
    b.writeUInt16BE(p.messageId!, o);
    o += 2;
  }
  if (version === 5) b[o++] = 0;
  payload.copy(b, o);
  return b;
}

// The dev broker's MQTT engine: MQTT 3.1.1 and 5 over any byte stream (TCP, TLS, WebSockets). The wire format is
// mqtt-packet's (the same codec MQTT.js and aedes use); sessions, routing, QoS flows, retained messages, wills,
// session and message expiry, topic aliases, shared subscriptions, enhanced authentication and authorization hooks
// are ours. Why an engine of our own and not aedes: see README.md "Dev broker engine".
import * as mqttPacket from 'mqtt-packet';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { matchLevels, parseShare, validFilter, validTopicName } from './topics';

type Packet = any; // mqtt-packet's packet objects (loosely typed on purpose: they are plain records)

export interface Principal {
  clientId: string;
  username?: string;
  attributes: Record<string, string>;
}

export interface TransportInfo {
  /** Local port (as listened on) and its protocol. */
  port: number;
  protocol: 'mqtt' | 'websockets';
  tls: boolean;
  remote: string;
  /** The TLS socket, when there is one (client certificates). */
  tlsSocket?: import('node:tls').TLSSocket;
}

export interface ConnectRequest {
  clientId: string;
  username?: string;
  password?: Buffer;
  version: number;
  authMethod?: string;
  authData?: Buffer;
  transport: TransportInfo;
}

export type AuthResult =
  | { ok: true; principal: Principal; authMethod?: string; note?: string }
  | { ok: false; reason: 'not-authorized' | 'bad-credentials' | 'bad-auth-method'; message: string };

/** What a port decides: authentication and authorization. Every method may be absent (= allow). */
export interface PortPolicy {
  authenticate?(req: ConnectRequest): Promise<AuthResult> | AuthResult;
  authorizeConnect?(p: Principal, transport: TransportInfo): boolean;
  authorizePublish?(p: Principal, topic: string, transport: TransportInfo): boolean;
  authorizeSubscribe?(p: Principal, filter: string, transport: TransportInfo): boolean;
}

export type BrokerEvent =
  | {
      event: 'client-connected';
      clientId: string;
      port: number;
      version: number;
      username?: string;
      sessionPresent: boolean;
      remote: string;
    }
  | { event: 'client-rejected'; clientId: string; port: number; reason: string }
  | { event: 'client-disconnected'; clientId: string; port: number; reason: string }
  | { event: 'publish'; clientId: string; port: number; topic: string; qos: number; retain: boolean; bytes: number }
  | { event: 'subscribe'; clientId: string; port: number; filter: string; granted: number }
  | { event: 'log'; level: 'info' | 'warning' | 'error'; message: string };

export interface BrokerOptions {
  /** Largest packet accepted, in bytes (MQTT 5 Maximum Packet Size; larger ones close the connection). */
  maxPacketSize: number;
  topicAliasMaximum: number;
  /** Messages queued per offline or slow session before the oldest are dropped. */
  maxQueued: number;
  /** Upper bound for session expiry, seconds. */
  maxSessionExpiry: number;
  onEvent?: (e: BrokerEvent) => void;
  /** The clock for message expiry (injected by tests). */
  now: () => number;
}

const defaults: BrokerOptions = {
  maxPacketSize: 1024 * 1024,
  topicAliasMaximum: 65535,
  maxQueued: 100000,
  maxSessionExpiry: 0xffffffff,
  now: Date.now,
};
const NEVER = 0xffffffff;

// MQTT 5 reason codes used here (MQTT 5 §2.4).
export const RC = {
  success: 0x00,
  noMatchingSubscribers: 0x10,
  noSubscriptionExisted: 0x11,
  reauthenticate: 0x19,
  disconnectWithWill: 0x04,
  unspecified: 0x80,
  malformed: 0x81,
  protocolError: 0x82,
  unsupportedVersion: 0x84,
  clientIdNotValid: 0x85,
  badCredentials: 0x86,
  notAuthorized: 0x87,
  badAuthMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicFilterInvalid: 0x8f,
  topicNameInvalid: 0x90,
  packetIdNotFound: 0x92,
  packetTooLarge: 0x95,
  topicAliasInvalid: 0x94,
  sharedNotSupported: 0x9e,
} as const;

interface Message {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  /** MQTT 5 properties that travel with the message (no alias, no subscription identifier). */
  props?: Record<string, unknown>;
  /** Absolute expiry time (ms), from Message Expiry Interval. */
  expiresAt?: number;
  from: string;
}

interface Sub {
  filter: string;
  levels: string[];
  qos: number;
  nl: boolean;
  rap: boolean;
  rh: number;
  id?: number;
  share?: string;
}

interface Outgoing {
  msg: Message;
  qos: number;
  retain: boolean;
  subIds?: number[];
  state: 'pub' | 'rel';
  id: number;
}

class Session {
  subs = new Map<string, Sub>();
  inflight = new Map<number, Outgoing>();
  queue: Outgoing[] = [];
  incomingQos2 = new Set<number>();
  conn: Connection | undefined;
  expiry = 0;
  expiryTimer: NodeJS.Timeout | undefined;
  will: Message | undefined;
  willTimer: NodeJS.Timeout | undefined;
  private lastId = 0;
  constructor(readonly clientId: string) {}
  nextId(): number {
    for (let n = 0; n < 65536; n++) {
      this.lastId = (this.lastId % 65535) + 1;
      if (!this.inflight.has(this.lastId)) return this.lastId;
    }
    return 0;
  }
}

interface ShareGroup {
  members: Map<Session, Sub>;
  next: number;
  levels: string[];
}

export class Broker {
  readonly options: BrokerOptions;
  private sessions = new Map<string, Session>();
  private retained = new Map<string, Message>();
  /** Plain subscriptions: filter → subscriber sessions. */
  private plain = new Map<string, { levels: string[]; subs: Map<Session, Sub> }>();
  /** Shared subscriptions: `$share/group/filter` → members served round-robin. */
  private shared = new Map<string, ShareGroup>();
  private conns = new Set<Connection>();

  constructor(options: Partial<BrokerOptions> = {}) {
    this.options = { ...defaults, ...options };
  }

  emit(e: BrokerEvent): void {
    try {
      this.options.onEvent?.(e);
    } catch {
      /* a logger must not break the broker */
    }
  }

  /** Serves one client connection on `stream` with the port's policy. */
  handle(stream: Duplex, transport: TransportInfo, policy: PortPolicy): void {
    const c = new Connection(this, stream, transport, policy);
    this.conns.add(c);
    stream.once('close', () => this.conns.delete(c));
  }

  /** Closes every client connection (v5 clients get DISCONNECT 0x8B Server shutting down). */
  closeAll(): void {
    for (const c of [...this.conns]) c.close(0x8b, 'broker stopped');
    for (const s of this.sessions.values()) {
      clearTimeout(s.expiryTimer);
      clearTimeout(s.willTimer);
    }
  }

  get clientCount(): number {
    return this.conns.size;
  }

  // ---- sessions --------------------------------------------------------------------------------------------------

  /** Attaches a connection to its session: takes over a live one, resumes or starts fresh. */
  attach(
    conn: Connection,
    clientId: string,
    cleanStart: boolean,
    expiry: number,
  ): { session: Session; present: boolean } {
    let s = this.sessions.get(clientId);
    if (s?.conn) {
      const old = s.conn;
      old.takenOver = true;
      old.close(RC.sessionTakenOver, 'session taken over by a new connection');
      s = this.sessions.get(clientId); // the old connection's end may have ended a session without expiry
    }
    if (s) {
      clearTimeout(s.expiryTimer);
      s.expiryTimer = undefined;
      if (s.willTimer) {
        clearTimeout(s.willTimer);
        s.willTimer = undefined;
        s.will = undefined;
      } // reconnected in time: no will
    }
    let present = false;
    if (s && !cleanStart) present = true;
    else {
      if (s) this.dropSession(s);
      s = new Session(clientId);
      this.sessions.set(clientId, s);
    }
    s.expiry = Math.min(expiry, this.options.maxSessionExpiry);
    s.conn = conn;
    return { session: s, present };
  }

  /** A connection ended: publish the will (now or after its delay) and expire the session when due. */
  detach(s: Session, conn: Connection, sendWill: boolean): void {
    if (s.conn !== conn) return;
    s.conn = undefined;
    const will = sendWill ? s.will : undefined;
    s.will = undefined;
    if (will) {
      const delay = Math.min((will.props?.willDelayInterval as number | undefined) ?? 0, s.expiry);
      if (will.props) delete will.props.willDelayInterval;
      if (delay > 0) {
        s.will = will;
        s.willTimer = setTimeout(
          () => {
            s.willTimer = undefined;
            s.will = undefined;
            this.publish(will);
          },
          Math.min(delay * 1000, 2 ** 31 - 1),
        );
      } else this.publish(will);
    }
    if (s.expiry === 0) this.endSession(s);
    else if (s.expiry !== NEVER) {
      s.expiryTimer = setTimeout(() => this.endSession(s), Math.min(s.expiry * 1000, 2 ** 31 - 1));
    }
  }

  private endSession(s: Session): void {
    if (s.conn) return;
    if (s.expiry > 0)
      this.emit({ event: 'log', level: 'info', message: `session of '${s.clientId}' expired after ${s.expiry} s` });
    if (s.willTimer) {
      clearTimeout(s.willTimer);
      s.willTimer = undefined;
      const w = s.will;
      s.will = undefined;
      if (w) this.publish(w);
    }
    this.dropSession(s);
  }

  private dropSession(s: Session): void {
    clearTimeout(s.expiryTimer);
    for (const key of [...s.subs.keys()]) this.unsubscribe(s, key);
    if (this.sessions.get(s.clientId) === s) this.sessions.delete(s.clientId);
  }

  // ---- subscriptions ---------------------------------------------------------------------------------------------

  /** Adds or replaces a subscription; returns true when it did not exist before. */
  subscribe(s: Session, sub: Sub): boolean {
    const existed = s.subs.has(sub.filter);
    s.subs.set(sub.filter, sub);
    if (sub.share !== undefined) {
      let g = this.shared.get(sub.filter);
      if (!g) {
        g = { members: new Map(), next: 0, levels: sub.levels };
        this.shared.set(sub.filter, g);
      }
      g.members.set(s, sub);
    } else {
      let e = this.plain.get(sub.filter);
      if (!e) {
        e = { levels: sub.levels, subs: new Map() };
        this.plain.set(sub.filter, e);
      }
      e.subs.set(s, sub);
    }
    return !existed;
  }

  unsubscribe(s: Session, filter: string): boolean {
    const sub = s.subs.get(filter);
    if (!sub) return false;
    s.subs.delete(filter);
    const map = sub.share !== undefined ? this.shared : this.plain;
    const e = map.get(filter);
    if (e) {
      (e as any)[sub.share !== undefined ? 'members' : 'subs'].delete(s);
      if ((e as any)[sub.share !== undefined ? 'members' : 'subs'].size === 0) map.delete(filter);
    }
    return true;
  }

  /** Retained messages matching a new subscription. */
  sendRetained(s: Session, sub: Sub): void {
    const now = this.options.now();
    for (const [topic, m] of this.retained) {
      if (m.expiresAt !== undefined && m.expiresAt <= now) {
        this.retained.delete(topic);
        continue;
      }
      if (matchLevels(sub.levels, topic.split('/')))
        this.deliver(s, m, sub.qos, true, sub.id === undefined ? undefined : [sub.id]);
    }
  }

  // ---- routing ---------------------------------------------------------------------------------------------------

  publish(m: Message): void {
    if (m.retain) {
      if (m.payload.length === 0) this.retained.delete(m.topic);
      else this.retained.set(m.topic, m);
    }
    const levels = m.topic.split('/');
    let targets: Map<Session, { qos: number; retain: boolean; ids?: number[] }> | undefined;
    for (const e of this.plain.values()) {
      if (!matchLevels(e.levels, levels)) continue;
      for (const [s, sub] of e.subs) {
        if (sub.nl && s.clientId === m.from) continue;
        targets ??= new Map();
        const t = targets.get(s);
        const retain = sub.rap ? m.retain : false;
        if (!t) targets.set(s, { qos: sub.qos, retain, ids: sub.id === undefined ? undefined : [sub.id] });
        else {
          t.qos = Math.max(t.qos, sub.qos);
          t.retain ||= retain;
          if (sub.id !== undefined) (t.ids ??= []).push(sub.id);
        }
      }
    }
    if (targets) for (const [s, t] of targets) this.deliver(s, m, t.qos, t.retain, t.ids);
    for (const g of this.shared.values()) {
      if (!matchLevels(g.levels, levels)) continue;
      const members = [...g.members];
      // Round-robin over the members, preferring one that is connected (MQTT 5 §4.8.2).
      let pick: [Session, Sub] | undefined;
      for (let i = 0; i < members.length; i++) {
        const cand = members[(g.next + i) % members.length];
        if (cand[0].conn) {
          pick = cand;
          g.next = (g.next + i + 1) % members.length;
          break;
        }
      }
      if (!pick && members.length) {
        pick = members[g.next % members.length];
        g.next = (g.next + 1) % members.length;
      }
      if (pick) this.deliver(pick[0], m, pick[1].qos, false, pick[1].id === undefined ? undefined : [pick[1].id]);
    }
  }

  private deliver(s: Session, m: Message, subQos: number, retain: boolean, subIds?: number[]): void {
    const qos = Math.min(m.qos, subQos);
    if (qos === 0) {
      s.conn?.sendPublish(m, 0, 0, retain, subIds, false);
      return;
    }
    const o: Outgoing = { msg: m, qos, retain, subIds, state: 'pub', id: 0 };
    const c = s.conn;
    if (c && c.ready && s.inflight.size < c.clientReceiveMax && s.queue.length === 0) this.sendOutgoing(s, c, o);
    else {
      s.queue.push(o);
      if (s.queue.length > this.options.maxQueued) {
        s.queue.shift();
        if (s.queue.length === this.options.maxQueued)
          this.emit({
            event: 'log',
            level: 'warning',
            message: `client '${s.clientId}': more than ${this.options.maxQueued} messages queued; dropping the oldest`,
          });
      }
    }
  }

  private sendOutgoing(s: Session, c: Connection, o: Outgoing): void {
    o.id = s.nextId();
    if (o.id === 0) {
      s.queue.unshift(o);
      return;
    }
    if (!c.sendPublish(o.msg, o.qos, o.id, o.retain, o.subIds, false)) return; // expired or too large: dropped
    s.inflight.set(o.id, o);
  }

  /** Sends what the session's queue holds, as far as the client's Receive Maximum allows. */
  drain(s: Session): void {
    const c = s.conn;
    if (!c || !c.ready) return;
    while (s.queue.length && s.inflight.size < c.clientReceiveMax) this.sendOutgoing(s, c, s.queue.shift()!);
  }

  /** After a reconnect: resend unacknowledged messages (DUP set) and PUBRELs, then the queue. */
  resume(s: Session): void {
    const c = s.conn!;
    for (const o of s.inflight.values()) {
      if (o.state === 'pub') c.sendPublish(o.msg, o.qos, o.id, o.retain, o.subIds, true);
      else c.send({ cmd: 'pubrel', messageId: o.id });
    }
    this.drain(s);
  }

  acked(s: Session, id: number, kind: 'puback' | 'pubrec' | 'pubcomp', reasonCode?: number): boolean {
    const o = s.inflight.get(id);
    if (!o) return false;
    if (kind === 'pubrec' && (reasonCode === undefined || reasonCode < 0x80)) {
      o.state = 'rel';
      return true;
    }
    s.inflight.delete(id);
    this.drain(s);
    return true;
  }
}

// ---- one client connection -----------------------------------------------------------------------------------------

class Connection {
  version = 4;
  ready = false;
  takenOver = false;
  clientReceiveMax = 65535;
  private clientMaxPacket = Infinity;
  private session: Session | undefined;
  private principal: Principal | undefined;
  private clientId = '';
  private parser = mqttPacket.parser();
  private chunks: Buffer[] = [];
  private chunkLen = 0;
  private out: Buffer[] = [];
  private flushScheduled = false;
  private closed = false;
  private connecting = false;
  private pending: Packet[] = [];
  private aliases = new Map<number, string>();
  private lastSeen = Date.now();
  private keepalive = 0;
  private kaTimer: NodeJS.Timeout | undefined;
  private cleanDisconnect = false;
  private connectExpiry = 0;
  private authMethod: string | undefined;

  constructor(
    private broker: Broker,
    private stream: Duplex,
    private transport: TransportInfo,
    private policy: PortPolicy,
  ) {
    this.parser.on('packet', (p: Packet) => this.onPacket(p));
    this.parser.on('error', (e: Error) => this.onParseError(e));
    stream.on('data', (d: Buffer) => this.onData(d));
    stream.on('error', () => this.onClose('connection error'));
    stream.on('close', () => this.onClose(this.closed ? 'closed' : 'connection lost'));
    stream.on('end', () => {
      if (!this.closed) this.onClose('connection closed by client');
      stream.destroy();
    });
    // A client must send CONNECT promptly.
    this.kaTimer = setTimeout(() => {
      if (!this.session && !this.connecting) this.close(undefined, 'no CONNECT within 30 s');
    }, 30000);
  }

  // ---- input -----------------------------------------------------------------------------------------------------

  /** Frames packets ourselves so that an oversized one is refused from its header, before it is buffered. */
  private onData(d: Buffer): void {
    if (this.closed) return;
    this.lastSeen = Date.now();
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
        if (i >= 5) {
          this.protocolFailure(RC.malformed, 'malformed remaining length');
          return;
        }
        return; // header incomplete
      }
      const total = i + len;
      if (total > this.broker.options.maxPacketSize) {
        this.protocolFailure(
          RC.packetTooLarge,
          `packet of ${total} bytes is over the ${this.broker.options.maxPacketSize}-byte limit`,
        );
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

  private protocolFailure(code: number, why: string): void {
    this.broker.emit({ event: 'log', level: 'warning', message: `${this.who()}: ${why}; closing the connection` });
    this.close(this.session ? code : undefined, why);
  }

  private who(): string {
    return this.clientId
      ? `client '${this.clientId}' (port ${this.transport.port})`
      : `${this.transport.remote} (port ${this.transport.port})`;
  }

  private onPacket(p: Packet): void {
    if (this.closed) return;
    if (this.connecting) {
      this.pending.push(p);
      return;
    }
    try {
      this.dispatch(p);
    } catch (e) {
      this.broker.emit({
        event: 'log',
        level: 'error',
        message: `${this.who()}: internal error on ${p.cmd}: ${(e as Error).message}`,
      });
      this.close(RC.unspecified, 'internal error');
    }
  }

  private dispatch(p: Packet): void {
    if (!this.session) {
      if (p.cmd !== 'connect') {
        this.close(undefined, `${p.cmd} before CONNECT`);
        return;
      }
      void this.onConnect(p);
      return;
    }
    switch (p.cmd) {
      case 'publish':
        this.onPublish(p);
        break;
      case 'puback':
        this.broker.acked(this.session, p.messageId, 'puback');
        break;
      case 'pubrec':
        if (this.broker.acked(this.session, p.messageId, 'pubrec', p.reasonCode) && (p.reasonCode ?? 0) < 0x80)
          this.send({ cmd: 'pubrel', messageId: p.messageId });
        else if ((p.reasonCode ?? 0) < 0x80)
          this.send({ cmd: 'pubrel', messageId: p.messageId, reasonCode: RC.packetIdNotFound });
        break;
      case 'pubcomp':
        this.broker.acked(this.session, p.messageId, 'pubcomp');
        break;
      case 'pubrel': {
        const known = this.session.incomingQos2.delete(p.messageId);
        this.send(
          this.version === 5 && !known
            ? { cmd: 'pubcomp', messageId: p.messageId, reasonCode: RC.packetIdNotFound }
            : { cmd: 'pubcomp', messageId: p.messageId },
        );
        break;
      }
      case 'subscribe':
        this.onSubscribe(p);
        break;
      case 'unsubscribe':
        this.onUnsubscribe(p);
        break;
      case 'pingreq':
        this.send({ cmd: 'pingresp' });
        break;
      case 'disconnect':
        this.onDisconnect(p);
        break;
      case 'auth':
        void this.onAuth(p);
        break;
      case 'connect':
        this.protocolFailure(RC.protocolError, 'second CONNECT');
        break;
      default:
        this.protocolFailure(RC.protocolError, `unexpected ${p.cmd} from a client`);
    }
  }

  // ---- CONNECT ---------------------------------------------------------------------------------------------------

  private async onConnect(p: Packet): Promise<void> {
    this.connecting = true;
    this.version = p.protocolVersion;
    const v5 = this.version === 5;
    const props = p.properties ?? {};
    let clientId: string = p.clientId ?? '';
    let assigned: string | undefined;
    if (!clientId) {
      if (!v5 && !p.clean) {
        this.refuse(2, RC.clientIdNotValid, 'empty client id with a persistent session');
        return;
      }
      clientId = assigned = `brokerkit-${randomBytes(6).toString('hex')}`;
    }
    this.clientId = clientId;
    if (p.will && !validTopicName(p.will.topic)) {
      this.refuse(2, RC.topicNameInvalid, `invalid will topic '${p.will.topic}'`);
      return;
    }
    if (v5 && props.authenticationData && !props.authenticationMethod) {
      this.refuse(2, RC.protocolError, 'authentication data without a method');
      return;
    }

    let result: AuthResult = { ok: true, principal: { clientId, username: p.username, attributes: {} } };
    if (this.policy.authenticate) {
      try {
        result = await this.policy.authenticate({
          clientId,
          username: p.username,
          password: p.password,
          version: this.version,
          authMethod: v5 ? props.authenticationMethod : undefined,
          authData: v5 ? props.authenticationData : undefined,
          transport: this.transport,
        });
      } catch (e) {
        result = { ok: false, reason: 'not-authorized', message: `authentication failed: ${(e as Error).message}` };
      }
    }
    if (this.closed) return;
    if (!result.ok) {
      const rc =
        result.reason === 'bad-auth-method'
          ? RC.badAuthMethod
          : result.reason === 'bad-credentials'
            ? RC.badCredentials
            : RC.notAuthorized;
      this.refuse(result.reason === 'bad-credentials' ? 4 : 5, rc, result.message);
      return;
    }
    const principal = { ...result.principal, clientId };
    if (this.policy.authorizeConnect && !this.policy.authorizeConnect(principal, this.transport)) {
      this.refuse(5, RC.notAuthorized, 'not authorized to connect');
      return;
    }
    this.principal = principal;
    this.authMethod = result.ok ? result.authMethod : undefined;

    const cleanStart = !!p.clean;
    const expiry = v5 ? (props.sessionExpiryInterval ?? 0) : cleanStart ? 0 : NEVER;
    this.connectExpiry = expiry;
    const { session, present } = this.broker.attach(this, clientId, cleanStart, expiry);
    this.session = session;
    if (v5) {
      if (props.receiveMaximum) this.clientReceiveMax = props.receiveMaximum;
      if (props.maximumPacketSize) this.clientMaxPacket = props.maximumPacketSize;
    }
    if (p.will) {
      const wp = p.will.properties ?? {};
      session.will = this.toMessage(
        p.will.topic,
        p.will.payload ?? Buffer.alloc(0),
        p.will.qos ?? 0,
        !!p.will.retain,
        v5 ? wp : undefined,
      );
      if (v5 && wp.willDelayInterval) (session.will.props ??= {}).willDelayInterval = wp.willDelayInterval;
    }
    this.keepalive = p.keepalive ?? 0;
    clearTimeout(this.kaTimer);
    if (this.keepalive > 0) this.armKeepalive();

    const connack: Packet = { cmd: 'connack', sessionPresent: present };
    if (v5) {
      connack.reasonCode = 0;
      const cp: Record<string, unknown> = {
        topicAliasMaximum: this.broker.options.topicAliasMaximum,
        maximumPacketSize: this.broker.options.maxPacketSize,
      };
      if (assigned) cp.assignedClientIdentifier = assigned;
      if (session.expiry !== expiry) cp.sessionExpiryInterval = session.expiry;
      if (this.authMethod) cp.authenticationMethod = this.authMethod;
      if (props.requestResponseInformation) cp.responseInformation = `responses/${clientId}`;
      connack.properties = cp;
    } else connack.returnCode = 0;
    this.send(connack);
    this.ready = true;
    this.connecting = false;
    this.broker.emit({
      event: 'client-connected',
      clientId,
      port: this.transport.port,
      version: this.version,
      username: p.username,
      sessionPresent: present,
      remote: this.transport.remote,
    });
    if (result.note) this.broker.emit({ event: 'log', level: 'info', message: `${this.who()}: ${result.note}` });
    if (present) this.broker.resume(session);
    const queued = this.pending;
    this.pending = [];
    for (const q of queued) this.onPacket(q);
  }

  private refuse(v3code: number, v5code: number, why: string): void {
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

  private armKeepalive(): void {
    const limit = this.keepalive * 1500;
    const check = () => {
      const idle = Date.now() - this.lastSeen;
      if (idle >= limit) this.close(RC.keepAliveTimeout, 'keep alive timeout');
      else this.kaTimer = setTimeout(check, limit - idle + 5);
    };
    this.kaTimer = setTimeout(check, limit);
  }

  // ---- PUBLISH ---------------------------------------------------------------------------------------------------

  private toMessage(
    topic: string,
    payload: Buffer | string,
    qos: number,
    retain: boolean,
    props?: Record<string, any>,
  ): Message {
    const m: Message = {
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos,
      retain,
      from: this.clientId,
    };
    if (props) {
      const keep: Record<string, unknown> = {};
      let any = false;
      for (const k of [
        'payloadFormatIndicator',
        'contentType',
        'responseTopic',
        'correlationData',
        'userProperties',
      ] as const) {
        if (props[k] !== undefined) {
          keep[k] = props[k];
          any = true;
        }
      }
      if (props.messageExpiryInterval !== undefined)
        m.expiresAt = this.broker.options.now() + props.messageExpiryInterval * 1000;
      if (any) m.props = keep;
    }
    return m;
  }

  private onPublish(p: Packet): void {
    const v5 = this.version === 5;
    let topic: string = p.topic;
    const props = p.properties;
    // Topic aliases (MQTT 5 §3.3.2.3.4): an alias with a topic sets it, an alias with an empty topic uses it.
    if (v5 && props?.topicAlias !== undefined) {
      const a = props.topicAlias;
      if (a === 0 || a > this.broker.options.topicAliasMaximum) {
        this.protocolFailure(RC.topicAliasInvalid, `topic alias ${a} out of range`);
        return;
      }
      if (topic) this.aliases.set(a, topic);
      else {
        const t = this.aliases.get(a);
        if (t === undefined) {
          this.protocolFailure(RC.protocolError, `unknown topic alias ${a}`);
          return;
        }
        topic = t;
      }
    }
    if (!validTopicName(topic)) {
      this.protocolFailure(RC.topicNameInvalid, `invalid topic name '${topic}'`);
      return;
    }
    const qos = p.qos ?? 0;
    if (qos === 2 && this.session!.incomingQos2.has(p.messageId)) {
      this.send({ cmd: 'pubrec', messageId: p.messageId });
      return;
    } // duplicate

    const allowed =
      !this.policy.authorizePublish || this.policy.authorizePublish(this.principal!, topic, this.transport);
    if (!allowed) {
      // MQTT 5 gets reason code 135; MQTT 3.1.1 a plain acknowledgement. The message is dropped.
      if (qos === 1)
        this.send(
          v5
            ? { cmd: 'puback', messageId: p.messageId, reasonCode: RC.notAuthorized }
            : { cmd: 'puback', messageId: p.messageId },
        );
      else if (qos === 2) {
        if (v5) this.send({ cmd: 'pubrec', messageId: p.messageId, reasonCode: RC.notAuthorized });
        else {
          this.session!.incomingQos2.add(p.messageId);
          this.send({ cmd: 'pubrec', messageId: p.messageId });
        }
      }
      return;
    }
    const m = this.toMessage(topic, p.payload, qos, !!p.retain, v5 ? props : undefined);
    this.broker.emit({
      event: 'publish',
      clientId: this.clientId,
      port: this.transport.port,
      topic,
      qos,
      retain: m.retain,
      bytes: m.payload.length,
    });
    this.broker.publish(m);
    if (qos === 1) this.send({ cmd: 'puback', messageId: p.messageId });
    else if (qos === 2) {
      this.session!.incomingQos2.add(p.messageId);
      this.send({ cmd: 'pubrec', messageId: p.messageId });
    }
  }

  /** Sends a PUBLISH to this client; false when it was dropped (expired, or over the client's maximum packet size). */
  sendPublish(
    m: Message,
    qos: number,
    id: number,
    retain: boolean,
    subIds: number[] | undefined,
    dup: boolean,
  ): boolean {
    if (!this.ready || this.closed) return qos === 0 ? false : true;
    const pk: Packet = { cmd: 'publish', topic: m.topic, payload: m.payload, qos, retain, dup };
    if (qos > 0) pk.messageId = id;
    if (this.version === 5) {
      let props: Record<string, unknown> | undefined = m.props ? { ...m.props } : undefined;
      if (m.expiresAt !== undefined) {
        const left = Math.ceil((m.expiresAt - this.broker.options.now()) / 1000);
        if (left <= 0) return false; // MQTT 5 §3.3.2.3.3: expired messages are not sent
        (props ??= {}).messageExpiryInterval = left;
      }
      if (subIds?.length) (props ??= {}).subscriptionIdentifier = subIds.length === 1 ? subIds[0] : subIds;
      if (props) pk.properties = props;
    } else if (m.expiresAt !== undefined && m.expiresAt <= this.broker.options.now()) return false;
    const buf = this.encode(pk);
    if (!buf) return false;
    if (buf.length > this.clientMaxPacket) return false;
    this.write(buf);
    return true;
  }

  // ---- SUBSCRIBE / UNSUBSCRIBE -----------------------------------------------------------------------------------

  private onSubscribe(p: Packet): void {
    const v5 = this.version === 5;
    const subId: number | undefined = v5 ? p.properties?.subscriptionIdentifier : undefined;
    const granted: number[] = [];
    const fresh: { sub: Sub; isNew: boolean }[] = [];
    for (const s of p.subscriptions as Packet[]) {
      const filter: string = s.topic;
      const share = parseShare(filter);
      if (share === null || (share === undefined && !validFilter(filter))) {
        granted.push(v5 ? RC.topicFilterInvalid : 0x80);
        continue;
      }
      if (share && s.nl) {
        this.protocolFailure(RC.protocolError, 'No Local on a shared subscription');
        return;
      }
      if (this.policy.authorizeSubscribe && !this.policy.authorizeSubscribe(this.principal!, filter, this.transport)) {
        granted.push(v5 ? RC.notAuthorized : 0x80);
        continue;
      }
      const qos = Math.min(s.qos ?? 0, 2);
      const sub: Sub = {
        filter,
        levels: (share ? share.filter : filter).split('/'),
        qos,
        nl: !!s.nl,
        rap: !!s.rap,
        rh: s.rh ?? 0,
        id: subId,
        share: share?.group,
      };
      const isNew = this.broker.subscribe(this.session!, sub);
      granted.push(qos);
      fresh.push({ sub, isNew });
      this.broker.emit({
        event: 'subscribe',
        clientId: this.clientId,
        port: this.transport.port,
        filter,
        granted: qos,
      });
    }
    this.send({ cmd: 'suback', messageId: p.messageId, granted });
    for (const { sub, isNew } of fresh) {
      // Retained messages: not for shared subscriptions (MQTT 5 §4.8.2); Retain Handling 1 = only for new ones, 2 = never.
      if (sub.share !== undefined || sub.rh === 2 || (sub.rh === 1 && !isNew)) continue;
      this.broker.sendRetained(this.session!, sub);
    }
  }

  private onUnsubscribe(p: Packet): void {
    const codes = (p.unsubscriptions as string[]).map((f) =>
      this.broker.unsubscribe(this.session!, f) ? RC.success : RC.noSubscriptionExisted,
    );
    this.send(
      this.version === 5
        ? { cmd: 'unsuback', messageId: p.messageId, granted: codes }
        : { cmd: 'unsuback', messageId: p.messageId },
    );
  }

  // ---- DISCONNECT / AUTH -----------------------------------------------------------------------------------------

  private onDisconnect(p: Packet): void {
    const v5 = this.version === 5;
    const newExpiry = v5 ? p.properties?.sessionExpiryInterval : undefined;
    if (newExpiry !== undefined) {
      if (this.connectExpiry === 0 && newExpiry !== 0) {
        this.protocolFailure(RC.protocolError, 'session expiry set on DISCONNECT after 0 on CONNECT');
        return;
      }
      this.session!.expiry = Math.min(newExpiry, this.broker.options.maxSessionExpiry);
    }
    // MQTT 5 §3.14.2.1: reason 0x04 asks for the will to be published; any other normal DISCONNECT discards it.
    this.cleanDisconnect = !(v5 && p.reasonCode === RC.disconnectWithWill);
    this.close(undefined, 'client disconnected');
  }

  /** MQTT 5 re-authentication (AUTH with reason 0x19) with the same method as the CONNECT. */
  private async onAuth(p: Packet): Promise<void> {
    const props = p.properties ?? {};
    if (
      this.version !== 5 ||
      !this.authMethod ||
      props.authenticationMethod !== this.authMethod ||
      p.reasonCode !== RC.reauthenticate ||
      !this.policy.authenticate
    ) {
      this.protocolFailure(RC.protocolError, 'AUTH not expected here');
      return;
    }
    let r: AuthResult;
    try {
      r = await this.policy.authenticate({
        clientId: this.clientId,
        username: this.principal?.username,
        version: 5,
        authMethod: props.authenticationMethod,
        authData: props.authenticationData,
        transport: this.transport,
      });
    } catch (e) {
      r = { ok: false, reason: 'not-authorized', message: (e as Error).message };
    }
    if (this.closed) return;
    if (!r.ok) {
      this.broker.emit({
        event: 'log',
        level: 'warning',
        message: `${this.who()}: re-authentication refused: ${r.message}`,
      });
      this.close(RC.notAuthorized, 're-authentication refused');
      return;
    }
    this.principal = { ...r.principal, clientId: this.clientId };
    this.send({ cmd: 'auth', reasonCode: RC.success, properties: { authenticationMethod: this.authMethod } });
    this.broker.emit({
      event: 'log',
      level: 'info',
      message: `${this.who()}: re-authenticated${r.note ? ` (${r.note})` : ''}`,
    });
  }

  // ---- output ----------------------------------------------------------------------------------------------------

  private encode(p: Packet, version = this.version): Buffer | undefined {
    try {
      return mqttPacket.generate(p, { protocolVersion: version });
    } catch (e) {
      this.broker.emit({
        event: 'log',
        level: 'error',
        message: `${this.who()}: cannot encode ${p.cmd}: ${(e as Error).message}`,
      });
      return undefined;
    }
  }

  send(p: Packet, version = this.version): void {
    if (this.closed) return;
    const b = this.encode(p, version);
    if (b) this.write(b);
  }

  /** Packets written in one tick leave in one write (one TLS record / WebSocket frame where possible). */
  private write(b: Buffer): void {
    this.out.push(b);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0 || this.stream.destroyed) {
      this.out = [];
      return;
    }
    const data = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    this.stream.write(data);
  }

  /** Ends the connection; with a reason code, an MQTT 5 client is told why (DISCONNECT). */
  close(reasonCode: number | undefined, why: string): void {
    if (this.closed) return;
    if (reasonCode !== undefined && this.version === 5 && this.ready) this.send({ cmd: 'disconnect', reasonCode });
    this.flush();
    this.closed = true;
    clearTimeout(this.kaTimer);
    this.stream.end();
    const s = this.stream;
    setTimeout(() => s.destroy(), 2000).unref();
    this.finish(why);
  }

  private onClose(why: string): void {
    if (!this.closed) {
      this.closed = true;
      clearTimeout(this.kaTimer);
    }
    this.finish(why);
  }

  private finished = false;
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

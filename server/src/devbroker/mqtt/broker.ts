// The dev broker's MQTT engine: MQTT 3.1.1 and 5 over any byte stream (TCP, TLS, WebSockets). The wire format is
// mqtt-packet's (the codec MQTT.js and aedes use); sessions, routing, QoS flows, retained messages, wills, session and
// message expiry, topic aliases, shared subscriptions, enhanced authentication and authorization hooks are ours.
// Shaped like aedes: connection.ts frames and dispatches, handlers/ has one handler per packet type, output.ts is the
// one output path (backpressure); this file owns what is shared between clients: sessions, the subscription and
// retained tries, routing, and every per-client bound. Why not aedes itself: README.md "Dev broker engine".
import type { Duplex } from 'node:stream';
import type { QoS } from 'mqtt-packet';
import { systemClock } from './clock';
import { Connection } from './connection';
import type { ClientContext } from './client';
import type { BrokerContext } from './context';
import { RetainedStore, SubscriptionIndex, type ShareGroup } from './topic-tree';
import { Session, type Outgoing, type Subscription } from './session';
import {
  messageCost,
  type BrokerEvent,
  type BrokerOptions,
  type Message,
  type PortPolicy,
  type TransportInfo,
} from './types';

export * from './types';
export type { Clock, TimerHandle } from './clock';
export { systemClock } from './clock';

const MiB = 1024 * 1024;

export const defaultOptions: BrokerOptions = {
  maxPacketSize: MiB,
  // mosquitto's default (max_topic_alias 10). A client sizes its alias table by what the CONNACK offers: MQTT.js
  // allocates a 65535-entry cache per connection for 65535 (about 1.4 MiB and 1.7 ms of CPU for each client).
  topicAliasMaximum: 10,
  inflightWindow: 20,
  maxQueuedMessages: 50000,
  maxQueuedBytes: 16 * MiB,
  outputSoftLimit: 2 * MiB,
  stallTimeoutMs: 60000,
  maxRetainedMessages: 100000,
  maxRetainedBytes: 256 * MiB,
  maxSubscriptionsPerClient: 10000,
  maxSubscriptionBytesPerClient: MiB,
  maxSessionExpiry: 0xffffffff,
  clock: systemClock,
};
const NEVER = 0xffffffff;

/** What one client holds in the broker (for tests and the log). */
export interface ClientStats {
  clientId: string;
  connected: boolean;
  subscriptions: number;
  inflight: number;
  queuedMessages: number;
  queuedBytes: number;
  outputBytes: number;
}

export class Broker implements BrokerContext {
  readonly options: BrokerOptions;
  private sessions = new Map<string, Session>();
  private readonly retained = new RetainedStore();
  private readonly index = new SubscriptionIndex();
  private conns = new Set<Connection>();
  private retainedFull = false;

  constructor(options: Partial<BrokerOptions> = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...defaultOptions, ...given };
  }

  emit(e: BrokerEvent): void {
    try {
      this.options.onEvent?.(e);
    } catch {
      /* a logger must not break the broker */
    }
  }

  log(level: 'info' | 'warning' | 'error', message: string): void {
    this.emit({ event: 'log', level, message });
  }

  /** Serves one client connection on `stream` with the port's policy. */
  handle(stream: Duplex, transport: TransportInfo, policy: PortPolicy): void {
    const c = new Connection(this, stream, transport, policy);
    this.conns.add(c);
    stream.once('close', () => this.conns.delete(c));
  }

  /** Closes every client connection (MQTT 5 clients get DISCONNECT 0x8B Server shutting down). */
  closeAll(): void {
    for (const c of [...this.conns]) c.close(0x8b, 'broker stopped');
    const clock = this.options.clock;
    for (const s of this.sessions.values()) {
      clock.clearTimeout(s.expiryTimer);
      clock.clearTimeout(s.willTimer);
    }
  }

  get clientCount(): number {
    return this.conns.size;
  }

  get retainedCount(): number {
    return this.retained.count;
  }

  stats(clientId: string): ClientStats | undefined {
    const s = this.sessions.get(clientId);
    if (!s) return undefined;
    return {
      clientId,
      connected: !!s.conn,
      subscriptions: s.subs.size,
      inflight: s.inflight.size,
      queuedMessages: s.queue.length,
      queuedBytes: s.queuedBytes,
      outputBytes: s.conn ? s.conn.output.buffered : 0,
    };
  }

  // ---- sessions --------------------------------------------------------------------------------------------------

  /** Attaches a connection to its session: takes over a live one, resumes or starts fresh. */
  attach(
    conn: ClientContext,
    clientId: string,
    cleanStart: boolean,
    expiry: number,
  ): { session: Session; present: boolean } {
    const clock = this.options.clock;
    let s = this.sessions.get(clientId);
    if (s?.conn) {
      const old = s.conn;
      old.takenOver = true;
      old.close(0x8e, 'session taken over by a new connection');
      s = this.sessions.get(clientId); // the old connection's end may have ended a session without expiry
    }
    if (s) {
      clock.clearTimeout(s.expiryTimer);
      s.expiryTimer = undefined;
      if (s.willTimer) {
        clock.clearTimeout(s.willTimer); // reconnected in time: no will
        s.willTimer = undefined;
        s.will = undefined;
      }
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
  detach(s: Session, conn: ClientContext, sendWill: boolean): void {
    if (s.conn !== conn) return;
    const clock = this.options.clock;
    s.conn = undefined;
    s.retainedBacklog = [];
    const will = sendWill ? s.will : undefined;
    s.will = undefined;
    if (will) {
      const delay = Math.min(will.willDelay ?? 0, s.expiry);
      will.willDelay = undefined;
      if (delay > 0) {
        s.will = will;
        s.willTimer = clock.setTimeout(() => {
          s.willTimer = undefined;
          s.will = undefined;
          this.publish(will);
        }, delay * 1000);
      } else this.publish(will);
    }
    if (s.expiry === 0) this.endSession(s);
    else if (s.expiry !== NEVER) s.expiryTimer = clock.setTimeout(() => this.endSession(s), s.expiry * 1000);
  }

  private endSession(s: Session): void {
    if (s.conn) return;
    if (s.expiry > 0) this.log('info', `session of '${s.clientId}' expired after ${s.expiry} s`);
    if (s.willTimer) {
      this.options.clock.clearTimeout(s.willTimer);
      s.willTimer = undefined;
      const w = s.will;
      s.will = undefined;
      if (w) this.publish(w);
    }
    this.dropSession(s);
  }

  private dropSession(s: Session): void {
    this.options.clock.clearTimeout(s.expiryTimer);
    for (const key of [...s.subs.keys()]) this.unsubscribe(s, key);
    s.queue.clear();
    s.queuedBytes = 0;
    if (this.sessions.get(s.clientId) === s) this.sessions.delete(s.clientId);
  }

  // ---- subscriptions ---------------------------------------------------------------------------------------------

  /** Why one more subscription to `filter` would be over this client's caps, or undefined. */
  subscriptionQuota(s: Session, filter: string): string | undefined {
    if (s.subs.has(filter)) return undefined; // a replacement
    const o = this.options;
    if (s.subs.size >= o.maxSubscriptionsPerClient)
      return `the client holds ${s.subs.size} subscriptions, the most one client may hold`;
    if (s.subsBytes + filter.length > o.maxSubscriptionBytesPerClient)
      return `its filters would take more than ${o.maxSubscriptionBytesPerClient} bytes`;
    return undefined;
  }

  /** Adds or replaces a subscription; returns true when it did not exist before. */
  subscribe(s: Session, sub: Subscription): boolean {
    const old = s.subs.get(sub.filter);
    if (old) {
      this.index.remove(old);
      s.subsBytes -= old.filter.length;
    }
    s.subs.set(sub.filter, sub);
    s.subsBytes += sub.filter.length;
    this.index.add(sub);
    return !old;
  }

  unsubscribe(s: Session, filter: string): boolean {
    const sub = s.subs.get(filter);
    if (!sub) return false;
    s.subs.delete(filter);
    s.subsBytes -= filter.length;
    this.index.remove(sub);
    return true;
  }

  /** The retained messages a new subscription matches, sent as the client drains (pump). */
  queueRetained(s: Session, sub: Subscription): void {
    const topics = this.retained.topics(sub.levels);
    if (topics.length === 0) return;
    s.retainedBacklog.push({ sub, topics, next: 0 });
    this.pump(s);
  }

  // ---- routing ---------------------------------------------------------------------------------------------------

  publish(m: Message): void {
    if (m.retain) this.retain(m);
    let targets: Map<Session, { qos: QoS; retain: boolean; ids?: number[] }> | undefined;
    let groups: ShareGroup[] | undefined;
    this.index.match(
      m.topic,
      (sub) => {
        const s = sub.session;
        if (sub.nl && s.clientId === m.from) return;
        targets ??= new Map();
        const t = targets.get(s);
        const retain = sub.rap ? m.retain : false;
        if (!t) targets.set(s, { qos: sub.qos, retain, ids: sub.id === undefined ? undefined : [sub.id] });
        else {
          if (sub.qos > t.qos) t.qos = sub.qos;
          t.retain ||= retain;
          if (sub.id !== undefined) (t.ids ??= []).push(sub.id);
        }
      },
      (g) => (groups ??= []).push(g),
    );
    if (targets) for (const [s, t] of targets) this.deliver(s, m, t.qos, t.retain, t.ids);
    if (groups) for (const g of groups) this.deliverShared(g, m);
  }

  private retain(m: Message): void {
    if (m.payload.length === 0) {
      this.retained.delete(m.topic);
      if (this.retainedFull && this.retained.count < this.options.maxRetainedMessages) this.retainedFull = false;
      return;
    }
    const o = this.options;
    const old = this.retained.get(m.topic);
    const count = this.retained.count + (old ? 0 : 1);
    const bytes = this.retained.bytes - (old ? RetainedStore.cost(old) : 0) + RetainedStore.cost(m);
    if (count > o.maxRetainedMessages || bytes > o.maxRetainedBytes) {
      if (!this.retainedFull)
        this.log(
          'warning',
          `retained messages: the broker holds ${this.retained.count} (${this.retained.bytes} bytes), the most it keeps ` +
            `(${o.maxRetainedMessages} messages, ${o.maxRetainedBytes} bytes); '${m.topic}' from '${m.from}' is delivered but not retained`,
        );
      this.retainedFull = true;
      return;
    }
    this.retainedFull = false;
    this.retained.set(m);
  }

  /** One member of a share group gets the message: round-robin, preferring one that is connected and keeping up. */
  private deliverShared(g: ShareGroup, m: Message): void {
    const n = g.members.length;
    if (n === 0) return;
    let pick: Subscription | undefined;
    let fallback: Subscription | undefined;
    for (let i = 0; i < n; i++) {
      const cand = g.members[(g.next + i) % n];
      const c = cand.session.conn;
      if (c?.ready && !c.output.congested) {
        pick = cand;
        g.next = (g.next + i + 1) % n;
        break;
      }
      if (c && !fallback) fallback = cand;
    }
    if (!pick) {
      pick = fallback ?? g.members[g.next % n];
      g.next = (g.next + 1) % n;
    }
    this.deliver(pick.session, m, pick.qos, false, pick.id === undefined ? undefined : [pick.id]);
  }

  private deliver(s: Session, m: Message, subQos: QoS, retain: boolean, subIds?: number[]): void {
    const qos = Math.min(m.qos, subQos) as QoS;
    const c = s.conn?.ready ? s.conn : undefined;
    if (qos === 0) {
      if (!c) return; // QoS 0 is not kept for offline sessions
      if (c.output.congested) {
        if (s.droppedQos0++ === 0)
          this.log(
            'warning',
            `${c.who()}: not reading fast enough (${c.output.buffered} bytes waiting); dropping QoS 0 messages for it`,
          );
        return;
      }
      c.sendPublish(m, 0, 0, retain, subIds, false);
      return;
    }
    const o: Outgoing = { msg: m, qos, retain, subIds, state: 'pub', id: 0 };
    if (c && s.queue.length === 0 && s.inflight.size < c.window && !c.output.congested) {
      this.sendOutgoing(s, c, o);
      return;
    }
    const opt = this.options;
    if (s.queue.length >= opt.maxQueuedMessages || s.queuedBytes + messageCost(m) > opt.maxQueuedBytes) {
      if (s.droppedFull++ === 0)
        this.log(
          'warning',
          `client '${s.clientId}': ${s.queue.length} messages (${s.queuedBytes} bytes) wait for it, the most one ` +
            `session may hold (${opt.maxQueuedMessages} messages, ${opt.maxQueuedBytes} bytes); dropping new QoS ${qos} messages for it`,
        );
      return;
    }
    s.enqueue(o);
    if (c && s.inflight.size >= c.window) c.watchAcks();
  }

  private sendOutgoing(s: Session, c: ClientContext, o: Outgoing): boolean {
    o.id = s.nextId();
    if (o.id === 0) {
      s.requeueFront(o);
      return false;
    }
    if (!c.sendPublish(o.msg, o.qos, o.id, o.retain, o.subIds, false)) return true; // expired or too large: dropped
    s.inflight.set(o.id, o);
    return true;
  }

  /**
   * Sends what waits for a session as far as its in-flight window and its socket allow: first the queue, then the
   * retained messages of new subscriptions. Called when a slot frees (an acknowledgement) or the socket drains.
   */
  pump(s: Session): void {
    const c = s.conn;
    if (!c || !c.ready || c.closed) return;
    while (s.queue.length && s.inflight.size < c.window && !c.output.congested) {
      if (!this.sendOutgoing(s, c, s.dequeue()!)) break;
    }
    if (s.queue.length === 0 && s.droppedFull) {
      this.log('info', `${c.who()}: its queue is empty again; ${s.droppedFull} messages were dropped for it`);
      s.droppedFull = 0;
    }
    if (!c.output.congested && s.droppedQos0) {
      this.log('info', `${c.who()}: reading again; ${s.droppedQos0} QoS 0 messages were dropped for it`);
      s.droppedQos0 = 0;
    }
    const now = this.options.clock.now();
    while (s.retainedBacklog.length && s.queue.length === 0 && !c.output.congested) {
      const b = s.retainedBacklog[0];
      if (b.next >= b.topics.length) {
        s.retainedBacklog.shift();
        continue;
      }
      const topic = b.topics[b.next++];
      const m = this.retained.get(topic);
      if (!m) continue;
      if (m.expiresAt !== undefined && m.expiresAt <= now) {
        this.retained.delete(topic);
        continue;
      }
      this.deliver(s, m, b.sub.qos, true, b.sub.id === undefined ? undefined : [b.sub.id]);
    }
  }

  /** After a reconnect: resend unacknowledged messages (DUP set) and PUBRELs, then what waits. */
  resume(s: Session): void {
    const c = s.conn!;
    for (const o of s.inflight.values()) {
      if (o.state === 'pub') c.sendPublish(o.msg, o.qos, o.id, o.retain, o.subIds, true);
      else c.send({ cmd: 'pubrel', messageId: o.id });
    }
    this.pump(s);
  }

  acked(s: Session, id: number, kind: 'puback' | 'pubrec' | 'pubcomp', reasonCode?: number): boolean {
    const o = s.inflight.get(id);
    s.conn?.noteAck();
    if (!o) return false;
    if (kind === 'pubrec' && (reasonCode === undefined || reasonCode < 0x80)) {
      o.state = 'rel';
      return true;
    }
    s.inflight.delete(id);
    this.pump(s);
    return true;
  }
}

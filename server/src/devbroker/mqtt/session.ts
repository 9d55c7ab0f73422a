// A session: what the broker keeps for one client id across connections (MQTT 5 §4.1): subscriptions, messages in
// flight and waiting, QoS 2 packet ids received, the will and the timers of expiry and will delay.
import type { QoS } from 'mqtt-packet';
import type { TimerHandle } from './clock';
import { messageCost, type Message } from './types';
import type { ClientContext } from './client';

/** One subscription, plain or shared: `filter` is what the client subscribed to, `topicFilter` what it matches. */
export interface Subscription {
  session: Session;
  filter: string;
  topicFilter: string;
  levels: string[];
  /** The share group of a `$share/<group>/<filter>` subscription. */
  share?: string;
  qos: QoS;
  /** No Local, Retain As Published, Retain Handling, Subscription Identifier (MQTT 5 §3.8.3.1). */
  nl: boolean;
  rap: boolean;
  rh: number;
  id?: number;
}

export interface Outgoing {
  msg: Message;
  qos: QoS;
  retain: boolean;
  subIds?: number[];
  state: 'pub' | 'rel';
  id: number;
}

/** A first-in first-out queue that does not copy the array on every shift. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  unshift(x: T): void {
    if (this.head > 0) this.items[--this.head] = x;
    else this.items.unshift(x);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Retained messages still to be sent for a new subscription, as the client's socket drains. */
export interface RetainedBacklog {
  sub: Subscription;
  topics: string[];
  next: number;
}

export class Session {
  subs = new Map<string, Subscription>();
  subsBytes = 0;
  inflight = new Map<number, Outgoing>();
  queue = new Fifo<Outgoing>();
  queuedBytes = 0;
  incomingQos2 = new Set<number>();
  retainedBacklog: RetainedBacklog[] = [];
  conn: ClientContext | undefined;
  expiry = 0;
  expiryTimer: TimerHandle | undefined;
  will: Message | undefined;
  willTimer: TimerHandle | undefined;
  /** Messages dropped since the last report (a full queue, or QoS 0 for a client that is not reading). */
  droppedFull = 0;
  droppedQos0 = 0;
  private lastId = 0;

  constructor(readonly clientId: string) {}

  nextId(): number {
    for (let n = 0; n < 65536; n++) {
      this.lastId = (this.lastId % 65535) + 1;
      if (!this.inflight.has(this.lastId)) return this.lastId;
    }
    return 0;
  }

  enqueue(o: Outgoing): void {
    this.queue.push(o);
    this.queuedBytes += messageCost(o.msg);
  }

  dequeue(): Outgoing | undefined {
    const o = this.queue.shift();
    if (o) this.queuedBytes -= messageCost(o.msg);
    return o;
  }

  requeueFront(o: Outgoing): void {
    this.queue.unshift(o);
    this.queuedBytes += messageCost(o.msg);
  }
}

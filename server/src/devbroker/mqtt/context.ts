// What a packet handler (handlers/) gets, as aedes' handlers get the client: the connection with its session, policy
// and transport, and the broker by the operations handlers and connections use. Connection implements HandlerContext
// and Broker implements BrokerContext; handlers import only this file, so no handler imports the connection or the
// broker (no import cycle).
import type { ClientContext } from './client';
import type { Session, Subscription } from './session';
import type { BrokerEvent, BrokerOptions, Message, PortPolicy, Principal, TransportInfo } from './types';

export interface BrokerContext {
  readonly options: BrokerOptions;
  emit(e: BrokerEvent): void;
  log(level: 'info' | 'warning' | 'error', message: string): void;
  /** Attaches a connection to its session: takes over a live one, resumes or starts fresh. */
  attach(
    conn: ClientContext,
    clientId: string,
    cleanStart: boolean,
    expiry: number,
  ): { session: Session; present: boolean };
  /** A connection ended: publish the will (now or after its delay) and expire the session when due. */
  detach(s: Session, conn: ClientContext, sendWill: boolean): void;
  publish(m: Message): void;
  /** An acknowledgement from the client; false when the packet id is not in flight. */
  acked(s: Session, id: number, kind: 'puback' | 'pubrec' | 'pubcomp', reasonCode?: number): boolean;
  /** Why one more subscription to `filter` would be over this client's caps, or undefined. */
  subscriptionQuota(s: Session, filter: string): string | undefined;
  /** Adds or replaces a subscription; true when it did not exist before. */
  subscribe(s: Session, sub: Subscription): boolean;
  unsubscribe(s: Session, filter: string): boolean;
  queueRetained(s: Session, sub: Subscription): void;
  /** After a reconnect: resend what is in flight, then what waits. */
  resume(s: Session): void;
  /** Sends what waits for a session as far as its window and socket allow. */
  pump(s: Session): void;
}

export interface HandlerContext extends ClientContext {
  readonly broker: BrokerContext;
  readonly policy: PortPolicy;
  readonly transport: TransportInfo;
  clientId: string;
  version: number;
  ready: boolean;
  /** The CONNECT (authentication) is being decided; packets that arrive meanwhile wait. */
  connecting: boolean;
  session: Session | undefined;
  principal: Principal | undefined;
  authMethod: string | undefined;
  window: number;
  clientMaxPacket: number;
  /** Topic aliases the client set (MQTT 5 §3.3.2.3.4). */
  readonly aliases: Map<number, string>;
  /** A DISCONNECT that discards the will (MQTT 5 §3.14.2.1). */
  cleanDisconnect: boolean;
  connectExpiry: number;
  /** CONNECT is decided: handle the packets that arrived meanwhile. */
  connected(): void;
  protocolFailure(code: number, why: string): void;
  /** Refuses a CONNECT: CONNACK with the code (3.1.1 return code or MQTT 5 reason code), then close. */
  refuse(v3code: number, v5code: number, why: string): void;
  /** MQTT 5 §3.1.2.10: a client silent for one and a half keep-alive periods is disconnected. */
  armKeepalive(seconds: number): void;
}

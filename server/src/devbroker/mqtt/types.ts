// The broker's public types: what a port decides (authentication, authorization), what the broker reports (events),
// its options and limits, and the MQTT 5 reason codes it uses.
import type { TLSSocket } from 'node:tls';
import type { QoS, UserProperties } from 'mqtt-packet';
import type { Clock } from './clock';

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
  tlsSocket?: TLSSocket;
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

/** Why a Publish is being authorized: a client's PUBLISH, or the will it sets on CONNECT (or keeps after AUTH). */
export interface PublishContext {
  will?: boolean;
}

/** What a port decides: authentication and authorization. Every method may be absent (= allow). */
export interface PortPolicy {
  authenticate?(req: ConnectRequest): Promise<AuthResult> | AuthResult;
  authorizeConnect?(p: Principal, transport: TransportInfo): boolean;
  authorizePublish?(p: Principal, topic: string, transport: TransportInfo, context?: PublishContext): boolean;
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
  /** QoS 1 and 2 messages sent to an MQTT 3.1.1 client and not yet acknowledged (mosquitto's max_inflight_messages). */
  inflightWindow: number;
  /** Messages and bytes waiting for one session (offline, or over its in-flight window) before new ones are dropped. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  /** Bytes waiting to be written to one client before its QoS 0 messages are dropped and its queue holds the rest. */
  outputSoftLimit: number;
  /** A client that reads nothing for this long while output waits for it is disconnected (ms). */
  stallTimeoutMs: number;
  /** Retained messages kept by the broker (all topics together). */
  maxRetainedMessages: number;
  maxRetainedBytes: number;
  /** Subscriptions one client may hold, and the bytes of their filters together. */
  maxSubscriptionsPerClient: number;
  maxSubscriptionBytesPerClient: number;
  /** Upper bound for session expiry, seconds. */
  maxSessionExpiry: number;
  onEvent?: (e: BrokerEvent) => void;
  /** Time for keep-alive, expiry and stall deadlines (tests pass their own). */
  clock: Clock;
}

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
  implementationSpecific: 0x83,
  unsupportedVersion: 0x84,
  clientIdNotValid: 0x85,
  badCredentials: 0x86,
  notAuthorized: 0x87,
  serverShuttingDown: 0x8b,
  badAuthMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicFilterInvalid: 0x8f,
  topicNameInvalid: 0x90,
  packetIdNotFound: 0x92,
  receiveMaximumExceeded: 0x93,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  quotaExceeded: 0x97,
  sharedNotSupported: 0x9e,
} as const;

/** MQTT 5 properties that travel with an application message (no alias, no subscription identifier). */
export interface MessageProps {
  payloadFormatIndicator?: boolean;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: UserProperties;
}

export interface Message {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  props?: MessageProps;
  /** Absolute expiry time (ms, on the broker's clock), from Message Expiry Interval. */
  expiresAt?: number;
  /** Will Delay Interval (seconds) of a will not yet published. */
  willDelay?: number;
  from: string;
}

/** What a queued or in-flight message costs a session's byte budget (payload, topic and bookkeeping). */
export function messageCost(m: Message): number {
  return m.payload.length + m.topic.length + 96;
}

// A connected client as the broker and its sessions see it: whether it may receive, its in-flight window, its one
// output path, and how to send to it or end it. connection.ts implements it; nothing here knows sessions or the broker,
// so a session can point at its client without an import cycle.
import type { Packet } from 'mqtt-packet';
import type { Output } from './output';
import type { Message } from './types';

export interface ClientContext {
  readonly clientId: string;
  /** CONNACK sent: application messages may flow. */
  readonly ready: boolean;
  readonly closed: boolean;
  /** Closed because a new connection with the same client id took its session. */
  takenOver: boolean;
  /** Receive Maximum the client gave (MQTT 5), or the broker's in-flight window for MQTT 3.1.1. */
  readonly window: number;
  readonly output: Output;
  /** How the log names this client. */
  who(): string;
  send(p: Packet, version?: number): void;
  /** Sends a PUBLISH; false when it was dropped (expired, or over the client's maximum packet size). */
  sendPublish(
    m: Message,
    qos: 0 | 1 | 2,
    id: number,
    retain: boolean,
    subIds: number[] | undefined,
    dup: boolean,
  ): boolean;
  /** The in-flight window is full: disconnect the client if it acknowledges nothing for the stall timeout. */
  watchAcks(): void;
  /** An acknowledgement (PUBACK, PUBREC, PUBCOMP) arrived. */
  noteAck(): void;
  /** Ends the connection; with a reason code, an MQTT 5 client is told why (DISCONNECT). */
  close(reasonCode: number | undefined, why: string, abort?: boolean): void;
}

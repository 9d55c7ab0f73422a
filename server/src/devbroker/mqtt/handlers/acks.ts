// PUBACK, PUBREC, PUBCOMP from a client (MQTT 5 §3.4-3.7): they free the in-flight slots of messages the broker sent,
// so the session's queue moves on. PUBREL from a client releases a QoS 2 message it sent.
import type { IPubackPacket, IPubcompPacket, IPubrecPacket, IPubrelPacket } from 'mqtt-packet';
import { RC } from '../types';
import type { HandlerContext } from '../context';

export function handlePuback(c: HandlerContext, p: IPubackPacket): void {
  c.broker.acked(c.session!, p.messageId!, 'puback');
}

export function handlePubrec(c: HandlerContext, p: IPubrecPacket): void {
  const failed = (p.reasonCode ?? 0) >= 0x80;
  const known = c.broker.acked(c.session!, p.messageId!, 'pubrec', p.reasonCode);
  if (failed) return;
  c.send(
    known || c.version !== 5
      ? { cmd: 'pubrel', messageId: p.messageId }
      : { cmd: 'pubrel', messageId: p.messageId, reasonCode: RC.packetIdNotFound },
  );
}

export function handlePubcomp(c: HandlerContext, p: IPubcompPacket): void {
  c.broker.acked(c.session!, p.messageId!, 'pubcomp');
}

export function handlePubrel(c: HandlerContext, p: IPubrelPacket): void {
  const known = c.session!.incomingQos2.delete(p.messageId!);
  c.send(
    c.version === 5 && !known
      ? { cmd: 'pubcomp', messageId: p.messageId, reasonCode: RC.packetIdNotFound }
      : { cmd: 'pubcomp', messageId: p.messageId },
  );
}

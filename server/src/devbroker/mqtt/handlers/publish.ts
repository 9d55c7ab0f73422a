// PUBLISH from a client (MQTT 5 §3.3): topic aliases resolved first, so that authorization always sees the real
// topic; Publish authorization (a refused message is dropped, retained or not); QoS 1/2 acknowledgements.
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { validTopicName } from '../topics';
import { RC, type Message, type MessageProps } from '../types';
import type { HandlerContext } from '../context';

const FORWARDED = [
  'payloadFormatIndicator',
  'contentType',
  'responseTopic',
  'correlationData',
  'userProperties',
] as const;

/** An application message from what a client sent (PUBLISH or will), with the properties that travel with it. */
export function toMessage(
  c: HandlerContext,
  topic: string,
  payload: Buffer | string,
  qos: QoS,
  retain: boolean,
  props?: MessageProps & { messageExpiryInterval?: number },
): Message {
  const m: Message = {
    topic,
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    qos,
    retain,
    from: c.clientId,
  };
  if (props) {
    let keep: MessageProps | undefined;
    for (const k of FORWARDED) if (props[k] !== undefined) (keep ??= {})[k] = props[k] as never;
    if (props.messageExpiryInterval !== undefined)
      m.expiresAt = c.broker.options.clock.now() + props.messageExpiryInterval * 1000;
    if (keep) m.props = keep;
  }
  return m;
}

export function handlePublish(c: HandlerContext, p: IPublishPacket): void {
  const v5 = c.version === 5;
  const session = c.session!;
  let topic = p.topic;
  const props = p.properties;
  // Topic aliases (MQTT 5 §3.3.2.3.4): an alias with a topic sets it, an alias with an empty topic uses it.
  if (v5 && props?.topicAlias !== undefined) {
    const a = props.topicAlias;
    if (a === 0 || a > c.broker.options.topicAliasMaximum) {
      c.protocolFailure(RC.topicAliasInvalid, `topic alias ${a} out of range`);
      return;
    }
    if (topic) c.aliases.set(a, topic);
    else {
      const t = c.aliases.get(a);
      if (t === undefined) {
        c.protocolFailure(RC.protocolError, `unknown topic alias ${a}`);
        return;
      }
      topic = t;
    }
  }
  if (!validTopicName(topic)) {
    c.protocolFailure(RC.topicNameInvalid, `invalid topic name '${topic}'`);
    return;
  }
  const qos = p.qos ?? 0;
  if (qos === 2 && session.incomingQos2.has(p.messageId!)) {
    c.send({ cmd: 'pubrec', messageId: p.messageId }); // a duplicate of one not yet released
    return;
  }
  if (qos === 2 && session.incomingQos2.size >= 65535) {
    c.protocolFailure(RC.receiveMaximumExceeded, 'more QoS 2 messages unreleased than Receive Maximum allows');
    return;
  }

  if (c.policy.authorizePublish && !c.policy.authorizePublish(c.principal!, topic, c.transport)) {
    // AIO: MQTT 5 gets reason code 135; MQTT 3.1.1 a plain acknowledgement. The message is dropped.
    if (qos === 1)
      c.send(
        v5
          ? { cmd: 'puback', messageId: p.messageId, reasonCode: RC.notAuthorized }
          : { cmd: 'puback', messageId: p.messageId },
      );
    else if (qos === 2) {
      if (v5) c.send({ cmd: 'pubrec', messageId: p.messageId, reasonCode: RC.notAuthorized });
      else {
        session.incomingQos2.add(p.messageId!);
        c.send({ cmd: 'pubrec', messageId: p.messageId });
      }
    }
    return;
  }
  const m = toMessage(c, topic, p.payload, qos, !!p.retain, v5 ? props : undefined);
  c.broker.emit({
    event: 'publish',
    clientId: c.clientId,
    port: c.transport.port,
    topic,
    qos,
    retain: m.retain,
    bytes: m.payload.length,
  });
  c.broker.publish(m);
  if (qos === 1) c.send({ cmd: 'puback', messageId: p.messageId });
  else if (qos === 2) {
    session.incomingQos2.add(p.messageId!);
    c.send({ cmd: 'pubrec', messageId: p.messageId });
  }
}

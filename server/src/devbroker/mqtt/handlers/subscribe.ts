// SUBSCRIBE and UNSUBSCRIBE (MQTT 5 §3.8-3.11). Plain and shared (`$share/<group>/<filter>`) subscriptions have one
// shape; Subscribe authorization and the per-client caps are checked per filter; the retained messages a new
// subscription matches are sent afterwards, as the client's socket drains.
import type { ISubscribePacket, IUnsubscribePacket, QoS } from 'mqtt-packet';
import { parseShare, validFilter } from '../topics';
import { RC } from '../types';
import type { Subscription } from '../session';
import type { HandlerContext } from '../context';

export function handleSubscribe(c: HandlerContext, p: ISubscribePacket): void {
  const v5 = c.version === 5;
  const session = c.session!;
  const subId = v5 ? p.properties?.subscriptionIdentifier : undefined;
  const granted: number[] = [];
  const fresh: { sub: Subscription; isNew: boolean }[] = [];
  for (const s of p.subscriptions) {
    const filter = s.topic;
    const share = parseShare(filter);
    if (share === null || (share === undefined && !validFilter(filter))) {
      granted.push(v5 ? RC.topicFilterInvalid : 0x80);
      continue;
    }
    if (share && s.nl) {
      c.protocolFailure(RC.protocolError, 'No Local on a shared subscription');
      return;
    }
    if (c.policy.authorizeSubscribe && !c.policy.authorizeSubscribe(c.principal!, filter, c.transport)) {
      granted.push(v5 ? RC.notAuthorized : 0x80);
      continue;
    }
    const quota = c.broker.subscriptionQuota(session, filter);
    if (quota) {
      c.broker.log('warning', `${c.who()}: subscription to '${filter}' refused: ${quota}`);
      granted.push(v5 ? RC.quotaExceeded : 0x80);
      continue;
    }
    const qos = Math.min(s.qos ?? 0, 2) as QoS;
    const topicFilter = share ? share.filter : filter;
    const sub: Subscription = {
      session,
      filter,
      topicFilter,
      levels: topicFilter.split('/'),
      share: share?.group,
      qos,
      nl: !!s.nl,
      rap: !!s.rap,
      rh: s.rh ?? 0,
      id: subId,
    };
    const isNew = c.broker.subscribe(session, sub);
    granted.push(qos);
    fresh.push({ sub, isNew });
    c.broker.emit({ event: 'subscribe', clientId: c.clientId, port: c.transport.port, filter, granted: qos });
  }
  c.send({ cmd: 'suback', messageId: p.messageId, granted });
  for (const { sub, isNew } of fresh) {
    // Not for shared subscriptions (MQTT 5 §4.8.2); Retain Handling 1 = only for new ones, 2 = never.
    if (sub.share !== undefined || sub.rh === 2 || (sub.rh === 1 && !isNew)) continue;
    c.broker.queueRetained(session, sub);
  }
}

export function handleUnsubscribe(c: HandlerContext, p: IUnsubscribePacket): void {
  const codes = p.unsubscriptions.map((f) =>
    c.broker.unsubscribe(c.session!, f) ? RC.success : RC.noSubscriptionExisted,
  );
  c.send(
    c.version === 5
      ? { cmd: 'unsuback', messageId: p.messageId, granted: codes }
      : { cmd: 'unsuback', messageId: p.messageId, granted: [] },
  );
}

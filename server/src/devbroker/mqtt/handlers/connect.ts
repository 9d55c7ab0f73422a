// CONNECT (MQTT 3.1.1 §3.1, MQTT 5 §3.1): client id, authentication (possibly asynchronous), Connect authorization,
// the will's Publish authorization (decided here, as mosquitto 2 does: a will the client may not publish refuses the
// connection with 0x87), session take-over or resumption, CONNACK.
import { randomBytes } from 'node:crypto';
import type { IConnackPacket, IConnectPacket } from 'mqtt-packet';
import { validTopicName } from '../topics';
import { RC, type AuthResult } from '../types';
import type { HandlerContext } from '../context';
import { toMessage } from './publish';

const NEVER = 0xffffffff;

export async function handleConnect(c: HandlerContext, p: IConnectPacket): Promise<void> {
  c.connecting = true;
  c.version = p.protocolVersion ?? 4;
  const v5 = c.version === 5;
  const props = p.properties ?? {};
  let clientId = p.clientId ?? '';
  let assigned: string | undefined;
  if (!clientId) {
    if (!v5 && !p.clean) {
      c.refuse(2, RC.clientIdNotValid, 'empty client id with a persistent session');
      return;
    }
    clientId = assigned = `brokerkit-${randomBytes(6).toString('hex')}`;
  }
  c.clientId = clientId;
  if (p.will && !validTopicName(p.will.topic)) {
    c.refuse(2, RC.topicNameInvalid, `invalid will topic '${p.will.topic}'`);
    return;
  }
  if (v5 && props.authenticationData && !props.authenticationMethod) {
    c.refuse(2, RC.protocolError, 'authentication data without a method');
    return;
  }

  let result: AuthResult = { ok: true, principal: { clientId, username: p.username, attributes: {} } };
  if (c.policy.authenticate) {
    try {
      result = await c.policy.authenticate({
        clientId,
        username: p.username,
        password: p.password,
        version: c.version,
        authMethod: v5 ? props.authenticationMethod : undefined,
        authData: v5 ? props.authenticationData : undefined,
        transport: c.transport,
      });
    } catch (e) {
      result = { ok: false, reason: 'not-authorized', message: `authentication failed: ${(e as Error).message}` };
    }
  }
  if (c.closed) return;
  if (!result.ok) {
    const rc =
      result.reason === 'bad-auth-method'
        ? RC.badAuthMethod
        : result.reason === 'bad-credentials'
          ? RC.badCredentials
          : RC.notAuthorized;
    c.refuse(result.reason === 'bad-credentials' ? 4 : 5, rc, result.message);
    return;
  }
  const principal = { ...result.principal, clientId };
  if (c.policy.authorizeConnect && !c.policy.authorizeConnect(principal, c.transport)) {
    c.refuse(5, RC.notAuthorized, 'not authorized to connect');
    return;
  }
  if (
    p.will &&
    c.policy.authorizePublish &&
    !c.policy.authorizePublish(principal, p.will.topic, c.transport, { will: true })
  ) {
    c.refuse(5, RC.notAuthorized, `not authorized to publish its will to '${p.will.topic}'`);
    return;
  }
  c.principal = principal;
  c.authMethod = result.ok ? result.authMethod : undefined;

  const cleanStart = !!p.clean;
  const expiry = v5 ? (props.sessionExpiryInterval ?? 0) : cleanStart ? 0 : NEVER;
  c.connectExpiry = expiry;
  const { session, present } = c.broker.attach(c, clientId, cleanStart, expiry);
  c.session = session;
  if (v5) {
    if (props.receiveMaximum) c.window = props.receiveMaximum;
    else c.window = 65535;
    if (props.maximumPacketSize) c.clientMaxPacket = props.maximumPacketSize;
  }
  if (p.will) {
    const wp = p.will.properties ?? {};
    const will = toMessage(
      c,
      p.will.topic,
      p.will.payload ?? Buffer.alloc(0),
      p.will.qos ?? 0,
      !!p.will.retain,
      v5 ? wp : undefined,
    );
    if (v5 && wp.willDelayInterval) will.willDelay = wp.willDelayInterval;
    session.will = will;
  }
  c.armKeepalive(p.keepalive ?? 0);

  const connack: IConnackPacket = { cmd: 'connack', sessionPresent: present };
  if (v5) {
    connack.reasonCode = 0;
    const cp: NonNullable<IConnackPacket['properties']> = {
      topicAliasMaximum: c.broker.options.topicAliasMaximum,
      maximumPacketSize: c.broker.options.maxPacketSize,
    };
    if (assigned) cp.assignedClientIdentifier = assigned;
    if (session.expiry !== expiry) cp.sessionExpiryInterval = session.expiry;
    if (c.authMethod) cp.authenticationMethod = c.authMethod;
    if (props.requestResponseInformation) cp.responseInformation = `responses/${clientId}`;
    connack.properties = cp;
  } else connack.returnCode = 0;
  c.send(connack);
  c.ready = true;
  c.broker.emit({
    event: 'client-connected',
    clientId,
    port: c.transport.port,
    version: c.version,
    username: p.username,
    sessionPresent: present,
    remote: c.transport.remote,
  });
  if (result.note) c.broker.log('info', `${c.who()}: ${result.note}`);
  if (present) c.broker.resume(session);
  c.connected();
}

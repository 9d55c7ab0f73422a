// PINGREQ, DISCONNECT and AUTH (MQTT 5 §3.12-3.15): keep-alive, a clean end (with the session expiry the client
// may change, and the will kept or discarded), and re-authentication with the CONNECT's method.
import type { IAuthPacket, IDisconnectPacket, IPingreqPacket } from 'mqtt-packet';
import { RC, type AuthResult } from '../types';
import type { HandlerContext } from '../context';

export function handlePingreq(c: HandlerContext, _p: IPingreqPacket): void {
  c.send({ cmd: 'pingresp' });
}

export function handleDisconnect(c: HandlerContext, p: IDisconnectPacket): void {
  const v5 = c.version === 5;
  const newExpiry = v5 ? p.properties?.sessionExpiryInterval : undefined;
  if (newExpiry !== undefined) {
    if (c.connectExpiry === 0 && newExpiry !== 0) {
      c.protocolFailure(RC.protocolError, 'session expiry set on DISCONNECT after 0 on CONNECT');
      return;
    }
    c.session!.expiry = Math.min(newExpiry, c.broker.options.maxSessionExpiry);
  }
  // MQTT 5 §3.14.2.1: reason 0x04 asks for the will to be published; any other normal DISCONNECT discards it.
  c.cleanDisconnect = !(v5 && p.reasonCode === RC.disconnectWithWill);
  c.close(undefined, 'client disconnected');
}

/** MQTT 5 re-authentication (AUTH with reason 0x19) with the same method as the CONNECT. */
export async function handleAuth(c: HandlerContext, p: IAuthPacket): Promise<void> {
  const props = p.properties ?? {};
  if (
    c.version !== 5 ||
    !c.authMethod ||
    props.authenticationMethod !== c.authMethod ||
    p.reasonCode !== RC.reauthenticate ||
    !c.policy.authenticate
  ) {
    c.protocolFailure(RC.protocolError, 'AUTH not expected here');
    return;
  }
  let r: AuthResult;
  try {
    r = await c.policy.authenticate({
      clientId: c.clientId,
      username: c.principal?.username,
      version: 5,
      authMethod: props.authenticationMethod,
      authData: props.authenticationData,
      transport: c.transport,
    });
  } catch (e) {
    r = { ok: false, reason: 'not-authorized', message: (e as Error).message };
  }
  if (c.closed) return;
  if (!r.ok) {
    c.broker.log('warning', `${c.who()}: re-authentication refused: ${r.message}`);
    c.close(RC.notAuthorized, 're-authentication refused');
    return;
  }
  c.principal = { ...r.principal, clientId: c.clientId };
  // The will was authorized for the old principal: the new one must be allowed to publish it too.
  const will = c.session?.will;
  if (
    will &&
    c.policy.authorizePublish &&
    !c.policy.authorizePublish(c.principal, will.topic, c.transport, { will: true })
  ) {
    c.session!.will = undefined;
    c.broker.log('warning', `${c.who()}: will to '${will.topic}' discarded: not authorized after re-authentication`);
  }
  c.send({ cmd: 'auth', reasonCode: RC.success, properties: { authenticationMethod: c.authMethod } });
  c.broker.log('info', `${c.who()}: re-authenticated${r.note ? ` (${r.note})` : ''}`);
}

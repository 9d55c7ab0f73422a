// One handler per packet type, as aedes' lib/handlers: the connection hands each parsed packet here.
import type { Packet } from 'mqtt-packet';
import { RC } from '../types';
import type { HandlerContext } from '../context';
import { handleConnect } from './connect';
import { handlePublish } from './publish';
import { handlePuback, handlePubcomp, handlePubrec, handlePubrel } from './acks';
import { handleSubscribe, handleUnsubscribe } from './subscribe';
import { handleAuth, handleDisconnect, handlePingreq } from './session-end';

/** Runs the handler of `p`; a promise when the handler awaits (authentication). */
export function dispatch(c: HandlerContext, p: Packet): Promise<void> | void {
  if (!c.session) {
    if (p.cmd !== 'connect') {
      c.close(undefined, `${p.cmd} before CONNECT`);
      return;
    }
    return handleConnect(c, p);
  }
  switch (p.cmd) {
    case 'publish':
      return handlePublish(c, p);
    case 'puback':
      return handlePuback(c, p);
    case 'pubrec':
      return handlePubrec(c, p);
    case 'pubrel':
      return handlePubrel(c, p);
    case 'pubcomp':
      return handlePubcomp(c, p);
    case 'subscribe':
      return handleSubscribe(c, p);
    case 'unsubscribe':
      return handleUnsubscribe(c, p);
    case 'pingreq':
      return handlePingreq(c, p);
    case 'disconnect':
      return handleDisconnect(c, p);
    case 'auth':
      return handleAuth(c, p);
    case 'connect':
      return c.protocolFailure(RC.protocolError, 'second CONNECT');
    default:
      return c.protocolFailure(RC.protocolError, `unexpected ${p.cmd} from a client`);
  }
}

// A raw MQTT client over TCP or TLS built on mqtt-packet: it sends exactly the packets a test writes (no automatic
// acknowledgements), can stop reading to play a stalled client, and awaits packets by predicate (never by time).
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as mqttPacket from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';

export interface RawClient {
  sock: net.Socket;
  packets: Packet[];
  closed: Promise<void>;
  send(p: Packet): boolean;
  next<T extends Packet = Packet>(pred: (p: Packet) => boolean, what?: string, timeoutMs?: number): Promise<T>;
  /** Stops reading from the socket: the kernel's buffers fill and the broker's writes back up. */
  stopReading(): void;
  resumeReading(): void;
}

export function rawClient(
  port: number,
  version: 4 | 5 = 5,
  opts: { tls?: tls.ConnectionOptions } = {},
): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const sock: net.Socket = opts.tls
      ? tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts.tls })
      : net.connect(port, '127.0.0.1');
    const parser = mqttPacket.parser({ protocolVersion: version });
    const packets: Packet[] = [];
    const waiters: { pred: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
    parser.on('packet', (p: Packet) => {
      packets.push(p);
      for (const w of [...waiters])
        if (w.pred(p)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(p);
        }
    });
    parser.on('error', () => {
      /* the tests read only what the broker sends */
    });
    sock.on('data', (d: Buffer) => parser.parse(d));
    sock.on('error', () => {
      /* resets are expected when the broker disconnects a client */
    });
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    const client: RawClient = {
      sock,
      packets,
      closed,
      send: (p) => sock.write(mqttPacket.generate(p, { protocolVersion: version })),
      next: <T extends Packet>(pred: (p: Packet) => boolean, what = 'packet', timeoutMs = 30000) => {
        const hit = packets.find(pred);
        if (hit) return Promise.resolve(hit as T);
        return new Promise<T>((res, rej) => {
          const t = setTimeout(
            () => rej(new Error(`timed out waiting for ${what}; got ${packets.map((p) => p.cmd).slice(-10)}`)),
            timeoutMs,
          );
          waiters.push({
            pred,
            resolve: (p) => {
              clearTimeout(t);
              res(p as T);
            },
          });
        });
      },
      stopReading: () => sock.pause(),
      resumeReading: () => sock.resume(),
    };
    sock.once(opts.tls ? 'secureConnect' : 'connect', () => resolve(client));
    sock.once('error', reject);
  });
}

/** CONNECT, then the CONNACK. */
export async function rawConnect(
  port: number,
  clientId: string,
  version: 4 | 5 = 5,
  extra: Partial<mqttPacket.IConnectPacket> = {},
  opts: { tls?: tls.ConnectionOptions } = {},
): Promise<{ c: RawClient; connack: mqttPacket.IConnackPacket }> {
  const c = await rawClient(port, version, opts);
  c.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: version,
    clean: true,
    clientId,
    keepalive: 0,
    ...extra,
  });
  const connack = await c.next<mqttPacket.IConnackPacket>((p) => p.cmd === 'connack', 'CONNACK');
  return { c, connack };
}

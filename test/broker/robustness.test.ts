// Bad input never crashes the dev broker: raw sockets send garbage, malformed and oversized packets, protocol
// violations and abrupt disconnects; afterwards a real client still connects, publishes and receives.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as mqttPacket from 'mqtt-packet';
import WebSocket from 'ws';
import mqtt from 'mqtt';
import { AUTO_TLS, freePorts, listenerYaml, startInProcess, InProcess } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

interface Raw {
  sock: net.Socket;
  packets: any[];
  closed: Promise<void>;
  next(pred: (p: any) => boolean): Promise<any>;
}

function raw(port: number, version = 5): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const parser = mqttPacket.parser({ protocolVersion: version });
    const packets: any[] = [];
    const waiters: { pred: (p: any) => boolean; resolve: (p: any) => void }[] = [];
    parser.on('packet', (p) => {
      packets.push(p);
      for (const w of [...waiters])
        if (w.pred(p)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(p);
        }
    });
    parser.on('error', () => {
      /* the test only reads what the broker sends */
    });
    sock.on('data', (d) => parser.parse(d));
    sock.on('error', () => {
      /* resets are expected in these tests */
    });
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.once('connect', () =>
      resolve({
        sock,
        packets,
        closed,
        next: (pred) => {
          const hit = packets.find(pred);
          if (hit) return Promise.resolve(hit);
          return new Promise((res) => waiters.push({ pred, resolve: res }));
        },
      }),
    );
    sock.once('error', reject);
  });
}

const connectPacket = (clientId: string, version = 5, extra: Record<string, unknown> = {}) =>
  mqttPacket.generate(
    {
      cmd: 'connect',
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clean: true,
      clientId,
      keepalive: 0,
      ...extra,
    } as any,
    { protocolVersion: version },
  );

describe('dev broker robustness (raw sockets)', () => {
  const stateDir = tempDir();
  let b: InProcess;
  let tcp: number, tlsPort: number, wsPort: number;

  before(async () => {
    [tcp, tlsPort, wsPort] = await freePorts(3);
    b = await startInProcess(
      listenerYaml('robust', [
        { port: tcp },
        { port: tlsPort, tls: AUTO_TLS() },
        { port: wsPort, protocol: 'WebSockets' },
      ]),
      { stateDir, maxPacketSize: 64 * 1024 },
    );
  });
  after(async () => {
    await b?.stop();
  });

  /** The broker still works: a real client round-trips a message. */
  async function stillServes(): Promise<void> {
    const c = await mqtt.connectAsync(`mqtt://localhost:${tcp}`, { protocolVersion: 5, reconnectPeriod: 0 });
    const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
    await c.subscribeAsync('alive', { qos: 1 });
    await c.publishAsync('alive', 'yes', { qos: 1 });
    assert.equal(await got, 'yes');
    await c.endAsync();
  }

  test('random garbage closes that connection only', async () => {
    const r = await raw(tcp);
    r.sock.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff\xfe garbage'));
    await r.closed;
    await stillServes();
  });

  test('a malformed remaining length (five continuation bytes) closes the connection', async () => {
    const r = await raw(tcp);
    r.sock.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    await r.closed;
    await stillServes();
  });

  test('a packet before CONNECT closes the connection', async () => {
    const r = await raw(tcp);
    r.sock.write(
      mqttPacket.generate({
        cmd: 'publish',
        topic: 'x',
        payload: Buffer.from('y'),
        qos: 0,
        retain: false,
        dup: false,
      } as any),
    );
    await r.closed;
    assert.ok(
      r.packets.every((p) => p.cmd !== 'connack' && p.cmd !== 'publish'),
      'nothing is answered or routed',
    );
    await stillServes();
  });

  test('an unsupported protocol version gets CONNACK return code 1 (unacceptable protocol version)', async () => {
    const r = await raw(tcp, 4);
    const buf = connectPacket('v6', 4);
    buf[8] = 6; // protocol level byte after "\0\x04MQTT"
    r.sock.write(buf);
    const ack = await r.next((p) => p.cmd === 'connack');
    assert.equal(ack.returnCode, 1);
    await r.closed;
  });

  test('an oversized packet is refused from its header: MQTT 5 DISCONNECT 0x95, nothing buffered', async () => {
    const r = await raw(tcp);
    r.sock.write(connectPacket('big-sender'));
    await r.next((p) => p.cmd === 'connack');
    // A PUBLISH header announcing 64 MiB; only the header is sent.
    r.sock.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x20]));
    const d = await r.next((p) => p.cmd === 'disconnect');
    assert.equal(d.reasonCode, 0x95);
    await r.closed;
    const log = await b.events.wait((x) => x.event === 'log' && /big-sender/.test(x.message), 'log line');
    assert.match(log.message, /over the 65536-byte limit/);
    await stillServes();
  });

  test('abrupt disconnects: half a CONNECT, half a PUBLISH, resets mid-stream', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await raw(tcp);
      const c = connectPacket(`abrupt-${i}`);
      if (i % 2 === 0) r.sock.write(c.subarray(0, 5));
      else {
        r.sock.write(c);
        await r.next((p) => p.cmd === 'connack');
        const pub = mqttPacket.generate(
          {
            cmd: 'publish',
            topic: 'half',
            payload: Buffer.alloc(1000),
            qos: 1,
            messageId: 1,
            retain: false,
            dup: false,
          } as any,
          { protocolVersion: 5 },
        );
        r.sock.write(pub.subarray(0, 300));
      }
      r.sock.resetAndDestroy();
      await r.closed;
    }
    await stillServes();
  });

  test('topic aliases on the wire: set, reuse with an empty topic, unknown alias = protocol error 0x82', async () => {
    const sub = await mqtt.connectAsync(`mqtt://localhost:${tcp}`, { protocolVersion: 5, reconnectPeriod: 0 });
    const got: string[] = [];
    const two = new Promise<void>((r) =>
      sub.on('message', (t, p) => {
        got.push(`${t}=${p}`);
        if (got.length === 2) r();
      }),
    );
    await sub.subscribeAsync('wire/#', { qos: 0 });
    const r = await raw(tcp);
    r.sock.write(connectPacket('alias-raw'));
    const ack = await r.next((p) => p.cmd === 'connack');
    // 10, as mosquitto: clients size their alias tables by it (MQTT.js allocates one entry per alias offered).
    assert.equal(ack.properties.topicAliasMaximum, 10);
    const pub = (topic: string, payload: string, alias: number) =>
      mqttPacket.generate(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from(payload),
          qos: 0,
          retain: false,
          dup: false,
          properties: { topicAlias: alias },
        } as any,
        { protocolVersion: 5 },
      );
    r.sock.write(Buffer.concat([pub('wire/aliased', 'first', 3), pub('', 'second', 3)]));
    await two;
    assert.deepEqual(got, ['wire/aliased=first', 'wire/aliased=second']);
    r.sock.write(pub('', 'lost', 9));
    const d = await r.next((p) => p.cmd === 'disconnect');
    assert.equal(d.reasonCode, 0x82);
    await r.closed;
    await sub.endAsync();
  });

  test('keep alive: a silent client is disconnected (0x8D) after 1.5 x its keep alive', async () => {
    const r = await raw(tcp);
    r.sock.write(connectPacket('sleepy', 5, { keepalive: 1 }));
    await r.next((p) => p.cmd === 'connack');
    const d = await r.next((p) => p.cmd === 'disconnect');
    assert.equal(d.reasonCode, 0x8d);
    await r.closed;
  });

  test('plain bytes on the TLS port fail the handshake, are logged, and do not stop the port', async () => {
    const r = await raw(tlsPort);
    r.sock.write(connectPacket('not-tls'));
    await r.closed;
    await b.events.wait(
      (x) => x.event === 'log' && /TLS handshake/.test(x.message) && x.message.includes(String(tlsPort)),
      'handshake log',
    );
    const ok = await new Promise<boolean>((resolve) => {
      const s = tls.connect(
        {
          port: tlsPort,
          host: '127.0.0.1',
          servername: 'localhost',
          ca: fs.readFileSync(b.plan.ports[1].tls!.caFile!),
        },
        () => {
          resolve(s.authorized);
          s.destroy();
        },
      );
      s.on('error', () => resolve(false));
    });
    assert.equal(ok, true);
  });

  test('WebSockets: the mqtt subprotocol is chosen, a plain HTTP request gets 426, garbage frames close only that client', async () => {
    const res = await new Promise<http.IncomingMessage>((r) => http.get(`http://127.0.0.1:${wsPort}/`, r));
    assert.equal(res.statusCode, 426);
    res.resume();
    const w = new WebSocket(`ws://127.0.0.1:${wsPort}/anything`, ['mqtt']);
    await new Promise((r) => w.once('open', r));
    assert.equal(w.protocol, 'mqtt');
    const closed = new Promise((r) => w.once('close', r));
    w.send(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    await closed;
    const c = await mqtt.connectAsync(`ws://localhost:${wsPort}/mqtt`, { protocolVersion: 5, reconnectPeriod: 0 });
    assert.ok(c.connected);
    await c.endAsync();
  });
});

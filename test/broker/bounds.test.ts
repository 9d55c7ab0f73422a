// What one client can make the dev broker hold is bounded, and one client's fault stays with that client:
// - a subscriber that stops reading: its queue and unsent output stay within the caps, its QoS 0 messages are dropped
//   (logged), other subscribers get everything, and after the stall timeout it is disconnected (logged);
// - MQTT 5 Receive Maximum and the MQTT 3.1.1 in-flight window (20) limit what is sent unacknowledged;
// - retained messages for a new subscription leave as the socket drains, not all at once;
// - caps on subscriptions per client, retained messages and offline queues, each logged when hit;
// - an exception after an await in the CONNECT or AUTH path disconnects that client (0x80 / 0x83), nothing more;
// - keep-alive, session expiry and will delay run on an injected clock (no real seconds waited).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import mqtt, { MqttClient } from 'mqtt';
import type { IConnackPacket, IDisconnectPacket, IPublishPacket, ISubackPacket, Packet } from 'mqtt-packet';
import { Broker, type BrokerEvent, type BrokerOptions, type PortPolicy } from '../../server/src/devbroker/mqtt/broker';
import { EventLog, freePorts, listenerYaml, startInProcess, InProcess } from '../helpers/broker';
import { FakeClock } from '../helpers/clock';
import { rawClient, rawConnect, RawClient } from '../helpers/raw-mqtt';
import { tempDir } from '../helpers/temp';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A broker on a plain TCP port with a policy of the test's own. */
async function plainBroker(
  options: Partial<BrokerOptions>,
  policy: PortPolicy = {},
): Promise<{ broker: Broker; port: number; events: EventLog; close(): Promise<void> }> {
  const events = new EventLog();
  const broker = new Broker({ ...options, onEvent: (e: BrokerEvent) => events.push(e) });
  const server = net.createServer((s) =>
    broker.handle(
      s,
      { port: (server.address() as net.AddressInfo).port, protocol: 'mqtt', tls: false, remote: 'test' },
      policy,
    ),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    broker,
    port,
    events,
    close: () =>
      new Promise<void>((r) => {
        broker.closeAll();
        server.close(() => r());
      }),
  };
}

const publishes = (c: RawClient) => c.packets.filter((p): p is IPublishPacket => p.cmd === 'publish');
/** A PINGRESP after a PINGREQ: whatever the broker wrote before it answered has arrived. */
async function roundTrip(c: RawClient): Promise<void> {
  const before = c.packets.filter((p) => p.cmd === 'pingresp').length;
  c.send({ cmd: 'pingreq' });
  await c.next(() => c.packets.filter((p) => p.cmd === 'pingresp').length > before, 'PINGRESP');
}

describe('a subscriber that stops reading', () => {
  const clock = new FakeClock();
  const limits = { outputSoftLimit: 256 * KiB, maxQueuedMessages: 50, maxQueuedBytes: MiB, stallTimeoutMs: 30000 };
  let b: InProcess;
  let port: number;
  let stalled: RawClient;
  const clients: MqttClient[] = [];

  before(async () => {
    [port] = await freePorts(1);
    b = await startInProcess(listenerYaml('bounds', [{ port }]), { stateDir: tempDir(), clock, limits });
  });
  after(async () => {
    for (const c of clients) c.end(true);
    stalled?.sock.destroy();
    await b.stop();
  });

  test('its queue and unsent output stay within the caps; QoS 0 is dropped for it; another subscriber gets every message', async () => {
    ({ c: stalled } = await rawConnect(port, 'stalled', 4));
    stalled.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'load/#', qos: 1 }] });
    await stalled.next((p) => p.cmd === 'suback', 'SUBACK');
    stalled.stopReading();

    const healthy = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'healthy', reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'publisher', reconnectPeriod: 0 });
    clients.push(healthy, pub);
    await healthy.subscribeAsync('load/#', { qos: 1 });
    const N = 320; // 320 × 64 KiB = 20 MiB, far more than the socket buffers and every cap together
    let got = 0;
    const all = new Promise<void>((r) =>
      healthy.on('message', (_t, _p, packet) => {
        if (packet.qos === 1 && ++got === N) r();
      }),
    );
    const payload = Buffer.alloc(64 * KiB, 0x61);
    let peakQueued = 0,
      peakOutput = 0;
    const sample = () => {
      const s = b.broker.broker.stats('stalled')!;
      peakQueued = Math.max(peakQueued, s.queuedBytes);
      peakOutput = Math.max(peakOutput, s.outputBytes);
      assert.ok(s.queuedMessages <= limits.maxQueuedMessages, `queued ${s.queuedMessages} messages`);
    };
    b.events.on('event', sample);
    // The publisher goes as fast as the reading subscriber takes messages (batches of 8), whatever the stalled one does.
    const received = (n: number) =>
      new Promise<void>((r) => {
        const check = () => (got >= n ? (healthy.off('message', check), r()) : undefined);
        healthy.on('message', check);
        check();
      });
    for (let i = 0; i < N; i += 8) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < i + 8; j++) batch.push(pub.publishAsync(`load/${j % 8}`, payload, { qos: 1 }));
      batch.push(pub.publishAsync('load/zero', 'q0', { qos: 0 }));
      await Promise.all([...batch, received(i + 8)]);
    }
    await all;
    sample();
    b.events.off('event', sample);
    assert.equal(got, N, 'the reading subscriber got every QoS 1 message');
    assert.ok(peakQueued <= limits.maxQueuedBytes, `queued bytes peaked at ${peakQueued}`);
    assert.ok(peakOutput <= limits.outputSoftLimit + 2 * MiB, `unsent output peaked at ${peakOutput}`);
    await b.events.wait(
      (e) => e.event === 'log' && /client 'stalled'.*dropping new QoS 1 messages/.test(e.message),
      'the queue cap logged',
    );
    await b.events.wait(
      (e) => e.event === 'log' && /client 'stalled'.*not reading fast enough.*dropping QoS 0/.test(e.message),
      'QoS 0 dropping logged',
    );
  });

  test('after the stall timeout (on the injected clock) it is disconnected with a logged reason; the others stay', async () => {
    assert.ok(!b.events.all.some((e) => e.event === 'client-disconnected' && e.clientId === 'stalled'));
    clock.advance(limits.stallTimeoutMs);
    const gone = await b.events.wait(
      (e) => e.event === 'client-disconnected' && e.clientId === 'stalled',
      'disconnect',
    );
    assert.match(
      gone.reason,
      /not (reading: \d+ bytes waited 30 s to be sent|acknowledging: 20 messages in flight and \d+ waiting, none acknowledged for 30 s)/,
    );
    assert.ok(
      b.events.all.some(
        (e) =>
          e.event === 'log' &&
          e.level === 'warning' &&
          /'stalled'.*not (reading|acknowledging).*disconnecting it/.test(e.message),
      ),
    );
    stalled.resumeReading(); // a paused socket would not notice its end
    await stalled.closed;
    const [healthy, pub] = clients;
    const echo = new Promise<string>((r) => healthy.once('message', (t) => r(t)));
    await pub.publishAsync('load/after', 'x', { qos: 1 });
    assert.equal(await echo, 'load/after');
  });
});

describe('flow control and retained messages in chunks', () => {
  let h: Awaited<ReturnType<typeof plainBroker>>;
  before(async () => {
    h = await plainBroker({ outputSoftLimit: 256 * KiB, maxRetainedBytes: 64 * MiB });
  });
  after(() => h.close());

  const publishQos1 = async (topic: string, n: number, retain = false, size = 10) => {
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.port}`, { reconnectPeriod: 0 });
    const payload = Buffer.alloc(size, 0x62);
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        pub.publishAsync(retain ? `${topic}/${i}` : topic, payload, { qos: 1, retain }),
      ),
    );
    await pub.endAsync();
  };

  test("MQTT 5: no more unacknowledged messages than the client's Receive Maximum; an acknowledgement lets one more go", async () => {
    const { c } = await rawConnect(h.port, 'rm5', 5, { properties: { receiveMaximum: 3 } });
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rm/5', qos: 1 }] });
    await c.next((p) => p.cmd === 'suback', 'SUBACK');
    await publishQos1('rm/5', 10);
    await c.next(() => publishes(c).length === 3, 'three PUBLISH');
    await roundTrip(c);
    assert.equal(publishes(c).length, 3);
    c.send({ cmd: 'puback', messageId: publishes(c)[0].messageId });
    await c.next(() => publishes(c).length === 4, 'a fourth PUBLISH after one PUBACK');
    await roundTrip(c);
    assert.equal(publishes(c).length, 4);
    c.sock.destroy();
  });

  test("MQTT 3.1.1: at most 20 messages in flight (as mosquitto's max_inflight_messages)", async () => {
    const { c } = await rawConnect(h.port, 'rm4', 4);
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'rm/4', qos: 1 }] });
    await c.next((p) => p.cmd === 'suback', 'SUBACK');
    await publishQos1('rm/4', 30);
    await c.next(() => publishes(c).length === 20, '20 PUBLISH');
    await roundTrip(c);
    assert.equal(publishes(c).length, 20);
    for (const p of publishes(c)) c.send({ cmd: 'puback', messageId: p.messageId });
    await c.next(() => publishes(c).length === 30, 'the other 10');
    c.sock.destroy();
  });

  test('retained messages for a new subscription are sent as the socket drains, not encoded all at once', async () => {
    const N = 100; // 100 × 256 KiB = 25 MiB retained
    await publishQos1('ret', N, true, 256 * KiB);
    assert.equal(h.broker.retainedCount, N);
    const c = await rawClient(h.port, 4);
    c.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'ret-reader',
      keepalive: 0,
    });
    c.stopReading();
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'ret/#', qos: 0 }] });
    await h.events.wait((e) => e.event === 'subscribe' && e.clientId === 'ret-reader', 'subscribe');
    await new Promise((r) => setImmediate(r)); // the handler and its first writes are done
    const s = h.broker.stats('ret-reader')!;
    assert.ok(s.outputBytes <= 256 * KiB + 257 * KiB, `unsent output ${s.outputBytes} bytes`);
    c.resumeReading();
    await c.next(() => publishes(c).length === N, `${N} retained messages`, 60000);
    assert.ok(publishes(c).every((p) => p.retain && p.payload.length === 256 * KiB));
    c.sock.destroy();
  });
});

describe('caps, each logged when hit', () => {
  let h: Awaited<ReturnType<typeof plainBroker>>;
  before(async () => {
    h = await plainBroker({ maxSubscriptionsPerClient: 2, maxRetainedMessages: 2, maxQueuedMessages: 5 });
  });
  after(() => h.close());

  test('subscriptions per client: the third filter gets 0x97 Quota exceeded', async () => {
    const { c } = await rawConnect(h.port, 'many-subs', 5);
    c.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: ['a', 'b', 'c'].map((topic) => ({ topic, qos: 0 as const })),
    });
    const ack = await c.next<ISubackPacket>((p) => p.cmd === 'suback', 'SUBACK');
    assert.deepEqual(ack.granted, [0, 0, 0x97]);
    c.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a', qos: 1 }] }); // a replacement is no new one
    assert.deepEqual(
      (await c.next<ISubackPacket>((p) => p.cmd === 'suback' && p.messageId === 2, 'SUBACK 2')).granted,
      [1],
    );
    await h.events.wait(
      (e) =>
        e.event === 'log' &&
        /'many-subs'.*subscription to 'c' refused: the client holds 2 subscriptions/.test(e.message),
      'log',
    );
    c.sock.destroy();
  });

  test('retained messages: past the cap a message is delivered but not retained', async () => {
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.port}`, { reconnectPeriod: 0 });
    for (const t of ['r/1', 'r/2', 'r/3']) await pub.publishAsync(t, 'x', { qos: 1, retain: true });
    await pub.publishAsync('r/1', 'y', { qos: 1, retain: true }); // replacing one is fine
    await pub.endAsync();
    assert.equal(h.broker.retainedCount, 2);
    await h.events.wait(
      (e) => e.event === 'log' && /retained messages: the broker holds 2 .*'r\/3'.*not retained/.test(e.message),
      'log',
    );
    const { c } = await rawConnect(h.port, 'ret-check', 4);
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'r/#', qos: 0 }] });
    await c.next(() => publishes(c).length === 2, 'two retained');
    await roundTrip(c);
    assert.deepEqual(
      publishes(c)
        .map((p) => `${p.topic}=${p.payload}`)
        .sort(),
      ['r/1=y', 'r/2=x'],
    );
    c.sock.destroy();
  });

  test('an offline session keeps at most its queue cap; the rest is dropped with a log line', async () => {
    const props = { sessionExpiryInterval: 300 };
    const first = await rawConnect(h.port, 'offline', 5, { clean: true, properties: props });
    first.c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/#', qos: 1 }] });
    await first.c.next((p) => p.cmd === 'suback', 'SUBACK');
    first.c.send({ cmd: 'disconnect' });
    await h.events.wait((e) => e.event === 'client-disconnected' && e.clientId === 'offline', 'gone');
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.port}`, { reconnectPeriod: 0 });
    for (let i = 0; i < 10; i++) await pub.publishAsync(`q/${i}`, String(i), { qos: 1 });
    await pub.endAsync();
    await h.events.wait(
      (e) => e.event === 'log' && /client 'offline': 5 messages .* dropping new QoS 1/.test(e.message),
      'log',
    );
    const again = await rawConnect(h.port, 'offline', 5, { clean: false, properties: props });
    assert.equal(again.connack.sessionPresent, true);
    await again.c.next(() => publishes(again.c).length === 5, 'five queued');
    await roundTrip(again.c);
    assert.deepEqual(
      publishes(again.c).map((p) => p.topic),
      ['q/0', 'q/1', 'q/2', 'q/3', 'q/4'],
    );
    again.c.sock.destroy();
  });
});

describe('one bad client never ends the process', () => {
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  before(() => process.on('unhandledRejection', onRejection));
  after(() => process.off('unhandledRejection', onRejection));

  test('a policy that throws after the authentication await: CONNACK 0x80 with a logged reason; the broker serves the next client', async () => {
    const h = await plainBroker(
      {},
      {
        authenticate: async (req) => {
          await new Promise((r) => setImmediate(r));
          return { ok: true, principal: { clientId: req.clientId, username: req.username, attributes: {} } };
        },
        authorizeConnect: (p) => {
          if (p.clientId === 'boom') throw new Error('policy exploded');
          return true;
        },
      },
    );
    try {
      for (const version of [5, 4] as const) {
        const { c, connack } = await rawConnect(h.port, 'boom', version);
        assert.equal(version === 5 ? connack.reasonCode : connack.returnCode, version === 5 ? 0x80 : 3);
        await c.closed;
      }
      await h.events.wait(
        (e) =>
          e.event === 'log' &&
          e.level === 'error' &&
          /internal error while handling CONNECT: policy exploded/.test(e.message),
        'log',
      );
      const { connack } = await rawConnect(h.port, 'fine', 5);
      assert.equal(connack.reasonCode, 0);
      assert.deepEqual(rejections, []);
    } finally {
      await h.close();
    }
  });

  test('a policy that throws in the AUTH (re-authentication) path: DISCONNECT 0x83 with a logged reason', async () => {
    let calls = 0;
    const h = await plainBroker(
      {},
      {
        authenticate: async (req) => {
          await new Promise((r) => setImmediate(r));
          calls++;
          return {
            ok: true,
            authMethod: 'K8S-SAT',
            principal: { clientId: req.clientId, username: calls > 1 ? 'after-reauth' : undefined, attributes: {} },
          };
        },
        authorizePublish: (p) => {
          if (p.username === 'after-reauth') throw new Error('will check exploded');
          return true;
        },
      },
    );
    try {
      const auth = { authenticationMethod: 'K8S-SAT', authenticationData: Buffer.from('t') };
      const { c, connack } = await rawConnect(h.port, 'reauth', 5, {
        properties: auth,
        will: { topic: 'wills/reauth', payload: Buffer.from('bye'), qos: 0, retain: false },
      });
      assert.equal(connack.reasonCode, 0);
      c.send({ cmd: 'auth', reasonCode: 0x19, properties: auth });
      const d = await c.next<IDisconnectPacket>((p: Packet) => p.cmd === 'disconnect', 'DISCONNECT');
      assert.equal(d.reasonCode, 0x83);
      await h.events.wait(
        (e) => e.event === 'log' && /internal error while handling AUTH: will check exploded/.test(e.message),
        'log',
      );
      const next = await rawConnect(h.port, 'after', 5, { properties: auth });
      assert.equal(next.connack.reasonCode, 0);
      assert.deepEqual(rejections, []);
    } finally {
      await h.close();
    }
  });
});

describe('keep-alive and expiry on the injected clock', () => {
  const clock = new FakeClock();
  let h: Awaited<ReturnType<typeof plainBroker>>;
  before(async () => {
    h = await plainBroker({ clock });
  });
  after(() => h.close());

  test('a client silent for 1.5 × its keep-alive is disconnected (0x8D); one that pings is not', async () => {
    const quiet = await rawConnect(h.port, 'quiet', 5, { keepalive: 10 });
    const chatty = await rawConnect(h.port, 'chatty', 5, { keepalive: 10 });
    clock.advance(10000);
    await roundTrip(chatty.c); // traffic from chatty at t = 10 s
    clock.advance(5000); // t = 15 s: quiet has been silent 15 s
    const d = await quiet.c.next<IDisconnectPacket>((p) => p.cmd === 'disconnect', 'DISCONNECT');
    assert.equal(d.reasonCode, 0x8d);
    assert.ok(!chatty.c.packets.some((p) => p.cmd === 'disconnect'));
    await roundTrip(chatty.c);
    chatty.c.sock.destroy();
  });

  test('a session expires after its Session Expiry Interval; a delayed will is published when its delay ends', async () => {
    const watch = await rawConnect(h.port, 'watch', 5);
    watch.c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'wills/#', qos: 0 }] });
    await watch.c.next((p) => p.cmd === 'suback', 'SUBACK');
    const first = await rawConnect(h.port, 'expiring', 5, {
      clean: true,
      properties: { sessionExpiryInterval: 60 },
      will: {
        topic: 'wills/expiring',
        payload: Buffer.from('late'),
        qos: 0,
        retain: false,
        properties: { willDelayInterval: 30 },
      },
    });
    assert.equal(first.connack.reasonCode, 0);
    first.c.sock.destroy();
    await h.events.wait((e) => e.event === 'client-disconnected' && e.clientId === 'expiring', 'gone');
    clock.advance(29000);
    await roundTrip(watch.c);
    assert.equal(publishes(watch.c).length, 0, 'no will before its delay');
    clock.advance(1000);
    await watch.c.next(() => publishes(watch.c).length === 1, 'the will');
    assert.equal(publishes(watch.c)[0].topic, 'wills/expiring');
    clock.advance(30000);
    await h.events.wait(
      (e) => e.event === 'log' && /session of 'expiring' expired after 60 s/.test(e.message),
      'expiry',
    );
    const again = await rawConnect(h.port, 'expiring', 5, { clean: false, properties: { sessionExpiryInterval: 60 } });
    assert.equal((again.connack as IConnackPacket).sessionPresent, false);
    again.c.sock.destroy();
    watch.c.sock.destroy();
  });
});

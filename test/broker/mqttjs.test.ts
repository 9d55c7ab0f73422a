// The dev broker against MQTT.js 5: WebSockets and secure WebSockets, and the MQTT 5 features the issue lists (QoS
// 0/1/2, retained, wills, session expiry, message expiry, user properties, request/response, shared subscriptions,
// topic aliases), ServiceAccountToken enhanced authentication and reason code 135.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import mqtt, { MqttClient, IClientOptions } from 'mqtt';
import { AUTO_TLS, fakeJwt, freePorts, listenerYaml, startInProcess, InProcess } from '../helpers/broker';
import { tempDir } from '../helpers/temp';

const SAT_AUTHN = `---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: sat-authn
  namespace: azure-iot-operations
spec:
  authenticationMethods:
  - method: ServiceAccountToken
    serviceAccountTokenSettings:
      audiences: ["my-audience", "other"]
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata:
  name: per-client
  namespace: azure-iot-operations
spec:
  authorizationPolicies:
    rules:
    - principals:
        usernames: ["alice"]
      brokerResources:
      - method: Connect
      - method: Publish
        topics: ["clients/{principal.clientId}/#"]
      - method: Subscribe
        topics: ["clients/{principal.clientId}/#"]
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata:
  name: no-rules
  namespace: azure-iot-operations
spec:
  authorizationPolicies:
    cache: Enabled
`;

/** A message as MQTT.js hands it over. */
interface Got {
  topic: string;
  payload: string;
  packet: any;
}

function collector(c: MqttClient) {
  const got: Got[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  c.on('message', (topic, payload, packet) => {
    got.push({ topic, payload: payload.toString(), packet });
    for (const w of [...waiters])
      if (got.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  return {
    got,
    /** Resolves once `n` messages in total have arrived. */
    count(n: number, timeoutMs = 15000): Promise<Got[]> {
      if (got.length >= n) return Promise.resolve(got);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(new Error(`expected ${n} messages, got ${got.length}: ${JSON.stringify(got.map((g) => g.topic))}`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve(got);
          },
        });
      });
    },
  };
}

describe('dev broker with MQTT.js', () => {
  const stateDir = tempDir();
  let b: InProcess;
  let ws: number, wss: number, tcp: number, sat: number, builtin: number, denyAll: number;
  let ca: Buffer;
  let clock = Date.now();
  const clients: MqttClient[] = [];
  const connect = async (url: string, opts: IClientOptions = {}) => {
    const c = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10000, ...opts });
    clients.push(c);
    return c;
  };

  before(async () => {
    [ws, wss, tcp, sat, builtin, denyAll] = await freePorts(6);
    const yaml =
      listenerYaml('js-listener', [
        { port: ws, protocol: 'WebSockets' },
        {
          port: wss,
          protocol: 'WebSockets',
          tls: AUTO_TLS('Ec256', 'san:\n  dns: ["broker.example.test"]\n  ip: ["10.1.2.3"]'),
        },
        { port: tcp },
        { port: sat, authn: 'sat-authn', authz: 'per-client' },
        { port: builtin, authn: 'default' },
        { port: denyAll, authn: 'sat-authn', authz: 'no-rules' },
      ]) + SAT_AUTHN;
    b = await startInProcess(yaml, { stateDir, now: () => clock });
    ca = fs.readFileSync(b.plan.ports[1].tls!.caFile!);
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await b?.stop();
  });

  test('MQTT over WebSockets: subprotocol mqtt on any path, MQTT 5 and 3.1.1', async () => {
    const sub = await connect(`ws://localhost:${ws}/some/other/path`);
    const got = collector(sub);
    await sub.subscribeAsync('ws/#', { qos: 1 });
    const pub = await connect(`ws://localhost:${ws}/mqtt`, { protocolVersion: 4 });
    assert.equal((pub.stream as any).socket?.protocol ?? 'mqtt', 'mqtt');
    await pub.publishAsync('ws/one', 'hello', { qos: 1 });
    const [m] = await got.count(1);
    assert.equal(m.topic, 'ws/one');
    assert.equal(m.payload, 'hello');
  });

  test('MQTT over secure WebSockets with the dev CA (hostname checked against the SANs)', async () => {
    const c = await connect(`wss://localhost:${wss}/mqtt`, { ca });
    const got = collector(c);
    await c.subscribeAsync('wss/x', { qos: 2 });
    await c.publishAsync('wss/x', 'secure', { qos: 2 });
    assert.equal((await got.count(1))[0].payload, 'secure');
    const l = b.events.all.find((e) => e.event === 'listening' && e.port === wss);
    assert.equal(l.protocol, 'websockets');
    assert.equal(l.tls, true);
    assert.equal(l.url, `wss://localhost:${wss}/mqtt`);
    // Without the CA the client refuses the dev certificate.
    await assert.rejects(
      mqtt.connectAsync(`wss://localhost:${wss}/mqtt`, { reconnectPeriod: 0, connectTimeout: 5000 }),
    );
  });

  test('QoS 0, 1 and 2 are delivered at min(publish QoS, subscription QoS)', async () => {
    const sub = await connect(`mqtt://localhost:${tcp}`);
    const got = collector(sub);
    await sub.subscribeAsync('q/2', { qos: 2 });
    await sub.subscribeAsync('q/1', { qos: 1 });
    const pub = await connect(`ws://localhost:${ws}`);
    for (const qos of [0, 1, 2] as const) await pub.publishAsync('q/2', `q${qos}`, { qos });
    await pub.publishAsync('q/1', 'down', { qos: 2 });
    const msgs = await got.count(4);
    // (MQTT.js hands a QoS 2 message over only after PUBREL, so arrival order is not publish order.)
    assert.deepEqual(msgs.map((m) => [m.topic, m.payload, m.packet.qos]).sort(), [
      ['q/1', 'down', 1],
      ['q/2', 'q0', 0],
      ['q/2', 'q1', 1],
      ['q/2', 'q2', 2],
    ]);
  });

  test('user properties, content type and request/response (response topic + correlation data) pass through', async () => {
    const responder = await connect(`mqtt://localhost:${tcp}`, { clientId: 'responder' });
    await responder.subscribeAsync('svc/request', { qos: 1 });
    responder.on('message', (_t, payload, packet) => {
      const p = packet.properties!;
      responder.publish(p.responseTopic!, `echo:${payload}`, {
        qos: 1,
        properties: { correlationData: p.correlationData, userProperties: { handledBy: 'responder' } },
      });
    });
    const requester = await connect(`ws://localhost:${ws}`, { clientId: 'requester' });
    const got = collector(requester);
    await requester.subscribeAsync('svc/reply/requester', { qos: 1 });
    await requester.publishAsync('svc/request', 'ping', {
      qos: 1,
      properties: {
        responseTopic: 'svc/reply/requester',
        correlationData: Buffer.from('corr-42'),
        userProperties: { a: '1', tags: ['x', 'y'] },
        contentType: 'text/plain',
      },
    });
    const [reply] = await got.count(1);
    assert.equal(reply.payload, 'echo:ping');
    assert.equal(Buffer.from(reply.packet.properties.correlationData).toString(), 'corr-42');
    assert.deepEqual({ ...reply.packet.properties.userProperties }, { handledBy: 'responder' });
  });

  test('user properties with repeated keys and the content type reach the subscriber unchanged', async () => {
    const sub = await connect(`mqtt://localhost:${tcp}`);
    const got = collector(sub);
    await sub.subscribeAsync('props/x', { qos: 1 });
    const pub = await connect(`mqtt://localhost:${tcp}`);
    await pub.publishAsync('props/x', '{}', {
      qos: 1,
      properties: {
        userProperties: { k: ['v1', 'v2'], z: 'last' },
        contentType: 'application/json',
        payloadFormatIndicator: true,
      },
    });
    const [m] = await got.count(1);
    assert.deepEqual({ ...m.packet.properties.userProperties }, { k: ['v1', 'v2'], z: 'last' });
    assert.equal(m.packet.properties.contentType, 'application/json');
    assert.equal(m.packet.properties.payloadFormatIndicator, true);
  });

  test('retained messages: kept, replaced, cleared by an empty payload', async () => {
    const pub = await connect(`mqtt://localhost:${tcp}`);
    await pub.publishAsync('ret/a', 'first', { qos: 1, retain: true });
    await pub.publishAsync('ret/a', 'second', { qos: 1, retain: true });
    await pub.publishAsync('ret/b', 'gone', { qos: 1, retain: true });
    await pub.publishAsync('ret/b', '', { qos: 1, retain: true });
    await pub.publishAsync('ret/z', 'marker', { qos: 1, retain: true });
    const sub = await connect(`ws://localhost:${ws}`);
    const got = collector(sub);
    await sub.subscribeAsync('ret/#', { qos: 1 });
    const msgs = await got.count(2);
    assert.deepEqual(
      msgs.map((m) => [m.topic, m.payload, m.packet.retain]),
      [
        ['ret/a', 'second', true],
        ['ret/z', 'marker', true],
      ],
    );
  });

  test('message expiry: the remaining interval is forwarded and an expired retained message is not delivered', async () => {
    const pub = await connect(`mqtt://localhost:${tcp}`);
    await pub.publishAsync('exp/short', 'soon gone', {
      qos: 1,
      retain: true,
      properties: { messageExpiryInterval: 10 },
    });
    await pub.publishAsync('exp/long', 'stays', { qos: 1, retain: true, properties: { messageExpiryInterval: 100 } });
    clock += 30_000; // 30 s later for the broker
    const sub = await connect(`mqtt://localhost:${tcp}`);
    const got = collector(sub);
    await sub.subscribeAsync('exp/#', { qos: 1 });
    const [m] = await got.count(1);
    assert.equal(m.topic, 'exp/long');
    assert.equal(m.packet.properties.messageExpiryInterval, 70);
    assert.equal(got.got.length, 1);
  });

  test('session expiry: a persistent session keeps subscriptions and queues QoS 1 messages, dropping expired ones', async () => {
    const opts: IClientOptions = { clientId: 'persistent-1', clean: false, properties: { sessionExpiryInterval: 300 } };
    const first = await connect(`mqtt://localhost:${tcp}`, opts);
    await first.subscribeAsync('sess/#', { qos: 1 });
    await first.endAsync();
    const pub = await connect(`mqtt://localhost:${tcp}`);
    await pub.publishAsync('sess/expiring', 'old', { qos: 1, properties: { messageExpiryInterval: 5 } });
    await pub.publishAsync('sess/kept', 'queued while offline', { qos: 1 });
    clock += 10_000;
    const again = mqtt.connect(`mqtt://localhost:${tcp}`, { ...opts, protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(again);
    const got = collector(again);
    const connack: any = await new Promise((r) => again.once('connect', r));
    assert.equal(connack.sessionPresent, true);
    const [m] = await got.count(1);
    assert.deepEqual([m.topic, m.payload], ['sess/kept', 'queued while offline']);
  });

  test('session expiry: a session with expiry 0 ends with its connection; a short one ends when it elapses', async () => {
    const zero = await connect(`mqtt://localhost:${tcp}`, {
      clientId: 'ephemeral',
      clean: false,
      properties: { sessionExpiryInterval: 0 },
    });
    await zero.subscribeAsync('e/#');
    await zero.endAsync();
    const back = mqtt.connect(`mqtt://localhost:${tcp}`, {
      clientId: 'ephemeral',
      clean: false,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    clients.push(back);
    assert.equal(((await new Promise((r) => back.once('connect', r))) as any).sessionPresent, false);

    const short = await connect(`mqtt://localhost:${tcp}`, {
      clientId: 'short-lived',
      clean: false,
      properties: { sessionExpiryInterval: 1 },
    });
    await short.endAsync();
    await b.events.wait(
      (e) => e.event === 'log' && /session of 'short-lived' expired/.test(e.message),
      'session expiry',
    );
    const later = mqtt.connect(`mqtt://localhost:${tcp}`, {
      clientId: 'short-lived',
      clean: false,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    clients.push(later);
    assert.equal(((await new Promise((r) => later.once('connect', r))) as any).sessionPresent, false);
  });

  test('wills: published when the connection is lost, with its properties; not after a normal DISCONNECT', async () => {
    const watcher = await connect(`ws://localhost:${ws}`);
    const got = collector(watcher);
    await watcher.subscribeAsync('will/#', { qos: 1 });
    const will = {
      topic: 'will/dying',
      payload: Buffer.from('gone'),
      qos: 1 as const,
      retain: false,
      properties: { userProperties: { why: 'crash' } },
    };
    const polite = await connect(`mqtt://localhost:${tcp}`, {
      clientId: 'polite',
      will: { ...will, topic: 'will/polite' },
    });
    await polite.endAsync();
    const dying = await connect(`mqtt://localhost:${tcp}`, { clientId: 'dying', will });
    dying.stream.destroy(); // the connection drops without DISCONNECT
    const [m] = await got.count(1);
    assert.equal(m.topic, 'will/dying');
    assert.equal(m.payload, 'gone');
    assert.deepEqual({ ...m.packet.properties.userProperties }, { why: 'crash' });
    const pub = await connect(`mqtt://localhost:${tcp}`);
    await pub.publishAsync('will/marker', 'end', { qos: 1 });
    const all = await got.count(2);
    assert.deepEqual(
      all.map((x) => x.topic),
      ['will/dying', 'will/marker'],
    );
  });

  test('wills with a delay interval are published once the delay has passed', async () => {
    const watcher = await connect(`mqtt://localhost:${tcp}`);
    const got = collector(watcher);
    await watcher.subscribeAsync('delayed/#', { qos: 1 });
    const c = await connect(`mqtt://localhost:${tcp}`, {
      clientId: 'delayed-will',
      properties: { sessionExpiryInterval: 60 },
      will: {
        topic: 'delayed/w',
        payload: Buffer.from('late'),
        qos: 1,
        retain: false,
        properties: { willDelayInterval: 1 },
      },
    });
    const lostAt = Date.now();
    c.stream.destroy();
    const [m] = await got.count(1);
    assert.equal(m.payload, 'late');
    assert.ok(Date.now() - lostAt >= 900, 'the will waited for its delay');
  });

  test('shared subscriptions: $share/group/filter splits messages between members; plain subscribers get all', async () => {
    const a = await connect(`mqtt://localhost:${tcp}`, { clientId: 'worker-a' });
    const bb = await connect(`ws://localhost:${ws}`, { clientId: 'worker-b', protocolVersion: 4 });
    const all = await connect(`mqtt://localhost:${tcp}`, { clientId: 'auditor' });
    const ga = collector(a),
      gb = collector(bb),
      gall = collector(all);
    const [granted] = await a.subscribeAsync('$share/workers/jobs/#', { qos: 1 });
    assert.equal(granted.qos, 1);
    await bb.subscribeAsync('$share/workers/jobs/#', { qos: 1 });
    await all.subscribeAsync('jobs/#', { qos: 1 });
    const pub = await connect(`mqtt://localhost:${tcp}`);
    for (let i = 0; i < 10; i++) await pub.publishAsync(`jobs/${i}`, String(i), { qos: 1 });
    await gall.count(10);
    await (async () => {
      while (ga.got.length + gb.got.length < 10)
        await Promise.race([ga.count(ga.got.length + 1), gb.count(gb.got.length + 1)]);
    })();
    assert.deepEqual(
      [...ga.got, ...gb.got].map((m) => Number(m.payload)).sort((x, y) => x - y),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.equal(ga.got.length, 5);
    assert.equal(gb.got.length, 5);
  });

  test('topic aliases: publishes that carry only an alias reach subscribers under the full topic', async () => {
    const sub = await connect(`mqtt://localhost:${tcp}`);
    const got = collector(sub);
    await sub.subscribeAsync('alias/#', { qos: 1 });
    const pub = await connect(`mqtt://localhost:${tcp}`, { autoAssignTopicAlias: true });
    for (let i = 0; i < 3; i++) await pub.publishAsync('alias/long/topic/name', `m${i}`, { qos: 1 });
    // Explicit alias use: set alias 7, then publish with an empty topic.
    await pub.publishAsync('alias/explicit', 'set', { qos: 1, properties: { topicAlias: 7 } });
    await pub.publishAsync('', 'by-alias', { qos: 1, properties: { topicAlias: 7 } });
    const msgs = await got.count(5);
    assert.deepEqual(
      msgs.map((m) => [m.topic, m.payload]),
      [
        ['alias/long/topic/name', 'm0'],
        ['alias/long/topic/name', 'm1'],
        ['alias/long/topic/name', 'm2'],
        ['alias/explicit', 'set'],
        ['alias/explicit', 'by-alias'],
      ],
    );
  });

  describe('ServiceAccountToken authentication (K8S-SAT) and authorization', () => {
    const token = (aud: string | string[], extra: Record<string, unknown> = {}) =>
      Buffer.from(
        fakeJwt({
          aud,
          sub: 'system:serviceaccount:azure-iot-operations:app',
          exp: Math.floor(Date.now() / 1000) + 3600,
          ...extra,
        }),
      );

    test('a JWT-shaped token whose audience matches is accepted, and the log says the check is dev-only', async () => {
      const c = await connect(`mqtt://localhost:${sat}`, {
        clientId: 'sat-1',
        username: 'alice',
        properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('my-audience') },
      });
      assert.ok(c.connected);
      const note = await b.events.wait(
        (e) => e.event === 'log' && /sat-1/.test(e.message) && /signature is not verified/.test(e.message),
        'SAT note',
      );
      assert.match(note.message, /audience 'my-audience'/);
    });

    test('a token for another audience is refused (bad credentials)', async () => {
      await assert.rejects(
        connect(`mqtt://localhost:${sat}`, {
          clientId: 'sat-2',
          properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('someone-else') },
        }),
        (e: any) => {
          assert.equal(e.code, 0x86);
          return true;
        },
      );
      const r = await b.events.wait((e) => e.event === 'client-rejected' && e.clientId === 'sat-2', 'rejection');
      assert.match(r.reason, /audience \(someone-else\) is not one of my-audience, other/);
    });

    test('no enhanced authentication: refused with not authorized; an unknown method: bad authentication method', async () => {
      await assert.rejects(connect(`mqtt://localhost:${sat}`, { clientId: 'sat-3' }), (e: any) => {
        assert.equal(e.code, 0x87);
        return true;
      });
      await assert.rejects(
        connect(`mqtt://localhost:${sat}`, {
          clientId: 'sat-4',
          properties: { authenticationMethod: 'SCRAM-SHA-1', authenticationData: Buffer.from('x') },
        }),
        (e: any) => {
          assert.equal(e.code, 0x8c);
          return true;
        },
      );
    });

    test('the built-in default BrokerAuthentication (SAT, audience aio-internal) applies when none is in the workspace', async () => {
      const l = b.events.all.find((e) => e.event === 'listening' && e.port === builtin);
      assert.match(l.authentication, /^default \(AIO built-in/);
      const ok = await connect(`mqtt://localhost:${builtin}`, {
        properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('aio-internal') },
      });
      assert.ok(ok.connected);
      await assert.rejects(
        connect(`mqtt://localhost:${builtin}`, {
          properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('my-audience') },
        }),
      );
    });

    test('{principal.clientId} substitution: own topics allowed, others denied with reason code 135', async () => {
      const c = await connect(`mqtt://localhost:${sat}`, {
        clientId: 'dev-7',
        username: 'alice',
        properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('other') },
      });
      const got = collector(c);
      const [g1] = await c.subscribeAsync('clients/dev-7/#', { qos: 1 });
      assert.equal(g1.qos, 1);
      await assert.rejects(c.subscribeAsync('clients/#', { qos: 1 }), (e: any) => {
        assert.deepEqual(e.packet.granted, [0x87]);
        return true;
      });
      await c.publishAsync('clients/dev-7/data', 'mine', { qos: 1 });
      await assert.rejects(c.publishAsync('clients/dev-8/data', 'theirs', { qos: 1 }), (e: any) => {
        assert.equal(e.code, 135);
        return true;
      });
      assert.equal((await got.count(1))[0].payload, 'mine');
      const decisions = b.events.all.filter((e) => e.event === 'decision' && e.clientId === 'dev-7');
      assert.deepEqual(
        decisions.map((d) => [d.action, d.resource ?? null, d.allowed]),
        [
          ['Connect', null, true],
          ['Subscribe', 'clients/dev-7/#', true],
          ['Subscribe', 'clients/#', false],
          ['Publish', 'clients/dev-7/data', true],
          ['Publish', 'clients/dev-8/data', false],
        ],
      );
    });

    test('a principal no rule names cannot connect', async () => {
      await assert.rejects(
        connect(`mqtt://localhost:${sat}`, {
          clientId: 'mallory',
          username: 'mallory',
          properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('other') },
        }),
        (e: any) => {
          assert.equal(e.code, 0x87);
          return true;
        },
      );
      const d = await b.events.wait((e) => e.event === 'decision' && e.clientId === 'mallory', 'decision');
      assert.equal(d.allowed, false);
      assert.match(d.reason, /no rule names this principal/);
    });

    test('a BrokerAuthorization without rules denies everything', async () => {
      await assert.rejects(
        connect(`mqtt://localhost:${denyAll}`, {
          clientId: 'alice-2',
          username: 'alice',
          properties: { authenticationMethod: 'K8S-SAT', authenticationData: token('other') },
        }),
        (e: any) => {
          assert.equal(e.code, 0x87);
          return true;
        },
      );
      const d = await b.events.wait((e) => e.event === 'decision' && e.clientId === 'alice-2', 'decision');
      assert.match(d.reason, /no rules/);
    });
  });
});

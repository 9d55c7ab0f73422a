// Authorization holds on every way a message enters the dev broker: a will is a Publish like any other (decided at
// CONNECT, as mosquitto 2 does: refused with 0x87 / return code 5), with the real mosquitto_sub killed by SIGKILL;
// retained messages, shared subscriptions and topic aliases go through the same rules. "Reaches nobody" is shown
// with a marker message the watcher receives after anything that would have leaked (no waiting on time).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import type { IPubackPacket } from 'mqtt-packet';
import { clientCert } from '../../server/src/devbroker';
import { AUTO_TLS, fakeJwt, freePorts, listenerYaml, startInProcess, startProcess, InProcess } from '../helpers/broker';
import { rawConnect } from '../helpers/raw-mqtt';
import { tempDir } from '../helpers/temp';

const POLICY = `---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthentication
metadata:
  name: clients
  namespace: azure-iot-operations
spec:
  authenticationMethods:
  - method: X509
  - method: ServiceAccountToken
    serviceAccountTokenSettings:
      audiences: ["dev-aud"]
---
apiVersion: mqttbroker.iotoperations.azure.com/v1
kind: BrokerAuthorization
metadata:
  name: policy
  namespace: azure-iot-operations
spec:
  authorizationPolicies:
    rules:
    - principals:
        clientIds: ["sensor", "sensor-v3"]
      brokerResources:
      - method: Connect
      - method: Publish
        topics: ["status/{principal.clientId}", "public/#"]
      - method: Subscribe
        topics: ["commands/#"]
    - principals:
        clientIds: ["watcher", "late-watcher"]
      brokerResources:
      - method: Connect
      - method: Subscribe
        topics: ["#"]
    - principals:
        clientIds: ["controller"]
      brokerResources:
      - method: Connect
      - method: Publish
        topics: ["#"]
`;

const token = Buffer.from(fakeJwt({ aud: 'dev-aud' }));

describe('authorization on every way in (wills, retained, shared subscriptions, topic aliases)', () => {
  const stateDir = tempDir();
  const work = tempDir('brokerkit-authz-');
  let b: InProcess;
  let satPort: number, tlsPort: number;
  let caFile: string;
  const clients: MqttClient[] = [];

  const connect = async (clientId: string): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${satPort}`, {
      clientId,
      protocolVersion: 5,
      reconnectPeriod: 0,
      properties: { authenticationMethod: 'K8S-SAT', authenticationData: token },
    });
    clients.push(c);
    return c;
  };
  /** A watcher subscribed to everything; `until(topic)` resolves with what it saw up to that topic's message. */
  const watcher = async (clientId = 'watcher') => {
    const c = await connect(clientId);
    const seen: { topic: string; payload: string; retain: boolean }[] = [];
    const waits: { topic: string; resolve: () => void }[] = [];
    c.on('message', (topic, payload, packet) => {
      seen.push({ topic, payload: payload.toString(), retain: packet.retain });
      for (const w of waits.filter((x) => x.topic === topic)) w.resolve();
    });
    await c.subscribeAsync('#', { qos: 1 });
    return {
      c,
      seen,
      until: (topic: string) =>
        seen.some((s) => s.topic === topic)
          ? Promise.resolve(seen)
          : new Promise<typeof seen>((r) => waits.push({ topic, resolve: () => r(seen) })),
    };
  };
  let markers = 0;
  /** Publishes a marker as the controller; everything routed before it has reached the watchers once it arrives. */
  const marker = async () => {
    const topic = `public/marker-${++markers}`;
    const ctl = await connect(`controller`);
    await ctl.publishAsync(topic, 'm', { qos: 1 });
    await ctl.endAsync();
    return topic;
  };

  before(async () => {
    [satPort, tlsPort] = await freePorts(2);
    b = await startInProcess(
      listenerYaml('authz', [
        { port: satPort, authn: 'clients', authz: 'policy' },
        { port: tlsPort, authn: 'clients', authz: 'policy', tls: AUTO_TLS() },
      ]) + POLICY,
      { stateDir },
    );
    caFile = b.plan.ports[1].tls!.caFile!;
    await clientCert(stateDir, { name: 'sensor-v3', outDir: work });
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await b.stop();
  });

  const satArgs = [
    '-V',
    'mqttv5',
    '-D',
    'connect',
    'authentication-method',
    'K8S-SAT',
    '-D',
    'connect',
    'authentication-data',
    token.toString(),
  ];
  const x509Args = () => [
    '-V',
    'mqttv311',
    '--cafile',
    caFile,
    '--cert',
    path.join(work, 'sensor-v3.crt'),
    '--key',
    path.join(work, 'sensor-v3.key'),
  ];

  for (const [label, id, port, args] of [
    ['MQTT 5 (K8S-SAT)', 'sensor', () => satPort, () => satArgs],
    ['MQTT 3.1.1 (X509)', 'sensor-v3', () => tlsPort, x509Args],
  ] as const) {
    test(`${label}: mosquitto_sub with a forbidden retained will is refused at CONNECT; the will reaches nobody and is not retained`, async () => {
      const w = await watcher();
      const sub = startProcess('mosquitto_sub', [
        '-h',
        'localhost',
        '-p',
        String(port()),
        ...args(),
        '-i',
        id,
        '-t',
        'commands/x',
        '--will-topic',
        'secret/will',
        '--will-payload',
        'leaked',
        '--will-retain',
        '--will-qos',
        '1',
      ]);
      const refused = await b.events.wait((e) => e.event === 'client-rejected' && e.clientId === id, 'refusal');
      assert.match(refused.reason, /not authorized to publish its will to 'secret\/will'/);
      const decision = b.events.all.find((e) => e.event === 'decision' && e.clientId === id && e.will);
      assert.deepEqual(
        { action: decision.action, resource: decision.resource, allowed: decision.allowed },
        { action: 'Publish', resource: 'secret/will', allowed: false },
      );
      const r = await sub.done; // refused: mosquitto_sub ends by itself
      assert.match(r.stderr, /not authori[sz]ed/i, r.stderr);
      const seen = await w.until(await marker());
      assert.deepEqual(
        seen.filter((s) => s.topic.startsWith('secret/')),
        [],
      );
      const late = await watcher('late-watcher');
      const lateSeen = await late.until(await marker());
      assert.deepEqual(
        lateSeen.filter((s) => s.topic.startsWith('secret/')),
        [],
        'nothing retained under secret/',
      );
      await Promise.all([w.c.endAsync(), late.c.endAsync()]);
    });

    test(`${label}: mosquitto_sub with an allowed retained will, killed by SIGKILL: the will is delivered and retained`, async () => {
      const w = await watcher();
      const willTopic = `status/${id}`;
      const sub = startProcess('mosquitto_sub', [
        '-h',
        'localhost',
        '-p',
        String(port()),
        ...args(),
        '-i',
        id,
        '-t',
        'commands/x',
        '--will-topic',
        willTopic,
        '--will-payload',
        'offline',
        '--will-retain',
        '--will-qos',
        '1',
      ]);
      await b.events.wait(
        (e) => e.event === 'subscribe' && e.clientId === id && e.filter === 'commands/x',
        'subscribe',
      );
      sub.child.kill('SIGKILL');
      await sub.done;
      const seen = await w.until(willTopic);
      assert.deepEqual(
        seen.filter((s) => s.topic === willTopic).map((s) => s.payload),
        ['offline'],
      );
      const late = await watcher('late-watcher');
      const lateSeen = await late.until(willTopic);
      assert.deepEqual(
        lateSeen.filter((s) => s.topic === willTopic).map((s) => [s.payload, s.retain]),
        [['offline', true]],
      );
      await Promise.all([w.c.endAsync(), late.c.endAsync()]);
    });
  }

  test('a retained publish to a forbidden topic is refused (0x87) and not retained; an allowed one is', async () => {
    const sensor = await connect('sensor');
    await assert.rejects(sensor.publishAsync('secret/config', 'x', { qos: 1, retain: true }), /135|Not authorized/i);
    await sensor.publishAsync('status/sensor', 'up', { qos: 1, retain: true });
    await sensor.endAsync();
    const late = await watcher('late-watcher');
    const seen = await late.until('status/sensor');
    assert.deepEqual(
      seen.filter((s) => s.topic.startsWith('secret/')),
      [],
    );
    assert.equal(seen.find((s) => s.topic === 'status/sensor')?.retain, true);
    await late.c.endAsync();
  });

  test('shared subscriptions: $share/g/<forbidden> is refused (0x87); $share/g/<allowed> gets only allowed topics', async () => {
    const sensor = await connect('sensor');
    // MQTT.js rejects a SUBACK with any failure code; the packet still says what each filter got.
    const suback = await sensor
      .subscribeAsync({ '$share/g/secret/#': { qos: 1 }, '$share/g/commands/#': { qos: 1 } })
      .then(
        () => assert.fail('the forbidden share was granted'),
        (e: { packet?: { granted?: number[] } }) => e.packet,
      );
    assert.deepEqual(suback?.granted, [135, 1]);
    const got: string[] = [];
    const done = new Promise<void>((r) =>
      sensor.on('message', (topic) => {
        got.push(topic);
        if (topic === 'commands/last') r();
      }),
    );
    const ctl = await connect('controller');
    await ctl.publishAsync('secret/a', 'x', { qos: 1 });
    await ctl.publishAsync('commands/last', 'x', { qos: 1 });
    await done;
    assert.deepEqual(got, ['commands/last']);
    await Promise.all([sensor.endAsync(), ctl.endAsync()]);
  });

  test('topic aliases: an alias set to a forbidden topic and reused is refused each time; an allowed alias works', async () => {
    const w = await watcher();
    const props = { authenticationMethod: 'K8S-SAT', authenticationData: token };
    const { c, connack } = await rawConnect(satPort, 'sensor', 5, { properties: props });
    assert.equal(connack.reasonCode, 0);
    const pub = (id: number, topic: string, alias: number) =>
      c.send({
        cmd: 'publish',
        messageId: id,
        qos: 1,
        dup: false,
        retain: false,
        topic,
        payload: Buffer.from(`p${id}`),
        properties: { topicAlias: alias },
      });
    const ack = (id: number) => c.next<IPubackPacket>((p) => p.cmd === 'puback' && p.messageId === id, `PUBACK ${id}`);
    pub(1, 'secret/a', 1);
    assert.equal((await ack(1)).reasonCode, 135);
    pub(2, '', 1); // the alias alone: still secret/a
    assert.equal((await ack(2)).reasonCode, 135);
    pub(3, 'status/sensor', 2);
    assert.equal((await ack(3)).reasonCode ?? 0, 0);
    pub(4, '', 2);
    assert.equal((await ack(4)).reasonCode ?? 0, 0);
    pub(5, 'secret/b', 2); // re-pointing an allowed alias at a forbidden topic
    assert.equal((await ack(5)).reasonCode, 135);
    pub(6, '', 2);
    assert.equal((await ack(6)).reasonCode, 135);
    const seen = await w.until(await marker());
    assert.deepEqual(
      seen.filter((s) => !s.topic.startsWith('public/') && !s.retain).map((s) => `${s.topic}=${s.payload}`),
      ['status/sensor=p3', 'status/sensor=p4'],
    );
    const decisions = b.events.all.filter(
      (e) => e.event === 'decision' && e.clientId === 'sensor' && e.action === 'Publish',
    );
    assert.ok(
      decisions.some((d) => d.resource === 'secret/b' && !d.allowed),
      'the resolved topic is what is authorized',
    );
    c.sock.destroy();
    await w.c.endAsync();
  });
});

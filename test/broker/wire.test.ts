// The dev broker encodes a PUBLISH without properties and decodes the commonest PUBLISH and PUBACK frames itself
// (the hot path of every message); everything it produces or reads must be what mqtt-packet produces or reads, and
// anything unusual must be left to mqtt-packet's parser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as mqttPacket from 'mqtt-packet';
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { decodePublish, encodePublish } from '../../server/src/devbroker/mqtt/connection';

const topics = ['a', 'plant/line-1/temp', 'ünïcødé/✓/𝄞', 'x'.repeat(300)];
// Remaining lengths on both sides of each varint boundary (127/128, 16383/16384, 2097151/2097152).
const payloadSizes = [0, 1, 100, 120, 16370, 16380, 2097140, 2097150];

function cases(): { p: IPublishPacket; version: 4 | 5 }[] {
  const out: { p: IPublishPacket; version: 4 | 5 }[] = [];
  for (const version of [4, 5] as const)
    for (const topic of topics)
      for (const size of payloadSizes)
        for (const qos of [0, 1, 2] as QoS[])
          for (const flags of [0, 1, 2, 3]) {
            const p: IPublishPacket = {
              cmd: 'publish',
              topic,
              payload: Buffer.alloc(size, 0x5a),
              qos,
              retain: (flags & 1) !== 0,
              dup: qos > 0 && (flags & 2) !== 0,
            };
            if (qos > 0) p.messageId = 1 + ((size + flags * 7919) % 65535);
            out.push({ p, version });
          }
  return out;
}

function headerLength(frame: Buffer): number {
  let i = 1;
  while (frame[i] & 0x80) i++;
  return i + 1;
}

function parseWithMqttPacket(frame: Buffer, version: 4 | 5): IPublishPacket {
  const parser = mqttPacket.parser({ protocolVersion: version });
  let got: IPublishPacket | undefined;
  parser.on('packet', (x) => (got = x as IPublishPacket));
  parser.on('error', (e) => assert.fail(e));
  parser.parse(frame);
  assert.ok(got, 'mqtt-packet parsed nothing');
  return got;
}

describe('PUBLISH and PUBACK on the wire', () => {
  test('a PUBLISH without properties is encoded byte for byte as mqtt-packet encodes it', () => {
    let n = 0;
    for (const { p, version } of cases()) {
      const ours = encodePublish(p, version);
      const theirs = mqttPacket.generate(p, { protocolVersion: version });
      assert.ok(ours.equals(theirs), `v${version} qos ${p.qos} topic ${p.topic.length} payload ${p.payload.length}`);
      n++;
    }
    assert.ok(n > 700);
  });

  test('a PUBLISH without properties is decoded as mqtt-packet decodes it, with its payload copied', () => {
    for (const { p, version } of cases()) {
      const frame = mqttPacket.generate(p, { protocolVersion: version });
      const ours = decodePublish(frame, headerLength(frame), version);
      const theirs = parseWithMqttPacket(frame, version);
      assert.ok(ours, `v${version} qos ${p.qos}: not decoded`);
      for (const k of ['topic', 'qos', 'retain', 'dup', 'messageId', 'length'] as const)
        assert.equal(ours[k], theirs[k], `${k} (v${version} qos ${p.qos} payload ${p.payload.length})`);
      assert.ok((ours.payload as Buffer).equals(theirs.payload as Buffer));
      if (p.payload.length > 0) {
        frame[frame.length - 1] ^= 0xff; // the frame's bytes are reused by the network layer; the payload is a copy
        assert.equal((ours.payload as Buffer)[p.payload.length - 1], 0x5a);
      }
    }
  });

  test('anything unusual is left to the parser: properties, QoS 3, packet id 0, a topic past the end', () => {
    const withProps = mqttPacket.generate(
      {
        cmd: 'publish',
        topic: 't',
        payload: Buffer.from('x'),
        qos: 1,
        messageId: 5,
        retain: false,
        dup: false,
        properties: { contentType: 'text/plain' },
      },
      { protocolVersion: 5 },
    );
    assert.equal(decodePublish(withProps, headerLength(withProps), 5), undefined);
    const qos1 = mqttPacket.generate(
      { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 1, messageId: 5, retain: false, dup: false },
      { protocolVersion: 4 },
    );
    const qos3 = Buffer.from(qos1);
    qos3[0] |= 0x06;
    assert.equal(decodePublish(qos3, 2, 4), undefined);
    const id0 = Buffer.from(qos1);
    id0.writeUInt16BE(0, 2 + 2 + 1);
    assert.equal(decodePublish(id0, 2, 4), undefined);
    const longTopic = Buffer.from(qos1);
    longTopic.writeUInt16BE(200, 2);
    assert.equal(decodePublish(longTopic, 2, 4), undefined);
    assert.equal(decodePublish(Buffer.from([0x30, 0x01, 0x00]), 2, 4), undefined);
  });

  test('a PUBACK of success is the 4 bytes mqtt-packet reads back as success in both versions', () => {
    for (const version of [4, 5] as const)
      for (const id of [1, 258, 65535]) {
        const frame = Buffer.from([0x40, 2, id >> 8, id & 0xff]);
        assert.ok(
          frame.equals(
            mqttPacket.generate({ cmd: 'puback', messageId: id, reasonCode: 0 }, { protocolVersion: version }),
          ),
        );
        const parser = mqttPacket.parser({ protocolVersion: version });
        let got: mqttPacket.IPubackPacket | undefined;
        parser.on('packet', (x) => (got = x as mqttPacket.IPubackPacket));
        parser.parse(frame);
        assert.equal(got?.messageId, id);
        assert.ok(!got?.reasonCode);
      }
  });
});

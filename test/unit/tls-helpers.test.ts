// The pure helpers behind the TLS rules: Go durations, human durations, IP and DNS syntax, wildcard matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dnsMatches,
  formatGoDuration,
  isDnsName,
  isIPv4,
  isIPv6,
  parseGoDuration,
  parseHumanDuration,
} from '../../server/src/engine/tls';

test('Go durations as time.ParseDuration reads them', () => {
  const ok: [string, number][] = [
    ['2160h', 2160 * 3600],
    ['1h30m', 5400],
    ['45m', 2700],
    ['1.5h', 5400],
    ['.5h', 1800],
    ['300ms', 0.3],
    ['0', 0],
    ['-1h', -3600],
    ['1h0m0s', 3600],
    ['10us', 1e-5],
    ['10µs', 1e-5],
  ];
  for (const [text, seconds] of ok) assert.ok(Math.abs(parseGoDuration(text)! - seconds) < 1e-9, text);
  for (const bad of ['90d', '2160', '', 'h', '1 h', '1H', '30 days', '1h ', '.h', '1.5.5h', '+'])
    assert.equal(parseGoDuration(bad), undefined, bad);
});

test('durations people write instead are read and re-spelled in Go units', () => {
  const cases: [string, string | undefined][] = [
    ['90d', '2160h'],
    ['30 days', '720h'],
    ['1 week', '168h'],
    ['240H', '240h'],
    ['P90D', '2160h'],
    ['PT1H30M', '1h30m'],
    ['1d12h', '36h'],
    ['1.5d', '36h'],
    ['1 day and 2 hours', '26h'],
    ['1y', '8760h'],
    ['3M', undefined],
    ['3 months', undefined],
    ['2160', undefined],
    ['soon', undefined],
  ];
  for (const [text, go] of cases) {
    const s = parseHumanDuration(text);
    assert.equal(s === undefined ? undefined : formatGoDuration(s), go, text);
  }
});

test('IPv4 and IPv6 syntax', () => {
  for (const ip of ['10.0.0.4', '255.255.255.255', '0.0.0.0']) assert.ok(isIPv4(ip), ip);
  for (const ip of ['10.0.0.300', '010.0.0.1', '1.2.3', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.4/24'])
    assert.ok(!isIPv4(ip), ip);
  for (const ip of [
    '::1',
    '::',
    'fd00::10',
    '2001:db8::8a2e:370:7334',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '::ffff:10.0.0.1',
    'FE80::1',
  ])
    assert.ok(isIPv6(ip), ip);
  for (const ip of [
    '1:2:3:4:5:6:7',
    '1::2::3',
    ':1::2',
    '12345::',
    'fe80::1%eth0',
    '::ffff:10.0.0.300',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
  ])
    assert.ok(!isIPv6(ip), ip);
});

test('DNS names and wildcard matching', () => {
  for (const n of [
    'mqtts-endpoint',
    'aio-broker.azure-iot-operations.svc.cluster.local',
    '*.example.com',
    'A1.example.com',
    'x'.repeat(63),
  ])
    assert.ok(isDnsName(n), n);
  for (const n of ['', 'bad_name', '-bad', 'bad-', '*', 'a.*.b', 'example.com.', 'x'.repeat(64), 'a..b', 'https://x'])
    assert.ok(!isDnsName(n), n);
  assert.ok(dnsMatches('*.azure-iot-operations', 'mqtts-endpoint.azure-iot-operations'));
  assert.ok(dnsMatches('MQTTS-Endpoint', 'mqtts-endpoint'));
  assert.ok(!dnsMatches('*.azure-iot-operations', 'mqtts-endpoint'));
  assert.ok(!dnsMatches('*.svc.cluster.local', 'a.b.svc.cluster.local'));
});

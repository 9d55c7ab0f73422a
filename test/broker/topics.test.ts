// Topic filters, shared-subscription names, subscribe coverage and principal substitution (pure functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers, matches, parseShare, validFilter, validTopicName } from '../../server/src/devbroker/mqtt/topics';
import { RetainedStore, SubscriptionIndex } from '../../server/src/devbroker/mqtt/topic-tree';
import type { Subscription } from '../../server/src/devbroker/mqtt/session';
import { substitute } from '../../server/src/devbroker/authz';
import { checkToken, normalizeSubject } from '../../server/src/devbroker/authn';
import { parseGoDuration, parseKeyAlgorithm } from '../../server/src/devbroker/certs';
import { fakeJwt } from '../helpers/broker';

test('topic filters match as MQTT says, $ topics only explicitly', () => {
  assert.equal(matches('a/+/c', 'a/b/c'), true);
  assert.equal(matches('a/#', 'a'), true);
  assert.equal(matches('a/#', 'a/b/c'), true);
  assert.equal(matches('a/+', 'a/b/c'), false);
  assert.equal(matches('#', '$SYS/x'), false);
  assert.equal(matches('$SYS/#', '$SYS/x'), true);
  assert.equal(validFilter('a/#/b'), false);
  assert.equal(validFilter('a/b+'), false);
  assert.equal(validTopicName('a/+'), false);
});

test('shared subscription names', () => {
  assert.deepEqual(parseShare('$share/g1/jobs/#'), { group: 'g1', filter: 'jobs/#' });
  assert.equal(parseShare('jobs/#'), undefined);
  assert.equal(parseShare('$share/g1'), null);
  assert.equal(parseShare('$share//x'), null);
  assert.equal(parseShare('$share/g+/x'), null);
});

test('a subscribe rule covers a requested filter only when it matches everything the request can', () => {
  assert.equal(covers('clients/a/#', 'clients/a/x/y'), true);
  assert.equal(covers('clients/a/#', 'clients/a/#'), true);
  assert.equal(covers('clients/+/x', 'clients/a/x'), true);
  assert.equal(covers('clients/a/#', 'clients/#'), false);
  assert.equal(covers('clients/+/x', 'clients/+/y'), false);
  assert.equal(covers('clients/a', 'clients/+'), false);
});

test('principal substitution: missing values and values that would add levels do not match', () => {
  const p = { clientId: 'dev-1', username: 'alice', attributes: { building: '17', bad: 'a/b' } };
  assert.equal(substitute('x/{principal.clientId}/{principal.attributes.building}/#', p, true), 'x/dev-1/17/#');
  assert.equal(substitute('u/{principal.username}', p, true), 'u/alice');
  assert.equal(substitute('x/{principal.attributes.floor}', p, true), undefined);
  assert.equal(substitute('x/{principal.attributes.bad}', p, true), undefined);
  assert.equal(substitute('{principal.attributes.bad}*', p, false), 'a/b*');
});

test('subjects compare attribute by attribute; tokens are checked for shape, expiry and audience', () => {
  assert.equal(
    normalizeSubject('CN = Contoso Root CA Cert, OU = Engineering, C = US'),
    normalizeSubject('C=US\nOU=Engineering\nCN=Contoso Root CA Cert'),
  );
  assert.equal(checkToken('abc', ['a']).ok, false);
  assert.equal(checkToken(fakeJwt({ aud: ['x', 'a'] }), ['a']).ok, true);
  assert.match(checkToken(fakeJwt({ aud: 'a', exp: 1000 }), ['a']).message, /expired/);
  assert.equal(checkToken(fakeJwt({ aud: 'a', sub: 'system:serviceaccount:ns:sa' }), ['a']).name, 'sa');
});

test('key algorithm and duration spellings', () => {
  assert.equal(parseKeyAlgorithm('ec384'), 'Ec384');
  assert.equal(parseKeyAlgorithm('EC384'), undefined);
  assert.equal(parseGoDuration('2160h'), 2160 * 3600e3);
  assert.equal(parseGoDuration('1h30m'), 5400e3);
  assert.equal(parseGoDuration('90d'), undefined);
});

test('the topic tries agree with matches() on every filter/topic pair, $ topics included', () => {
  const filters = [
    '#',
    '+',
    'a',
    'a/#',
    'a/+',
    'a/+/c',
    '+/b/#',
    'a/b/c',
    '+/+',
    '$SYS/#',
    '$SYS/+',
    '+/#',
    'a//c',
    'a/+/+',
    '',
  ];
  const topics = ['a', 'a/b', 'a/b/c', 'a/x/c', 'b/b/d', '$SYS/x', '$SYS', 'a//c', 'x', '/a', 'a/b/c/d'];
  const index = new SubscriptionIndex();
  const subs = filters.filter(validFilter).map((f) => {
    const sub = { filter: f, topicFilter: f, levels: f.split('/') } as unknown as Subscription;
    index.add(sub);
    return sub;
  });
  const store = new RetainedStore();
  for (const t of topics) store.set({ topic: t, payload: Buffer.from('x'), qos: 0, retain: true, from: 'x' });
  for (const t of topics) {
    const hit: string[] = [];
    index.match(
      t,
      (s) => hit.push(s.filter),
      () => undefined,
    );
    assert.deepEqual(
      hit.sort(),
      subs
        .map((s) => s.filter)
        .filter((f) => matches(f, t))
        .sort(),
      `topic ${t}`,
    );
  }
  for (const s of subs)
    assert.deepEqual(
      store.topics(s.levels).sort(),
      topics.filter((t) => matches(s.filter, t)).sort(),
      `filter ${s.filter}`,
    );
  // Removing prunes: nothing matches afterwards, and the retained store counts what it holds.
  for (const s of subs) index.remove(s);
  for (const t of topics)
    index.match(
      t,
      () => assert.fail('removed'),
      () => assert.fail('removed'),
    );
  assert.equal(store.count, topics.length);
  store.delete('a/b');
  assert.equal(store.get('a/b'), undefined);
  assert.ok(store.get('a/b/c'));
  assert.equal(store.count, topics.length - 1);
});

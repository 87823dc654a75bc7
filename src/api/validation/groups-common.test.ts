import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import {
  cidrContains,
  intOrPercentValue,
  ipBytes,
  isDomainPrefixedPath,
  isNotMoreThan100Percent,
  labelSelectorAsSelector,
  parseCIDRBytes,
  validateCollisionCountNotDecremented,
  validateNonSpecialIP,
  validatePositiveIntOrPercent,
} from './groups-common.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

test('int-or-percent values read as Kubernetes reads them', () => {
  assert.equal(intOrPercentValue('25%'), 25);
  assert.equal(intOrPercentValue(3), 3);
  assert.equal(intOrPercentValue('7'), 7);
  assert.equal(intOrPercentValue('x'), 0);
  assert.equal(intOrPercentValue(undefined), 0);
  assert.deepEqual(validatePositiveIntOrPercent('25%', 'p'), []);
  assert.deepEqual(messages(validatePositiveIntOrPercent(true, 'p')), ["p: Invalid value: true: must be an integer or percentage (e.g '5%')"]);
  assert.deepEqual(messages(isNotMoreThan100Percent('101%', 'p')), ['p: Invalid value: "101%": must not be greater than 100%']);
  assert.deepEqual(isNotMoreThan100Percent(500, 'p'), []);
});

test('label selectors convert as LabelSelectorAsSelector does', () => {
  assert.equal(labelSelectorAsSelector(undefined)!.matches({ a: 'b' }), false);
  assert.equal(labelSelectorAsSelector({})!.matches({ a: 'b' }), true);
  const sel = labelSelectorAsSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] })!;
  assert.equal(sel.matches({ app: 'web', tier: 'front' }), true);
  assert.equal(sel.matches({ app: 'web', tier: 'db' }), false);
  assert.equal(labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), undefined);
  assert.equal(labelSelectorAsSelector({ matchLabels: { 'bad key!': 'x' } }), undefined);
  assert.equal(labelSelectorAsSelector('app=web'), undefined);
});

test('domain-prefixed paths', () => {
  assert.deepEqual(isDomainPrefixedPath('c', 'example.com/lb'), []);
  assert.deepEqual(messages(isDomainPrefixedPath('c', '')), ['c: Required value']);
  assert.deepEqual(messages(isDomainPrefixedPath('c', 'example.com/a b')), [
    "c: Invalid value: \"a b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
  ]);
});

test('IP bytes and CIDR containment, IPv4 and IPv6', () => {
  assert.deepEqual(ipBytes('10.1.2.3')!.slice(12), [10, 1, 2, 3]);
  assert.deepEqual(ipBytes('::1'), [...Array(15).fill(0), 1]);
  assert.deepEqual(ipBytes('::ffff:1.2.3.4')!.slice(10), [0xff, 0xff, 1, 2, 3, 4]);
  assert.deepEqual(ipBytes('2001:db8::8:800:200c:417a')!.slice(0, 4), [0x20, 0x01, 0x0d, 0xb8]);
  assert.equal(ipBytes('1.2.3'), undefined);
  const net = parseCIDRBytes('10.0.0.0/16')!;
  assert.equal(cidrContains(net, ipBytes('10.0.255.1')!), true);
  assert.equal(cidrContains(net, ipBytes('10.1.0.1')!), false);
  assert.equal(cidrContains(parseCIDRBytes('fd00::/8')!, ipBytes('fd12::1')!), true);
});

test('special addresses', () => {
  assert.deepEqual(validateNonSpecialIP('10.0.0.1', 'a'), []);
  assert.deepEqual(messages(validateNonSpecialIP('::1', 'a')), ['a: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(messages(validateNonSpecialIP('fe80::1', 'a')), ['a: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  assert.deepEqual(messages(validateNonSpecialIP('224.0.0.5', 'a')), ['a: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
});

test('the collision count may grow but never shrink or vanish', () => {
  assert.deepEqual(validateCollisionCountNotDecremented({ collisionCount: 2 }, { collisionCount: 1 }), []);
  assert.deepEqual(validateCollisionCountNotDecremented({}, {}), []);
  assert.deepEqual(messages(validateCollisionCountNotDecremented({}, { collisionCount: 1 })), ['status.collisionCount: Invalid value: 0: cannot be decremented']);
});

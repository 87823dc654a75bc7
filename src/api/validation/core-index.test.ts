import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../scheme.js';
import type { KubeObject } from '../object.js';
import { coreValidation } from './core-index.js';
import { isValidIP, isValidCIDR, isQualifiedName } from './formats.js';

test('every core/v1 kind the scheme serves has validation', () => {
  const coreKinds = builtinResources.filter((r) => r.group === '').map((r) => r.kind).sort();
  assert.deepEqual(Object.keys(coreValidation).sort(), coreKinds);
});

test('no validator throws on wrongly typed input', () => {
  const junk: unknown[] = [{}, { spec: 5 }, { spec: [], status: 'x' }, { spec: { containers: {}, ports: 'x', selector: 3, limits: [null], hard: [] }, data: [1], subsets: {} }];
  for (const [kind, v] of Object.entries(coreValidation)) {
    for (const j of junk) {
      const o = { metadata: { name: 'x', annotations: 5 }, ...(j as object) } as unknown as KubeObject;
      assert.doesNotThrow(() => v.validate(o), kind);
      assert.doesNotThrow(() => v.validateUpdate?.(o, o), kind);
      assert.doesNotThrow(() => v.validateStatusUpdate?.(o, o), kind);
    }
  }
});

test('IP, CIDR and qualified name formats', () => {
  assert.deepEqual(isValidIP('10.0.0.1'), []);
  assert.deepEqual(isValidIP('2001:db8::ffff'), []);
  assert.deepEqual(isValidIP('::ffff:10.0.0.1'), []);
  assert.deepEqual(isValidIP('010.000.000.001'), [], 'leading zeros are accepted (ParseIPSloppy)');
  assert.equal(isValidIP('10.0.0.256').length, 1);
  assert.equal(isValidIP('1:2:3:4:5:6:7:8:9').length, 1);
  assert.equal(isValidIP('hostname').length, 1);
  assert.deepEqual(isValidCIDR('10.0.0.0/8'), []);
  assert.equal(isValidCIDR('10.0.0.0/33').length, 1);
  assert.deepEqual(isQualifiedName('example.com/my-key_1.x'), []);
  assert.deepEqual(isQualifiedName('a/b/c'), [
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
});

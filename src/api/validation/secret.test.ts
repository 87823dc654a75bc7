import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsSecret } from '../defaults/core-kinds.js';
import { secretValidation } from './secret.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, ...extra });

test('defaults: type Opaque, stringData folded into data', () => {
  const s = secret({ stringData: { password: 'hunter2' }, data: { user: b64('admin') } });
  setDefaultsSecret(s);
  assert.deepEqual(s, secret({ type: 'Opaque', data: { user: b64('admin'), password: b64('hunter2') } }));
});

test('typed secrets need their keys', () => {
  const msgs = (extra: Record<string, unknown>) => secretValidation.validate(secret(extra)).map(fieldErrorMessage);
  assert.deepEqual(msgs({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), ['data[tls.key]: Required value']);
  assert.deepEqual(msgs({ type: 'kubernetes.io/basic-auth', data: {} }), ['data[username]: Required value', 'data[password]: Required value']);
  assert.deepEqual(msgs({ type: 'kubernetes.io/basic-auth', data: { username: '' } }), []);
  assert.deepEqual(msgs({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }), ['data[ssh-privatekey]: Required value']);
  assert.deepEqual(msgs({ type: 'kubernetes.io/service-account-token' }), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  assert.deepEqual(msgs({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('xyz') } }), [
    `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'x' looking for beginning of value`,
  ]);
  assert.deepEqual(msgs({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('not json') } }), [
    `data[.dockercfg]: Invalid value: "<secret contents redacted>": invalid character 'o' in literal null (expecting 'u')`,
  ]);
  assert.deepEqual(msgs({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('[]') } }), [
    'data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
  ]);
  assert.deepEqual(msgs({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } }), []);
  assert.deepEqual(msgs({ type: 'example.com/custom', data: { anything: b64('x') } }), []);
});

test('the 1 MiB limit counts decoded bytes', () => {
  const big = Buffer.alloc(1024 * 1024).toString('base64');
  assert.deepEqual(secretValidation.validate(secret({ data: { a: big } })), []);
  assert.deepEqual(secretValidation.validate(secret({ data: { a: big, b: b64('x') } })).map(fieldErrorMessage), ['data: Too long: may not be more than 1048576 bytes']);
});

test('type is immutable, and so is the data of an immutable secret', () => {
  const old = secret({ type: 'Opaque', immutable: true, data: { a: b64('1') } });
  assert.deepEqual(secretValidation.validateUpdate!(secret({ type: 'kubernetes.io/tls', data: { a: b64('2') } }), old).map(fieldErrorMessage), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

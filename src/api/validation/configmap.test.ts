import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, invalid } from '../../machinery/errors.js';
import { configMapValidation } from './configmap.js';

const cm = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, ...extra });

test('keys must be config keys and may not repeat across data and binaryData', () => {
  assert.deepEqual(configMapValidation.validate(cm({ data: { 'app.properties': 'x', KEY_1: 'y' } })), []);
  const errs = configMapValidation.validate(cm({ data: { 'bad key': 'x', dup: 'a' }, binaryData: { dup: 'YQ==', '..x': 'YQ==' } }));
  assert.deepEqual(errs.map(fieldErrorMessage), [
    `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
    `binaryData[..x]: Invalid value: "..x": must not start with '..'`,
  ]);
});

test('a ConfigMap holds at most 1 MiB', () => {
  const errs = configMapValidation.validate(cm({ data: { a: 'x'.repeat(1024 * 1024), b: 'y' } }));
  assert.equal(invalid('ConfigMap', '', 'c', errs).message, 'ConfigMap "c" is invalid: : Too long: may not be more than 1048576 bytes');
});

test('immutable ConfigMaps keep their data and stay immutable', () => {
  const old = cm({ immutable: true, data: { a: '1' } });
  assert.deepEqual(configMapValidation.validateUpdate!(cm({ immutable: true, data: { a: '1' } }), old), []);
  assert.deepEqual(configMapValidation.validateUpdate!(cm({ immutable: false, data: { a: '2' } }), old).map(fieldErrorMessage), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(configMapValidation.validateUpdate!(cm({ data: { a: '2' } }), cm({ data: { a: '1' } })), []);
});

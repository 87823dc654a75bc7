import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsEndpoints } from '../defaults/core-kinds.js';
import { coreEventValidation } from './core-event.js';
import { endpointsValidation } from './endpoints.js';

test('endpoints: addresses required, valid IPs, named ports', () => {
  const ep = { metadata: { name: 'e', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.1.1.1' }], ports: [{ port: 80 }] }, { ports: [{ port: 80 }, { port: 81 }] }, { addresses: [{ ip: '127.0.0.1' }] }] } as any;
  setDefaultsEndpoints(ep);
  assert.equal(ep.subsets[0].ports[0].protocol, 'TCP');
  assert.deepEqual(endpointsValidation.validate(ep).map(fieldErrorMessage), [
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
    'subsets[1].ports[0].name: Required value',
    'subsets[1].ports[1].name: Required value',
    'subsets[2].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
});

test('core events: the namespace agrees with the involved object', () => {
  const ev = (ns: string, involved: string, extra: Record<string, unknown> = {}) => ({ metadata: { name: 'x.1', namespace: ns }, involvedObject: { kind: 'Pod', namespace: involved }, ...extra });
  assert.deepEqual(coreEventValidation.validate(ev('default', 'default')), []);
  assert.deepEqual(coreEventValidation.validate(ev('default', '')), []);
  assert.deepEqual(coreEventValidation.validate(ev('a', 'b')).map(fieldErrorMessage), ['involvedObject.namespace: Invalid value: "b": does not match event.namespace']);
  assert.deepEqual(coreEventValidation.validate(ev('a', 'a', { eventTime: '2024-01-01T00:00:00.000000Z' })).map(fieldErrorMessage), [
    'reportingController: Required value',
    'reportingController: Invalid value: "": name part must be non-empty',
    `reportingController: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ]);
});

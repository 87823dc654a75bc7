import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsEndpointSlice } from '../defaults/endpointslice.js';
import type { KubeObject } from '../object.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './endpointslice.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const slice = (fields: Record<string, unknown>): KubeObject => {
  const s: KubeObject = { metadata: { name: 'kubia-abc12', namespace: 'default' }, addressType: 'IPv4', ...fields };
  setDefaultsEndpointSlice(s);
  return s;
};

test('what the EndpointSlice controller writes is valid; ports default to unnamed TCP', () => {
  const s = slice({
    endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true }, nodeName: 'node-1', zone: 'a', targetRef: { kind: 'Pod', name: 'kubia-x' } }],
    ports: [{ port: 8080 }],
  });
  assert.deepEqual(validateEndpointSlice(s), []);
  assert.deepEqual((s.ports as any)[0], { port: 8080, name: '', protocol: 'TCP' });
});

test('addresses must fit the address type and not be special', () => {
  const s = slice({ endpoints: [{ addresses: ['fd00::1', '127.0.0.1', '169.254.1.1', '0.0.0.0'] }, { addresses: [] }] });
  assert.deepEqual(messages(validateEndpointSlice(s)), [
    'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[0].addresses[2]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'endpoints[0].addresses[3]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
    'endpoints[1].addresses: Required value: must contain at least 1 address',
  ]);
  const fqdn = slice({ addressType: 'FQDN', endpoints: [{ addresses: ['example.com', 'localhost'] }] });
  assert.deepEqual(messages(validateEndpointSlice(fqdn)), ['endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots']);
});

test('address types, hostnames, hints and ports', () => {
  const s = slice({
    addressType: 'IP',
    endpoints: [{ addresses: ['10.0.0.1'], hostname: 'Web.1', hints: { forZones: [{ name: 'a' }, { name: 'a' }] } }],
    ports: [{ name: 'http', protocol: 'HTTP' }, { name: 'http', appProtocol: 'a/b/c' }],
  });
  const msgs = messages(validateEndpointSlice(s));
  assert.equal(msgs[0], 'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"');
  assert.ok(msgs[1].startsWith('endpoints[0].hostname: Invalid value: "Web.1": a lowercase RFC 1123 label'));
  assert.deepEqual(msgs.slice(2), [
    'endpoints[0].hints.forZones[1].name: Duplicate value: "a"',
    'ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'ports[1].name: Duplicate value: "http"',
    "ports[1].appProtocol: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
});

test('the address type never changes', () => {
  assert.deepEqual(messages(validateEndpointSliceUpdate(slice({ addressType: 'IPv6' }), slice({}))), ['addressType: Invalid value: "IPv6": field is immutable']);
});

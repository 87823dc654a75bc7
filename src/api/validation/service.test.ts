import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, invalid, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { normalizeServiceClusterIPs, setDefaultsService } from '../defaults/service.js';
import { serviceValidation, validateNonSpecialIP } from './service.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

function svc(spec: Record<string, unknown>, name = 'my-app-svc'): KubeObject {
  const s: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', resourceVersion: '1' }, spec };
  setDefaultsService(s);
  return s;
}

function copy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

test('the seed service defaults and validates', () => {
  const s = svc({ selector: { app: 'ver' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 'http' }] });
  assert.deepEqual(s.spec, {
    selector: { app: 'ver' },
    ports: [{ protocol: 'TCP', port: 80, targetPort: 'http' }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(serviceValidation.validate(s), []);
});

test('seed 004: replacing a service without its clusterIP is refused', () => {
  const old = svc({ selector: { app: 'my-app' }, ports: [{ port: 80 }], clusterIP: '10.96.0.20' });
  const replaced = svc({ selector: { app: 'my-app' }, ports: [{ port: 80 }] });
  normalizeServiceClusterIPs(replaced, old);
  const errs = [...serviceValidation.validate(replaced), ...serviceValidation.validateUpdate!(replaced, old)];
  assert.equal(invalid('Service', '', 'my-app-svc', errs).message, 'Service "my-app-svc" is invalid: spec.clusterIP: Invalid value: "": field is immutable');
  const changed = copy(old);
  (changed.spec as any).clusterIP = '10.96.0.21';
  (changed.spec as any).clusterIPs = ['10.96.0.21'];
  assert.deepEqual(messages(serviceValidation.validateUpdate!(changed, old)), ['spec.clusterIP: Invalid value: "10.96.0.21": field is immutable']);
  assert.deepEqual(serviceValidation.validateUpdate!(copy(old), old), []);
});

test('ports: required, named when several, unique, valid target ports', () => {
  assert.deepEqual(messages(serviceValidation.validate(svc({ selector: { a: 'b' } }))), ['spec.ports: Required value']);
  const s = svc({ ports: [{ port: 80 }, { name: 'b', port: 80, targetPort: 'HTTP' }, { name: 'b', port: 70000, protocol: 'ICMP' }] });
  assert.deepEqual(messages(serviceValidation.validate(s)), [
    'spec.ports[0].name: Required value',
    'spec.ports[1].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.ports[1].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
    'spec.ports[2].name: Duplicate value: "b"',
    'spec.ports[2].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[2].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[1]: Duplicate value: {"protocol":"TCP","port":80}',
  ]);
});

test('types: unknown types, node ports on ClusterIP, node port range', () => {
  const unknown = svc({ type: 'Internal', ports: [{ port: 80 }] });
  assert.ok(messages(serviceValidation.validate(unknown)).includes('spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'));
  assert.deepEqual(messages(serviceValidation.validate(svc({ ports: [{ port: 80, nodePort: 30080 }] }))), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  const np = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] });
  assert.equal(np.spec && (np.spec as any).externalTrafficPolicy, 'Cluster');
  assert.deepEqual(messages(serviceValidation.validate(np)), [
    'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ]);
});

test('ExternalName services need a DNS name and no cluster IPs', () => {
  const s = svc({ type: 'ExternalName', externalName: 'my.database.example.com.' });
  assert.equal((s.spec as any).ipFamilies, undefined);
  assert.deepEqual(serviceValidation.validate(s), []);
  assert.deepEqual(messages(serviceValidation.validate(svc({ type: 'ExternalName', clusterIP: '10.0.0.1' }))), [
    'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
    'spec.externalName: Required value',
  ]);
});

test('headless services: ports optional, not for NodePort', () => {
  const headless = svc({ clusterIP: 'None', selector: { app: 'kubia' } });
  assert.deepEqual(serviceValidation.validate(headless), []);
  assert.deepEqual((headless.spec as any).clusterIPs, ['None']);
  const selectorless = svc({ clusterIP: 'None' });
  assert.equal((selectorless.spec as any).ipFamilyPolicy, 'RequireDualStack');
  const np = svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] });
  assert.ok(messages(serviceValidation.validate(np)).includes(`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`));
});

test('session affinity ClientIP gets a timeout; bad ones are refused', () => {
  const s = svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  assert.deepEqual((s.spec as any).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  (s.spec as any).sessionAffinityConfig.clientIP.timeoutSeconds = 0;
  assert.deepEqual(messages(serviceValidation.validate(s)), [
    'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
  ]);
});

test('cluster IPs and families', () => {
  const s = svc({ ports: [{ port: 80 }], clusterIP: '10.0.0.300' });
  assert.deepEqual(messages(serviceValidation.validate(s)), ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  const mismatch = svc({ ports: [{ port: 80 }], clusterIP: '10.0.0.1', ipFamilies: ['IPv6'] });
  assert.deepEqual(messages(serviceValidation.validate(mismatch)), ['spec.clusterIPs[0]: Invalid value: "10.0.0.1": expected an IPv6 value as indicated by `ipFamilies[0]`']);
});

test('load balancers: source ranges, node port allocation, status', () => {
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerSourceRanges: ['10.0.0.0/8', 'nope'] });
  assert.equal((lb.spec as any).allocateLoadBalancerNodePorts, true);
  assert.deepEqual(messages(serviceValidation.validate(lb)), [
    'spec.LoadBalancerSourceRanges[1]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  const cluster = svc({ ports: [{ port: 80 }] });
  cluster.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
  assert.deepEqual(messages(serviceValidation.validateStatusUpdate!(cluster, cluster)), [
    "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
  ]);
  lb.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }, { hostname: '1.2.3.4' }] } };
  assert.deepEqual(messages(serviceValidation.validateStatusUpdate!(lb, lb)), ['status.loadBalancer.ingress[1].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address']);
});

test('external IPs may not be special addresses', () => {
  assert.deepEqual(messages(validateNonSpecialIP('127.0.0.1', 'x')), ['x: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(messages(validateNonSpecialIP('0.0.0.0', 'x')), ['x: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']);
  assert.deepEqual(messages(validateNonSpecialIP('fe80::1', 'x')), ['x: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  assert.deepEqual(validateNonSpecialIP('192.168.1.1', 'x'), []);
  const s = svc({ ports: [{ port: 80 }], externalIPs: ['169.254.1.1'] });
  assert.deepEqual(messages(serviceValidation.validate(s)), ['spec.externalIPs[0]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
});

test('defaulting is idempotent', () => {
  const s = svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }, { port: 443, name: 'https' }], selector: { a: 'b' } });
  const again = copy(s);
  setDefaultsService(again);
  assert.deepEqual(again, s);
});

test('changing a service to ExternalName drops the fields the old type needed', async () => {
  const { dropServiceTypeDependentFields } = await import('../defaults/service.js');
  const old = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }], clusterIP: '10.96.0.9' });
  const next = copy(old);
  (next.spec as any).type = 'ExternalName';
  (next.spec as any).externalName = 'db.example.com';
  dropServiceTypeDependentFields(next, old);
  setDefaultsService(next);
  assert.deepEqual([...serviceValidation.validate(next), ...serviceValidation.validateUpdate!(next, old)], []);
  assert.equal((next.spec as any).clusterIP, undefined);
  assert.equal((next.spec as any).ports[0].nodePort, undefined);
});

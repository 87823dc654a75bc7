import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsNetworkPolicy } from '../defaults/networkpolicy.js';
import type { KubeObject } from '../object.js';
import { validateNetworkPolicy } from './networkpolicy.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const policy = (spec: Record<string, unknown>): KubeObject => {
  const np: KubeObject = { metadata: { name: 'postgres-netpolicy' }, spec };
  setDefaultsNetworkPolicy(np);
  return np;
};

test('the seed policy is valid and defaults to Ingress with TCP ports', () => {
  const np = policy({
    podSelector: { matchLabels: { app: 'database' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'webserver' } } }], ports: [{ port: 5432 }] }],
  });
  assert.deepEqual(validateNetworkPolicy(np), []);
  assert.deepEqual((np.spec as any).policyTypes, ['Ingress']);
  assert.equal((np.spec as any).ingress[0].ports[0].protocol, 'TCP');
});

test('ports: protocol, number, name and end port', () => {
  const np = policy({
    podSelector: {},
    egress: [{ ports: [{ protocol: 'ICMP' }, { port: 70000 }, { port: 'Web_Port' }, { port: 8080, endPort: 80 }, { port: 'http', endPort: 90 }, { endPort: 5 }] }],
  });
  assert.deepEqual(messages(validateNetworkPolicy(np)), [
    'spec.egress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'spec.egress[0].ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.egress[0].ports[2].port: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.egress[0].ports[3].endPort: Invalid value: 8080: must be greater than or equal to `port`',
    'spec.egress[0].ports[4].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
    'spec.egress[0].ports[5].endPort: Invalid value: 5: may not be specified when `port` is not specified',
  ]);
  assert.deepEqual((np.spec as any).policyTypes, ['Ingress', 'Egress']);
});

test('peers: one kind each, an ipBlock alone, exceptions strictly inside the CIDR', () => {
  const np = policy({
    podSelector: {},
    ingress: [
      {
        from: [
          {},
          { ipBlock: { cidr: '10.0.0.0/16' }, podSelector: {} },
          { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24', '10.1.0.0/24', '10.0.0.0/8', 'nonsense'] } },
          { ipBlock: { cidr: '' } },
          { ipBlock: { cidr: '300.0.0.0/8' } },
        ],
      },
    ],
  });
  assert.deepEqual(messages(validateNetworkPolicy(np)), [
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    'spec.ingress[0].from[2].ipBlock.except[1]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[2].ipBlock.except[2]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    'spec.ingress[0].from[2].ipBlock.except[3]: Invalid value: "nonsense": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    'spec.ingress[0].from[3].ipBlock.cidr: Required value',
    'spec.ingress[0].from[4].ipBlock.cidr: Invalid value: "300.0.0.0/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
});

test('IPv6 blocks', () => {
  const np = policy({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/8', except: ['fd00:1::/32', 'fe80::/10'] } }] }] });
  assert.deepEqual(messages(validateNetworkPolicy(np)), ['spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "fe80::/10": must be a strict subset of `cidr`']);
});

test('policy types', () => {
  const np = policy({ podSelector: {}, policyTypes: ['Ingress', 'Sideways'] });
  assert.deepEqual(messages(validateNetworkPolicy(np)), ['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"']);
  const many = policy({ podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] });
  assert.deepEqual(messages(validateNetworkPolicy(many)), ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes']);
});

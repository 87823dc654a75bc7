// The ruleset, judged by where packets go: each test renders the rules for some services,
// walks packets through them (ruleset-eval.testkit.ts) and checks the outcomes a user would
// see — which endpoints a connection can reach and how often, whether it is masqueraded,
// rejected or dropped. A few tests check the text kube-proxy users know (chain names,
// probabilities, comments), the clean-up payloads, and, as root, that iptables-restore
// accepts the whole thing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ChainNames, chainPrefixFor, maxChainNameLength } from './chains.js';
import { cleanupPayload, jumpRules, jumpsPayload, renderRuleset, restorePayload, type LocalService, type RulesetInput } from './iptables-rules.js';
import type { ProxyEndpoint, ServicePortInfo } from './service-ports.js';
import { evaluate, parsePayload, type Outcome, type Packet } from './ruleset-eval.testkit.js';

const chains = new ChainNames(chainPrefixFor('node-a'));
const podCIDR = '198.19.144.0/20';
const nodeIP = '192.0.2.2';
const pod = '198.19.144.50';

function ep(ip: string, local = false, port = 8080): ProxyEndpoint {
  return { ip, port, local };
}

function port(name: string, more: Partial<ServicePortInfo> = {}): ServicePortInfo {
  const clusterEndpoints = more.clusterEndpoints ?? [];
  return {
    namespace: 'default',
    name,
    portName: '',
    servicePortName: `default/${name}`,
    protocol: 'TCP',
    clusterIP: '198.18.144.20',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    affinitySeconds: 0,
    internalLocal: false,
    externalLocal: false,
    clusterEndpoints,
    localEndpoints: clusterEndpoints.filter((e) => e.local),
    ...more,
  };
}

function render(servicePorts: ServicePortInfo[], more: Partial<RulesetInput> = {}) {
  const ruleset = renderRuleset({ chains, servicePorts, podCIDRs: [podCIDR], nodePortAddresses: [`${nodeIP}/32`, '127.0.0.0/8'], ...more });
  const payload = restorePayload(ruleset);
  return { ruleset, payload, tables: parsePayload(payload) };
}

/** Where a new connection goes: nat (PREROUTING or OUTPUT, same chain) and then filter. */
function send(tables: ReturnType<typeof parsePayload>, packet: Packet): Outcome[] {
  return evaluate(tables, 'nat', chains.services, { localAddresses: [nodeIP], ...packet });
}

function rejected(tables: ReturnType<typeof parsePayload>, packet: Packet, chain = chains.filterServices): string | undefined {
  return evaluate(tables, 'filter', chain, { localAddresses: [nodeIP], ...packet }).find((o) => o.verdict)?.verdict;
}

const three = [ep('198.19.144.2'), ep('198.19.144.3'), ep('198.19.144.4')];

test('a pod reaching a cluster IP lands on each ready endpoint equally often, unmasqueraded', () => {
  const { tables } = render([port('web', { clusterEndpoints: three })]);
  const out = send(tables, { src: pod, dst: '198.18.144.20', dport: 80 });
  assert.deepEqual(
    out.map((o) => [o.dnat, o.masquerade]),
    [
      ['198.19.144.2:8080', false],
      ['198.19.144.3:8080', false],
      ['198.19.144.4:8080', false],
    ],
  );
  for (const o of out) assert.ok(Math.abs(o.probability - 1 / 3) < 1e-9, `${o.dnat}: ${o.probability}`);
  // Another port or address is not this service.
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.20', dport: 81 }).map((o) => o.dnat), [undefined]);
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.20', dport: 80, protocol: 'udp' }).map((o) => o.dnat), [undefined]);
});

test('spreading stays uniform for many endpoints', () => {
  const many = Array.from({ length: 7 }, (_, i) => ep(`198.19.144.${10 + i}`));
  const { tables } = render([port('web', { clusterEndpoints: many })]);
  const out = send(tables, { src: pod, dst: '198.18.144.20', dport: 80 });
  assert.equal(out.length, 7);
  for (const o of out) assert.ok(Math.abs(o.probability - 1 / 7) < 1e-9);
});

test('the statistic rules read as kube-proxy writes them', () => {
  const { ruleset } = render([port('web', { clusterEndpoints: three })]);
  const svc = chains.clusterChain('default/web', 'TCP');
  const rules = ruleset.nat.rules.filter((r) => r.startsWith(`-A ${svc} `) && r.includes('->'));
  assert.match(rules[0]!, /-m statistic --mode random --probability 0\.3333333333 -j /);
  assert.match(rules[1]!, /-m statistic --mode random --probability 0\.5000000000 -j /);
  assert.doesNotMatch(rules[2]!, /statistic/);
  assert.match(rules[0]!, /--comment "default\/web -> 198\.19\.144\.2:8080"/);
});

test('traffic from outside the pod ranges (the host) is masqueraded; a pod reaching itself is too', () => {
  const { tables } = render([port('web', { clusterEndpoints: three })]);
  for (const o of send(tables, { src: nodeIP, dst: '198.18.144.20', dport: 80 })) assert.equal(o.masquerade, true);
  const hairpin = send(tables, { src: '198.19.144.3', dst: '198.18.144.20', dport: 80 });
  assert.deepEqual(
    hairpin.map((o) => [o.dnat, o.masquerade]),
    [
      ['198.19.144.2:8080', false],
      ['198.19.144.3:8080', true],
      ['198.19.144.4:8080', false],
    ],
  );
});

test('several pod ranges: traffic from any of them is not masqueraded, from elsewhere it is', () => {
  const { tables } = render([port('web', { clusterEndpoints: three })], { podCIDRs: [podCIDR, '198.19.160.0/20'] });
  for (const src of [pod, '198.19.160.9']) for (const o of send(tables, { src, dst: '198.18.144.20', dport: 80 })) assert.equal(o.masquerade, false, src);
  for (const o of send(tables, { src: nodeIP, dst: '198.18.144.20', dport: 80 })) assert.equal(o.masquerade, true);
});

test('a service without endpoints is rejected at once, and gets no NAT', () => {
  const { tables, ruleset } = render([port('empty', { nodePort: 30090 })]);
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.20', dport: 80 }).map((o) => o.dnat), [undefined]);
  assert.equal(rejected(tables, { src: pod, dst: '198.18.144.20', dport: 80 }), 'REJECT');
  assert.equal(rejected(tables, { src: pod, dst: '198.18.144.20', dport: 81 }), undefined);
  assert.equal(rejected(tables, { src: '127.0.0.1', dst: '127.0.0.1', dport: 30090 }, chains.filterExternalServices), 'REJECT');
  assert.ok(ruleset.filter.rules.some((r) => r.includes('"default/empty has no endpoints"')));
});

test('node ports answer on the node address and 127.0.0.1, masqueraded, and nowhere else', () => {
  const { tables } = render([port('web', { nodePort: 30080, clusterEndpoints: three })]);
  for (const dst of [nodeIP, '127.0.0.1']) {
    const out = send(tables, { src: dst, dst, dport: 30080 });
    assert.equal(out.length, 3, dst);
    for (const o of out) assert.equal(o.masquerade, true);
  }
  // From a pod, to the node address: still the node port.
  assert.equal(send(tables, { src: pod, dst: nodeIP, dport: 30080 }).length, 3);
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.99', dport: 30080 }).map((o) => o.dnat), [undefined]);
  assert.deepEqual(send(tables, { src: pod, dst: nodeIP, dport: 30081 }).map((o) => o.dnat), [undefined]);
});

test('without node port addresses, node ports answer on every local address, as kube-proxy', () => {
  const { tables, ruleset } = render([port('web', { nodePort: 30080, clusterEndpoints: three })], { nodePortAddresses: undefined });
  assert.ok(ruleset.nat.rules.some((r) => r.endsWith(`-m addrtype --dst-type LOCAL -j ${chains.nodePorts}`)));
  assert.equal(send(tables, { src: pod, dst: '192.0.2.77', dport: 30080, localAddresses: ['192.0.2.77'] }).length, 3);
  // The node-port jump is the last rule: a cluster IP that is also local still goes to its service.
  const last = ruleset.nat.rules.filter((r) => r.startsWith(`-A ${chains.services} `)).at(-1)!;
  assert.match(last, /this must be the last rule/);
});

test('load-balancer and external IPs reach the service, masqueraded', () => {
  const { tables } = render([port('lb', { nodePort: 30081, loadBalancerIPs: [nodeIP], externalIPs: ['198.18.145.1'], clusterEndpoints: three })]);
  for (const dst of [nodeIP, '198.18.145.1']) {
    const out = send(tables, { src: '203.0.113.5', dst, dport: 80 });
    assert.equal(out.length, 3, dst);
    for (const o of out) assert.equal(o.masquerade, true);
  }
});

test('ClientIP affinity: a client seen before goes back to its endpoint; a new one is remembered', () => {
  const { tables } = render([port('sticky', { clusterEndpoints: three, affinitySeconds: 60 })]);
  const sep = chains.endpointChain('default/sticky', 'TCP', '198.19.144.3:8080');
  const again = send(tables, { src: pod, dst: '198.18.144.20', dport: 80, recent: [sep] });
  assert.deepEqual(again.map((o) => [o.dnat, o.probability]), [['198.19.144.3:8080', 1]]);
  const fresh = send(tables, { src: pod, dst: '198.18.144.20', dport: 80 });
  assert.equal(fresh.length, 3);
  for (const o of fresh) assert.deepEqual(o.recentSet, [chains.endpointChain('default/sticky', 'TCP', o.dnat!)]);
  assert.ok(restorePayload(render([port('sticky', { clusterEndpoints: three, affinitySeconds: 60 })]).ruleset).includes('--rcheck --seconds 60 --reap'));
});

test('internalTrafficPolicy Local: only this node’s endpoints, else rejected', () => {
  const mixed = [ep('198.19.144.2', true), ep('198.19.160.2')];
  const { tables } = render([port('web', { internalLocal: true, clusterEndpoints: mixed })]);
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.20', dport: 80 }).map((o) => o.dnat), ['198.19.144.2:8080']);
  const none = render([port('web', { internalLocal: true, clusterEndpoints: [ep('198.19.160.2')] })]);
  assert.equal(rejected(none.tables, { src: pod, dst: '198.18.144.20', dport: 80 }), 'REJECT');
  assert.ok(none.ruleset.filter.rules.some((r) => r.includes('has no local endpoints')));
});

test('externalTrafficPolicy Local: outside clients keep their address and reach local endpoints; pods and the node may use any', () => {
  const mixed = [ep('198.19.144.2', true), ep('198.19.160.2')];
  const { tables } = render([port('web', { nodePort: 30080, externalLocal: true, clusterEndpoints: mixed })]);
  assert.deepEqual(send(tables, { src: '203.0.113.5', dst: nodeIP, dport: 30080 }).map((o) => [o.dnat, o.masquerade]), [['198.19.144.2:8080', false]]);
  assert.deepEqual(send(tables, { src: pod, dst: nodeIP, dport: 30080 }).map((o) => o.dnat), ['198.19.144.2:8080', '198.19.160.2:8080']);
  const fromNode = send(tables, { src: '127.0.0.1', dst: '127.0.0.1', dport: 30080 });
  assert.deepEqual(fromNode.map((o) => [o.dnat, o.masquerade]), [['198.19.144.2:8080', true], ['198.19.160.2:8080', true]]);
  // Without a local endpoint, outside traffic is dropped (kube-proxy), not rejected.
  const none = render([port('web', { nodePort: 30080, externalLocal: true, clusterEndpoints: [ep('198.19.160.2')] })]);
  assert.equal(rejected(none.tables, { src: '203.0.113.5', dst: nodeIP, dport: 30080 }, chains.filterExternalServices), 'DROP');
});

test('local services: the virtual address goes to the loopback server, before any Service of the same address', () => {
  const dns: LocalService = { ip: '198.18.144.10', port: 53, protocol: 'UDP', to: '127.0.0.1:5353', name: 'kube-dns' };
  const kubeDns = port('kube-dns', { clusterIP: '198.18.144.10', port: 53, protocol: 'UDP' });
  const { tables } = render([kubeDns], { localServices: [dns] });
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.10', dport: 53, protocol: 'udp' }).map((o) => [o.dnat, o.masquerade]), [['127.0.0.1:5353', false]]);
  assert.equal(rejected(tables, { src: pod, dst: '198.18.144.10', dport: 53, protocol: 'udp' }), undefined, 'no "has no endpoints" reject for it');
  assert.deepEqual(send(tables, { src: pod, dst: '198.18.144.10', dport: 53, protocol: 'tcp' }).map((o) => o.dnat), [undefined]);
});

test('POSTROUTING masquerades exactly the marked packets, once', () => {
  const { tables } = render([]);
  assert.deepEqual(evaluate(tables, 'nat', chains.postrouting, { src: pod, dst: '198.19.144.2', dport: 80 }).map((o) => o.masquerade), [false]);
  const { ruleset } = render([]);
  assert.deepEqual(ruleset.nat.rules.filter((r) => r.startsWith(`-A ${chains.postrouting} `)).map((r) => r.replace(/^-A \S+ /, '')), [
    '-m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-j MARK --xor-mark 0x4000',
    '-m comment --comment "kubelite service traffic requiring SNAT" -j MASQUERADE --random-fully',
  ]);
});

test('chain names: kube-proxy hashes, a prefix per node, at most 28 characters', () => {
  const kp = new ChainNames('KUBE');
  // kube-proxy's own test data: KUBE-SVC-XPGD46QRK7WJZT7O / KUBE-SEP-SXIVWICOYRO3J4NJ (16 characters there).
  assert.equal(kp.clusterChain('ns1/svc1:p80', 'TCP').slice(0, 25), 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(kp.endpointChain('ns1/svc1:p80', 'TCP', '10.180.0.1:80').slice(0, 25), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  assert.match(chainPrefixFor('node-a'), /^KL-[0-9a-f]{6}$/);
  assert.notEqual(chainPrefixFor('node-a'), chainPrefixFor('node-b'));
  const { ruleset } = render([port('web', { nodePort: 30080, externalLocal: true, internalLocal: true, affinitySeconds: 5, clusterEndpoints: [ep('198.19.144.2', true), ep('198.19.160.2')] })], { podCIDRs: [podCIDR, '198.19.160.0/20'] });
  for (const ch of [...ruleset.nat.chains, ...ruleset.filter.chains]) {
    assert.ok(ch.length <= maxChainNameLength, ch);
    assert.ok(chains.owns(ch), ch);
  }
});

test('a restore flushes our chains, writes them, and deletes the ones no longer used', () => {
  const before = render([port('web', { clusterEndpoints: three })]).ruleset;
  const after = renderRuleset({ chains, servicePorts: [port('web', { clusterEndpoints: three.slice(0, 1) })], podCIDRs: [podCIDR] });
  const payload = restorePayload(after, { nat: before.nat.chains, filter: before.filter.chains });
  const goneSep = chains.endpointChain('default/web', 'TCP', '198.19.144.4:8080');
  assert.ok(payload.includes(`:${goneSep} - [0:0]`) && payload.includes(`-X ${goneSep}`));
  assert.ok(!payload.includes(`-X ${chains.services}`));
  assert.equal(payload.match(/^COMMIT$/gm)?.length, 2);
  // One endpoint: no statistic rule at all.
  assert.ok(!after.nat.rules.some((r) => r.includes('statistic')));
});

test('clean-up removes our jumps and chains and nothing of anyone else', () => {
  const other = new ChainNames(chainPrefixFor('node-b'));
  const saved = [
    '# Generated by iptables-save',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    `:${chains.services} - [0:0]`,
    `:${chains.clusterChain('default/web', 'TCP')} - [0:0]`,
    `:${other.services} - [0:0]`,
    ':CNI-HOSTPORT-DNAT - [0:0]',
    `-A PREROUTING -m comment --comment "kubelite service portals ${chains.prefix}" -j ${chains.services}`,
    `-A PREROUTING -m comment --comment "kubelite service portals ${other.prefix}" -j ${other.services}`,
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    `-A ${chains.services} -j ${chains.clusterChain('default/web', 'TCP')}`,
    'COMMIT',
  ].join('\n');
  const payload = cleanupPayload('nat', saved, chains);
  assert.ok(payload.includes(`-D PREROUTING -m comment --comment "kubelite service portals ${chains.prefix}" -j ${chains.services}`));
  assert.ok(payload.includes(`-X ${chains.services}`) && payload.includes(`-X ${chains.clusterChain('default/web', 'TCP')}`));
  assert.ok(!payload.includes(other.prefix) && !payload.includes('CNI-HOSTPORT'));
  assert.equal(cleanupPayload('nat', saved.replaceAll(chains.prefix, 'KL-ffffff'), chains), '');
});

test('jumps: nat PREROUTING, OUTPUT and POSTROUTING, filter INPUT, FORWARD and OUTPUT, inserted first', () => {
  const payload = jumpsPayload(chains);
  for (const chain of ['PREROUTING', 'OUTPUT', 'POSTROUTING', 'INPUT', 'FORWARD']) assert.match(payload, new RegExp(`^-I ${chain} 1 `, 'm'));
  assert.equal(jumpRules(chains).length, payload.split('\n').filter((l) => l.startsWith('-I ')).length);
  assert.doesNotMatch(payload, /^:/m, 'declaring a chain would flush the rules a sync wrote');
});

const canRestore = process.getuid?.() === 0 && spawnSync('iptables-restore', ['--version']).status === 0;

test('iptables-restore accepts the ruleset (syntax and kernel modules)', { skip: canRestore ? false : 'needs root and iptables' }, () => {
  const { ruleset } = render(
    [
      port('web', { nodePort: 30080, loadBalancerIPs: [nodeIP], externalIPs: ['198.18.145.1'], clusterEndpoints: three }),
      port('sticky', { clusterIP: '198.18.144.21', protocol: 'UDP', affinitySeconds: 10, internalLocal: true, externalLocal: true, nodePort: 30081, clusterEndpoints: [ep('198.19.144.2', true), ep('198.19.160.2')] }),
      port('empty', { clusterIP: '198.18.144.22', protocol: 'SCTP', nodePort: 30082 }),
    ],
    { podCIDRs: [podCIDR, '198.19.160.0/20'], localServices: [{ ip: '198.18.144.10', port: 53, protocol: 'UDP', to: '127.0.0.1:5353' }] },
  );
  const r = spawnSync('iptables-restore', ['-w', '--noflush', '--test'], { input: restorePayload(ruleset) + jumpsPayload(chains), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

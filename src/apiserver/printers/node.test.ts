import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePrinter } from './node.js';
import { ago, cells, headers, shown, wideOnly } from './testing.js';

function node(fields: Record<string, unknown>, labels: Record<string, string> = {}) {
  return { metadata: { name: 'worker-1', creationTimestamp: ago(30, 'd'), labels }, ...fields };
}

const ready = { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] };

test('node columns', () => {
  assert.deepEqual(headers(nodePrinter), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  assert.deepEqual(headers(nodePrinter, true), [
    'NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME',
  ]);
});

test('a ready control-plane node with full node info', () => {
  const n = node(
    {
      status: {
        ...ready,
        addresses: [{ type: 'Hostname', address: 'worker-1' }, { type: 'InternalIP', address: '172.18.0.2' }, { type: 'InternalIP', address: '172.18.0.9' }],
        nodeInfo: { kubeletVersion: 'v1.32.2', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0-45-generic', containerRuntimeVersion: 'containerd://1.7.24' },
      },
    },
    { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'worker-1' },
  );
  assert.deepEqual(cells(nodePrinter, n), [
    'worker-1', 'Ready', 'control-plane', '30d', 'v1.32.2', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0-45-generic', 'containerd://1.7.24',
  ]);
});

test('status: NotReady, Unknown, and SchedulingDisabled when cordoned', () => {
  const status = (fields: Record<string, unknown>) => shown(nodePrinter, node(fields))[1];
  assert.equal(status({ status: ready }), 'Ready');
  assert.equal(status({ spec: { unschedulable: true }, status: ready }), 'Ready,SchedulingDisabled');
  assert.equal(status({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), 'NotReady');
  assert.equal(status({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), 'NotReady');
  assert.equal(status({ spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'False' }] } }), 'NotReady,SchedulingDisabled');
  assert.equal(status({ status: { conditions: [{ type: 'DiskPressure', status: 'True' }] } }), 'Unknown');
  assert.equal(status({ spec: { unschedulable: true }, status: { conditions: [{}] } }), 'Unknown,SchedulingDisabled');
  assert.equal(status({}), 'Unknown');
});

test('roles come from node-role labels and the legacy role label, sorted', () => {
  const labels = { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/proxy': '', 'kubernetes.io/role': 'node', 'node-role.kubernetes.io/': '' };
  assert.equal(shown(nodePrinter, node({}, labels))[2], 'control-plane,master,node,proxy');
  assert.equal(shown(nodePrinter, node({}, { 'kubernetes.io/role': 'node' }))[2], 'node');
  assert.equal(shown(nodePrinter, node({}, { 'kubernetes.io/role': '' }))[2], '<none>');
});

test('wide columns fall back to <none> and <unknown>', () => {
  const n = node({ status: { addresses: [{ type: 'ExternalIP', address: '203.0.113.4' }, { type: 'InternalIP', address: '10.0.0.4' }, { type: 'ExternalIP', address: '203.0.113.5' }] } });
  assert.deepEqual(wideOnly(nodePrinter, n), ['10.0.0.4', '203.0.113.4', '<unknown>', '<unknown>', '<unknown>']);
  assert.deepEqual(cells(nodePrinter, { metadata: { name: '127.0.0.1' } }), ['127.0.0.1', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../machinery/errors.js';
import { FakeLookup, request } from './fake-lookup.js';
import { priority } from './priority.js';

const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({
  group: 'scheduling.k8s.io',
  plural: 'priorityclasses',
  obj: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, preemptionPolicy: 'PreemptLowerPriority', ...extra } as KubeObject,
});
const system = [pc('system-node-critical', 2000001000), pc('system-cluster-critical', 2000000000)];

const pod = (spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'x' }], ...spec } });

async function failure(fn: () => Promise<void> | void): Promise<StatusError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail('expected a refusal');
}

test('without a class or a default: priority 0, PreemptLowerPriority', async () => {
  const p = pod();
  await priority.admit!(request('CREATE', 'pods', p), new FakeLookup(system));
  assert.equal((p.spec as any).priority, 0);
  assert.equal((p.spec as any).preemptionPolicy, 'PreemptLowerPriority');
  assert.equal((p.spec as any).priorityClassName, undefined);
});

test('a named class gives its value and policy', async () => {
  const lookup = new FakeLookup([...system, pc('batch', 100, { preemptionPolicy: 'Never' })]);
  const p = pod({ priorityClassName: 'batch' });
  await priority.admit!(request('CREATE', 'pods', p), lookup);
  assert.equal((p.spec as any).priority, 100);
  assert.equal((p.spec as any).preemptionPolicy, 'Never');
  const critical = pod({ priorityClassName: 'system-node-critical' });
  await priority.admit!(request('CREATE', 'pods', critical), lookup);
  assert.equal((critical.spec as any).priority, 2000001000);
});

test('the global default applies to pods naming no class; the lowest wins a tie of defaults', async () => {
  const lookup = new FakeLookup([...system, pc('high', 1000, { globalDefault: true }), pc('low', 10, { globalDefault: true })]);
  const p = pod();
  await priority.admit!(request('CREATE', 'pods', p), lookup);
  assert.equal((p.spec as any).priorityClassName, 'low');
  assert.equal((p.spec as any).priority, 10);
});

test('an unknown class and a conflicting priority are refused', async () => {
  let e = await failure(() => priority.admit!(request('CREATE', 'pods', pod({ priorityClassName: 'nope' })), new FakeLookup(system)));
  assert.equal(e.message, 'pods "web" is forbidden: no PriorityClass with name nope was found');
  e = await failure(() => priority.admit!(request('CREATE', 'pods', pod({ priority: 5 })), new FakeLookup(system)));
  assert.equal(e.message, 'pods "web" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name');
  e = await failure(() => priority.admit!(request('CREATE', 'pods', pod({ preemptionPolicy: 'Never' })), new FakeLookup(system)));
  assert.equal(
    e.message,
    'pods "web" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name',
  );
});

test('an update that leaves priority out keeps the old one', async () => {
  const old = pod({ priority: 100, preemptionPolicy: 'Never', priorityClassName: 'batch' });
  const p = pod({ priorityClassName: 'batch' });
  await priority.admit!(request('UPDATE', 'pods', p, { oldObject: old }), new FakeLookup());
  assert.equal((p.spec as any).priority, 100);
  assert.equal((p.spec as any).preemptionPolicy, 'Never');
});

test('only one PriorityClass may be the global default', async () => {
  const lookup = new FakeLookup([...system, pc('first', 10, { globalDefault: true })]);
  const second = pc('second', 20, { globalDefault: true }).obj;
  const e = await failure(() => priority.validate!(request('CREATE', 'priorityclasses', second, { group: 'scheduling.k8s.io' }), lookup));
  assert.equal(e.message, 'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass first is already marked as default. Only one default can exist');
  // The default itself may be updated.
  const first = pc('first', 10, { globalDefault: true, description: 'd' }).obj;
  await priority.validate!(request('UPDATE', 'priorityclasses', first, { group: 'scheduling.k8s.io', oldObject: first }), lookup);
});

test('system priority classes cannot be deleted', async () => {
  const e = await failure(() => priority.validate!(request('DELETE', 'priorityclasses', undefined, { group: 'scheduling.k8s.io', oldObject: system[0].obj }), new FakeLookup(system)));
  assert.equal(e.message, 'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
  await priority.validate!(request('DELETE', 'priorityclasses', undefined, { group: 'scheduling.k8s.io', oldObject: pc('mine', 1).obj }), new FakeLookup());
});

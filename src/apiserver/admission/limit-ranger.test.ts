import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { setDefaultsLimitRange } from '../../api/defaults/core-kinds.js';
import { setDefaultsPod } from '../../api/defaults/pod.js';
import { StatusError } from '../../machinery/errors.js';
import { FakeLookup, request } from './fake-lookup.js';
import { limitRanger } from './limit-ranger.js';

function limitRange(name: string, limits: unknown[]): KubeObject {
  const lr: KubeObject = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace: 'default' }, spec: { limits } };
  setDefaultsLimitRange(lr);
  return lr;
}

function pod(containers: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers, ...extra }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
  setDefaultsPod(p);
  return p;
}

async function admitAndValidate(lookup: FakeLookup, attrs: ReturnType<typeof request>): Promise<void> {
  await limitRanger.admit!(attrs, lookup);
  await limitRanger.validate!(attrs, lookup);
}

async function refusal(lookup: FakeLookup, attrs: ReturnType<typeof request>): Promise<StatusError> {
  try {
    await admitAndValidate(lookup, attrs);
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail('expected a refusal');
}

test('container defaults fill what is missing and annotate the pod', async () => {
  const lookup = new FakeLookup([
    { plural: 'limitranges', obj: limitRange('defaults', [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]) },
  ]);
  const p = pod([
    { name: 'app', image: 'nginx' },
    { name: 'side', image: 'busybox', resources: { limits: { memory: '64Mi' } } },
  ]);
  await admitAndValidate(lookup, request('CREATE', 'pods', p));
  const [app, side] = (p.spec as any).containers;
  assert.deepEqual(app.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
  // The pod's own memory limit stays, and its request came from it before admission.
  assert.deepEqual(side.resources, { limits: { memory: '64Mi', cpu: '500m' }, requests: { memory: '64Mi', cpu: '100m' } });
  assert.equal(
    p.metadata.annotations?.['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; cpu request for container side; cpu limit for container side',
  );
  // status.qosClass follows the defaulted resources.
  assert.equal((p.status as any).qosClass, 'Burstable');
});

test('init containers are defaulted and named as such', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('d', [{ type: 'Container', default: { cpu: '1' } }]) }]);
  const p = pod([{ name: 'app', image: 'nginx', resources: { limits: { cpu: '1' } } }], { initContainers: [{ name: 'init', image: 'busybox' }] });
  await admitAndValidate(lookup, request('CREATE', 'pods', p));
  assert.equal(p.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for init container init; cpu limit for init container init');
});

test('a pod that needs no defaults is not annotated', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('d', [{ type: 'Container', default: { cpu: '1' } }]) }]);
  const p = pod([{ name: 'app', image: 'nginx', resources: { limits: { cpu: '2' }, requests: { cpu: '1' } } }]);
  await admitAndValidate(lookup, request('CREATE', 'pods', p));
  assert.equal(p.metadata.annotations, undefined);
});

test('container max: the exact upstream message', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('cap', [{ type: 'Container', max: { cpu: '1' } }]) }]);
  const e = await refusal(lookup, request('CREATE', 'pods', pod([{ name: 'app', image: 'nginx', resources: { limits: { cpu: '2' } } }])));
  assert.equal(e.code, 403);
  assert.equal(e.reason, 'Forbidden');
  assert.equal(e.message, 'pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  assert.deepEqual(e.details, { name: 'web', group: undefined, kind: 'pods' });
});

test('container min and ratio violations are aggregated', async () => {
  const lookup = new FakeLookup([
    { plural: 'limitranges', obj: limitRange('rules', [{ type: 'Container', min: { memory: '100Mi' }, maxLimitRequestRatio: { cpu: '2' } }]) },
  ]);
  const p = pod([{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '1', memory: '50Mi' } } }]);
  const e = await refusal(lookup, request('CREATE', 'pods', p));
  assert.equal(
    e.message,
    'pods "web" is forbidden: [minimum memory usage per Container is 100Mi, but request is 50Mi, cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000]',
  );
});

test('min with no request, max with no limit', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('rules', [{ type: 'Pod', min: { cpu: '100m' }, max: { memory: '1Gi' } }])}]);
  const e = await refusal(lookup, request('CREATE', 'pods', pod([{ name: 'app', image: 'nginx' }])));
  assert.equal(e.message, 'pods "web" is forbidden: [minimum cpu usage per Pod is 100m.  No request is specified, maximum memory usage per Pod is 1Gi.  No limit is specified]');
});

test('pod limits sum the containers and take the largest init container', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('pod', [{ type: 'Pod', max: { cpu: '1' } }]) }]);
  const ok = pod(
    [
      { name: 'a', image: 'x', resources: { limits: { cpu: '400m' } } },
      { name: 'b', image: 'x', resources: { limits: { cpu: '600m' } } },
    ],
    { initContainers: [{ name: 'i', image: 'x', resources: { limits: { cpu: '1' } } }] },
  );
  await admitAndValidate(lookup, request('CREATE', 'pods', ok));
  const sidecar = pod([{ name: 'a', image: 'x', resources: { limits: { cpu: '600m' } } }], {
    initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always', resources: { limits: { cpu: '500m' } } }],
  });
  const e = await refusal(lookup, request('CREATE', 'pods', sidecar));
  assert.equal(e.message, 'pods "web" is forbidden: maximum cpu usage per Pod is 1, but limit is 1100m');
});

test('claims: storage min and max apply to the request', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('storage', [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '2Gi' } }]) }]);
  const claim = (size: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
  });
  await admitAndValidate(lookup, request('CREATE', 'persistentvolumeclaims', claim('1Gi')));
  let e = await refusal(lookup, request('CREATE', 'persistentvolumeclaims', claim('5Gi')));
  assert.equal(e.message, 'persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
  e = await refusal(lookup, request('UPDATE', 'persistentvolumeclaims', claim('500Mi'), { oldObject: claim('1Gi') }));
  assert.equal(e.message, 'persistentvolumeclaims "data" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
});

test('pod updates, subresources and objects being deleted are not checked', async () => {
  const lookup = new FakeLookup([{ plural: 'limitranges', obj: limitRange('cap', [{ type: 'Container', max: { cpu: '1' } }]) }]);
  const big = pod([{ name: 'app', image: 'nginx', resources: { limits: { cpu: '2' } } }]);
  await admitAndValidate(lookup, request('UPDATE', 'pods', big, { oldObject: big }));
  await admitAndValidate(lookup, request('CREATE', 'pods', big, { subresource: 'binding' }));
  const claimLR = new FakeLookup([{ plural: 'limitranges', obj: limitRange('s', [{ type: 'PersistentVolumeClaim', max: { storage: '1Gi' } }]) }]);
  const claim: KubeObject = { metadata: { name: 'c', namespace: 'default' }, spec: { resources: { requests: { storage: '5Gi' } } } };
  const deleting: KubeObject = { ...claim, metadata: { ...claim.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  await admitAndValidate(claimLR, request('UPDATE', 'persistentvolumeclaims', claim, { oldObject: deleting }));
});

test('no limit ranges: nothing changes', async () => {
  const p = pod([{ name: 'app', image: 'nginx' }]);
  const before = structuredClone(p);
  await admitAndValidate(new FakeLookup(), request('CREATE', 'pods', p));
  assert.deepEqual(p, before);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { formatResourceList } from '../resources/resource-list.js';
import { evaluatorFor, evaluatorsForResources, isExtendedResourceName, parseObjectCountName, persistentVolumeClaimEvaluator, podEvaluator, serviceEvaluator } from './evaluators.js';

const now = Date.parse('2026-01-01T00:10:00Z');

const pod = (spec: Record<string, unknown>, status: Record<string, unknown> = { phase: 'Running' }, meta: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'p', namespace: 'default', ...meta },
  spec,
  status,
});

test('pod usage: containers, sidecars, the largest init container and the overhead', () => {
  const p = pod({
    containers: [
      { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } },
      { name: 'b', resources: { requests: { cpu: '300m' } } },
    ],
    initContainers: [
      { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } },
      { name: 'setup', resources: { requests: { cpu: '1', memory: '1Gi' } } },
    ],
    overhead: { cpu: '10m' },
  });
  assert.deepEqual(formatResourceList(podEvaluator.usage(p, now)), {
    'count/pods': '1',
    cpu: '1060m',
    'limits.cpu': '210m',
    'limits.memory': '128Mi',
    memory: '1Gi',
    pods: '1',
    'requests.cpu': '1060m',
    'requests.memory': '1Gi',
  });
});

test('finished pods and pods past their deletion grace period count only as objects', () => {
  const spec = { containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }] };
  assert.deepEqual(formatResourceList(podEvaluator.usage(pod(spec, { phase: 'Succeeded' }), now)), { 'count/pods': '1' });
  const stuck = pod(spec, { phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 });
  assert.deepEqual(formatResourceList(podEvaluator.usage(stuck, now)), { 'count/pods': '1' });
  const leaving = pod(spec, { phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:09:50Z', deletionGracePeriodSeconds: 30 });
  assert.equal(formatResourceList(podEvaluator.usage(leaving, now)).pods, '1');
});

test('hugepages and extended resources are charged as requests', () => {
  const p = pod({ containers: [{ name: 'a', resources: { requests: { 'hugepages-2Mi': '4Mi', 'nvidia.com/gpu': '1' }, limits: { 'hugepages-2Mi': '4Mi', 'nvidia.com/gpu': '1' } } }] });
  const u = formatResourceList(podEvaluator.usage(p, now));
  assert.equal(u['hugepages-2Mi'], '4Mi');
  assert.equal(u['requests.hugepages-2Mi'], '4Mi');
  assert.equal(u['requests.nvidia.com/gpu'], '1');
  assert.equal(u['nvidia.com/gpu'], undefined);
  assert.deepEqual(podEvaluator.matchingResources(['pods', 'requests.nvidia.com/gpu', 'services', 'hugepages-1Gi', 'count/pods']), ['pods', 'count/pods', 'requests.nvidia.com/gpu', 'hugepages-1Gi']);
  assert.equal(isExtendedResourceName('example.com/dongle'), true);
  assert.equal(isExtendedResourceName('cpu'), false);
  assert.equal(isExtendedResourceName('kubernetes.io/thing'), false);
});

test('service usage: node ports and load balancers', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 's', namespace: 'default' }, spec });
  const ports = [{ port: 80 }, { port: 443, nodePort: 30443 }];
  assert.deepEqual(formatResourceList(serviceEvaluator.usage(svc({ type: 'ClusterIP', ports }), now)), {
    'count/services': '1',
    services: '1',
    'services.loadbalancers': '0',
    'services.nodeports': '0',
  });
  assert.equal(formatResourceList(serviceEvaluator.usage(svc({ type: 'NodePort', ports }), now))['services.nodeports'], '2');
  const lb = formatResourceList(serviceEvaluator.usage(svc({ type: 'LoadBalancer', ports, allocateLoadBalancerNodePorts: false }), now));
  assert.equal(lb['services.loadbalancers'], '1');
  assert.equal(lb['services.nodeports'], '1');
});

test('claim usage: count, storage rounded up to bytes, per storage class', () => {
  const claim: KubeObject = { metadata: { name: 'c', namespace: 'default' }, spec: { storageClassName: 'gold', resources: { requests: { storage: '1500m' } } } };
  assert.deepEqual(formatResourceList(persistentVolumeClaimEvaluator.usage(claim, now)), {
    'count/persistentvolumeclaims': '1',
    'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
    'gold.storageclass.storage.k8s.io/requests.storage': '2',
    persistentvolumeclaims: '1',
    'requests.storage': '2',
  });
  assert.deepEqual(persistentVolumeClaimEvaluator.matchingResources(['requests.storage', 'gold.storageclass.storage.k8s.io/requests.storage', 'pods']), [
    'requests.storage',
    'gold.storageclass.storage.k8s.io/requests.storage',
  ]);
});

test('object counts: names, aliases, evaluators a quota needs', () => {
  assert.deepEqual(parseObjectCountName('count/deployments.apps'), { group: 'apps', plural: 'deployments' });
  assert.deepEqual(parseObjectCountName('count/widgets.example.com'), { group: 'example.com', plural: 'widgets' });
  assert.equal(parseObjectCountName('pods'), undefined);
  const secrets = evaluatorFor('', 'secrets');
  assert.deepEqual(formatResourceList(secrets.usage({ metadata: {} }, now)), { 'count/secrets': '1', secrets: '1' });
  assert.deepEqual(secrets.matchingResources(['secrets', 'count/secrets', 'configmaps']), ['secrets', 'count/secrets']);
  assert.equal(evaluatorFor('apps', 'deployments').handles('UPDATE'), false);
  const plurals = evaluatorsForResources(['count/deployments.apps', 'count/pods']).map((e) => `${e.plural}.${e.group}`);
  assert.deepEqual(plurals, ['pods.', 'services.', 'persistentvolumeclaims.', 'configmaps.', 'resourcequotas.', 'replicationcontrollers.', 'secrets.', 'deployments.apps']);
});

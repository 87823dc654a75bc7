import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads.js';
import { ago, cells, headers, shown } from './testing.js';

const template = {
  metadata: { labels: { app: 'web', tier: 'frontend' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.27' },
      { name: 'exporter', image: 'prom/nginx-exporter:1.1' },
    ],
  },
};

test('deployment: READY ready/desired, UP-TO-DATE, AVAILABLE, and wide containers/images/selector', () => {
  assert.deepEqual(headers(deploymentPrinter), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(headers(deploymentPrinter, true), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
  const d = {
    metadata: { name: 'web', creationTimestamp: ago(3, 'h') },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }] },
      template,
    },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  assert.deepEqual(cells(deploymentPrinter, d), [
    'web',
    '2/3',
    3,
    2,
    '3h',
    'nginx,exporter',
    'nginx:1.27,prom/nginx-exporter:1.1',
    'app=web,env in (canary,prod)',
  ]);
});

test('deployment without status or selector', () => {
  const d = { metadata: { name: 'new', creationTimestamp: ago(4, 's') }, spec: { replicas: 1 } };
  assert.deepEqual(cells(deploymentPrinter, d), ['new', '0/1', 0, 0, '4s', '', '', '']);
  const bad = { metadata: { name: 'bad' }, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } } };
  assert.equal(cells(deploymentPrinter, bad)[7], '<invalid>');
});

test('replicaset: desired/current/ready and a formatted selector', () => {
  assert.deepEqual(headers(replicaSetPrinter), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  const rs = {
    metadata: { name: 'web-5d4f8', creationTimestamp: ago(70, 'm') },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8' } }, template },
    status: { replicas: 3, readyReplicas: 3 },
  };
  assert.deepEqual(cells(replicaSetPrinter, rs), ['web-5d4f8', 3, 3, 3, '70m', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', 'app=web,pod-template-hash=5d4f8']);
  const noSelector = { metadata: { name: 'x' }, spec: { replicas: 0 } };
  assert.equal(cells(replicaSetPrinter, noSelector)[7], '<none>');
});

test('replicationcontroller: map selector and counts', () => {
  const rc = {
    metadata: { name: 'legacy', creationTimestamp: ago(2, 'd') },
    spec: { replicas: 2, selector: { app: 'legacy' }, template },
    status: { replicas: 2, readyReplicas: 1 },
  };
  assert.deepEqual(cells(replicationControllerPrinter, rc), ['legacy', 2, 2, 1, '2d', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', 'app=legacy']);
});

test('statefulset: READY ready/desired and wide containers', () => {
  assert.deepEqual(headers(statefulSetPrinter, true), ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']);
  const sts = { metadata: { name: 'db', creationTimestamp: ago(9, 'd') }, spec: { replicas: 3, template }, status: { readyReplicas: 1 } };
  assert.deepEqual(cells(statefulSetPrinter, sts), ['db', '1/3', '9d', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1']);
});

test('daemonset: scheduling counts and node selector', () => {
  assert.deepEqual(headers(daemonSetPrinter), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
  const ds = {
    metadata: { name: 'fluentd', creationTimestamp: ago(20, 'h') },
    spec: {
      selector: { matchLabels: { name: 'fluentd' } },
      template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'fluentd', image: 'fluentd:v1' }] } },
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  };
  assert.deepEqual(cells(daemonSetPrinter, ds), ['fluentd', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '20h', 'fluentd', 'fluentd:v1', 'name=fluentd']);
  assert.equal(shown(daemonSetPrinter, { metadata: { name: 'x' }, spec: {} })[6], '<none>');
});

test('controllerrevision: owning controller as kind.group/name', () => {
  const cr = {
    metadata: {
      name: 'fluentd-6b9c7',
      creationTimestamp: ago(1, 'd'),
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'unrelated', uid: '1' },
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: '2', controller: true },
      ],
    },
    revision: 4,
  };
  assert.deepEqual(cells(controllerRevisionPrinter, cr), ['fluentd-6b9c7', 'daemonset.apps/fluentd', 4, '24h']);
  const core = { metadata: { name: 'x', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '3', controller: true }] }, revision: 1 };
  assert.equal(cells(controllerRevisionPrinter, core)[1], 'pod/p');
  assert.equal(cells(controllerRevisionPrinter, { metadata: { name: 'orphan' }, revision: 2 })[1], '<none>');
});

test('podtemplate: containers, images and pod labels', () => {
  assert.deepEqual(headers(podTemplatePrinter), ['NAME', 'CONTAINERS', 'IMAGES', 'POD LABELS']);
  const pt = { metadata: { name: 'tmpl' }, template };
  assert.deepEqual(cells(podTemplatePrinter, pt), ['tmpl', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', 'app=web,tier=frontend']);
  assert.deepEqual(cells(podTemplatePrinter, { metadata: { name: 'empty' } }), ['empty', '', '', '<none>']);
});

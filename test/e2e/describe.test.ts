// `kubectl describe` for each kind, with the Events recorded about the object.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { startKubelite, type RunningCluster } from './harness.js';

const podSpec = { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] };
const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };
const selector = { matchLabels: { app: 'web' } };

/** One object of each kind, and a line its description must contain. */
const objects: [string, Record<string, unknown>, RegExp][] = [
  ['pod/web', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: podSpec }, /Containers:\n\s+app:\n\s+Image:\s+nginx:1\.25/],
  ['deployment/web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector, template } }, /StrategyType:\s+RollingUpdate/],
  ['replicaset/web-rs', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-rs' }, spec: { replicas: 1, selector, template } }, /Replicas:\s+\d current \/ 1 desired/],
  ['statefulset/db', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', selector, template } }, /Update Strategy:\s+RollingUpdate/],
  ['daemonset/agent', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector, template } }, /Desired Number of Nodes Scheduled: \d/],
  ['job/fib', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'fib' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'fib', image: 'busybox' }] } } } }, /Completions:\s+1/],
  ['cronjob/tick', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 't', image: 'busybox' }] } } } } } }, /Schedule:\s+\*\/5 \* \* \* \*/],
  ['service/web', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }, /Type:\s+ClusterIP/],
  ['configmap/settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast' } }, /mode:\n----\nfast/],
  ['secret/token', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' }, stringData: { key: 'value' } }, /key:\s+5 bytes/],
  ['serviceaccount/robot', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } }, /Name:\s+robot/],
  ['replicationcontroller/kubia', { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'kubia' }, spec: { replicas: 1, selector: { app: 'web' }, template } }, /Replicas:\s+\d current \/ 1 desired/],
  ['persistentvolumeclaim/data', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, /Status:\s+Pending/],
  ['limitrange/limits', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] } }, /Container\s+cpu\s+-\s+-\s+500m\s+500m\s+-/],
  ['resourcequota/quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota' }, spec: { hard: { pods: '10' } } }, /pods\s+\S*\s+10/],
  ['horizontalpodautoscaler/web', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5 } }, /Max replicas:\s+5/],
  ['poddisruptionbudget/web', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector } }, /Min available:\s+1/],
  ['ingress/web', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { rules: [{ host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, /web\.example/],
  ['networkpolicy/deny', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }, /PodSelector:\s+<none> \(Allowing the specific traffic to all pods in this namespace\)/],
  ['role/reader', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }, /pods\s+\[\]\s+\[\]\s+\[get list\]/],
  ['lease/lock', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock' }, spec: { holderIdentity: 'me' } }, /Holder Identity:\s+me/],
];

const cluster: [string, Record<string, unknown>, RegExp][] = [
  ['namespace/describe-me', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'describe-me' } }, /Status:\s+Active/],
  ['node/n1', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } }, spec: {} }, /Name:\s+n1/],
  ['priorityclass/high', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }, /Value:\s+1000/],
  ['storageclass/local', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubelite.io/local-path' }, /Provisioner:\s+kubelite\.io\/local-path/],
  ['persistentvolume/pv1', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv1' } } }, /Capacity:\s+1Gi/],
  ['clusterrole/viewer', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'viewer' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, /PolicyRule:/],
];

describe('kubectl describe', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
    c.k(['create', '-f', '-'], { input: [...objects, ...cluster].map(([, o]) => YAML.stringify(o)).join('---\n') });
  });
  after(async () => {
    await c?.stop();
  });

  for (const [ref, , expected] of [...objects, ...cluster]) {
    it(`describes ${ref.split('/')[0]}`, () => {
      const out = c.k(['describe', ref]);
      assert.match(out, new RegExp(`^Name:\\s+${ref.split('/')[1]}$`, 'm'));
      assert.match(out, expected);
    });
  }

  it('shows the Events recorded about an object, newest last', () => {
    const pod = JSON.parse(c.k('get pod web -o json'));
    for (const [reason, message] of [['Scheduled', 'Successfully assigned default/web to n1'], ['Pulled', 'Container image "nginx:1.25" already present on machine']]) {
      c.k(['create', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: 'web.' },
          involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: pod.metadata.uid, apiVersion: 'v1' },
          reason,
          message,
          type: 'Normal',
          source: { component: 'default-scheduler' },
          firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          count: 1,
        }),
      });
    }
    const out = c.k('describe pod web');
    assert.match(out, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----/);
    assert.match(out, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web to n1/);
    assert.match(out, /Normal\s+Pulled/);
    const events = c.k('get events');
    assert.match(events.split('\n')[0], /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(events, /Normal\s+Scheduled\s+pod\/web\s+Successfully assigned/);
    assert.match(c.k('get events.events.k8s.io'), /Scheduled/);
  });
});

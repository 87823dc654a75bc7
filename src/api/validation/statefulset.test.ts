import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsStatefulSet } from '../defaults/statefulset.js';
import type { KubeObject } from '../object.js';
import { statefulSetSpecForbiddenMessage, validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate } from './statefulset.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** The `web` StatefulSet of the seed documents, defaulted. */
function web(mutate: (spec: Record<string, any>) => void = () => {}): KubeObject {
  const sts: KubeObject = {
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      serviceName: 'nginx',
      replicas: 3,
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [
            { name: 'nginx', image: 'nginx:1.7.9', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'www' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'my-storage-class', resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
  mutate(sts.spec as Record<string, any>);
  setDefaultsStatefulSet(sts);
  return sts;
}

test('the seed StatefulSet is valid: its volume mounts refer to claim templates, which pod validation would not see', () => {
  assert.deepEqual(messages(validateStatefulSet(web())), []);
});

test('replicas, ordinals, template, updateStrategy, retention policy and minReadySeconds may change', () => {
  const old = web();
  const d = web((s) => {
    s.replicas = 5;
    s.ordinals = { start: 1 };
    s.template.spec.containers[0].image = 'nginx:1.8';
    s.updateStrategy = { type: 'OnDelete' };
    s.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete' };
    s.minReadySeconds = 10;
  });
  assert.deepEqual(validateStatefulSetUpdate(d, old), []);
});

test('anything else is forbidden, with upstream\'s message', () => {
  const old = web();
  for (const mutate of [
    (s: Record<string, any>) => (s.serviceName = 'other'),
    (s: Record<string, any>) => (s.podManagementPolicy = 'Parallel'),
    (s: Record<string, any>) => (s.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi'),
    (s: Record<string, any>) => (s.selector = { matchLabels: { app: 'nginx', x: 'y' } }),
  ]) {
    assert.deepEqual(messages(validateStatefulSetUpdate(web(mutate), old)), [`spec: Forbidden: ${statefulSetSpecForbiddenMessage}`]);
  }
});

test('pod management and update strategies', () => {
  const d = web((s) => {
    s.podManagementPolicy = 'Random';
    s.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } };
  });
  assert.deepEqual(messages(validateStatefulSet(d)), [
    "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
  ]);
  const bad = web((s) => (s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1, maxUnavailable: 0 } }));
  assert.deepEqual(messages(validateStatefulSet(bad)), [
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0',
  ]);
  const odd = web((s) => (s.updateStrategy = { type: 'Blue' }));
  assert.deepEqual(messages(validateStatefulSet(odd)), ["spec.updateStrategy: Invalid value: {\"type\":\"Blue\"}: must be 'RollingUpdate' or 'OnDelete'"]);
});

test('claim retention policies are Retain or Delete; ordinals start at 0 or more', () => {
  const d = web((s) => {
    s.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Delete' };
    s.ordinals = { start: -1 };
  });
  assert.deepEqual(messages(validateStatefulSet(d)), [
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('selector rules, and template labels checked at upstream\'s spec.template.labels path', () => {
  assert.deepEqual(messages(validateStatefulSet(web((s) => delete s.selector))), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`',
  ]);
  const badLabel = web((s) => {
    s.template.metadata.labels['-bad'] = 'x';
  });
  assert.deepEqual(messages(validateStatefulSet(badLabel)), [
    "spec.template.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
});

test('restart policy and active deadline of the pods', () => {
  const d = web((s) => {
    s.template.spec.restartPolicy = 'Never';
    s.template.spec.activeDeadlineSeconds = 5;
  });
  assert.deepEqual(messages(validateStatefulSet(d)), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported',
  ]);
});

test('status', () => {
  const old = { ...web(), status: { replicas: 3, collisionCount: 1 } };
  const d = { ...web(), status: { replicas: 3, readyReplicas: 2, availableReplicas: 3 } };
  assert.deepEqual(messages(validateStatefulSetStatusUpdate(d, old)), [
    'status.availableReplicas: Invalid value: 3: cannot be greater than status.readyReplicas',
    'status.collisionCount: Invalid value: 0: cannot be decremented',
  ]);
});

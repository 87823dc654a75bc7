import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsReplicaSet } from '../defaults/replicaset.js';
import type { KubeObject } from '../object.js';
import { validateReplicaSet, validateReplicaSetStatus, validateReplicaSetUpdate } from './replicaset.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** The kubia ReplicaSet of the seed notes, with matchExpressions. */
function kubia(selector: unknown): KubeObject {
  const rs: KubeObject = {
    metadata: { name: 'kubia' },
    spec: {
      replicas: 3,
      selector,
      template: { metadata: { labels: { app: 'kubia', env: 'prod' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia' }] } },
    },
  };
  setDefaultsReplicaSet(rs);
  return rs;
}

test('matchExpressions with In, NotIn, Exists and DoesNotExist select the template', () => {
  const rs = kubia({
    matchExpressions: [
      { key: 'app', operator: 'In', values: ['kubia'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'env', operator: 'Exists' },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  assert.deepEqual(messages(validateReplicaSet(rs)), []);
});

test('an expression the template fails is a mismatch', () => {
  const rs = kubia({ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] });
  assert.deepEqual(messages(validateReplicaSet(rs)), [
    'spec.template.metadata.labels: Invalid value: {"app":"kubia","env":"prod"}: `selector` does not match template `labels`',
  ]);
});

test('In without values is both a selector error and an invalid selector', () => {
  const rs = kubia({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] });
  assert.deepEqual(messages(validateReplicaSet(rs)), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"In","values":[]}]}: invalid label selector',
  ]);
});

test('an empty selector uses upstream\'s wording, which says "deployment"', () => {
  assert.deepEqual(messages(validateReplicaSet(kubia({}))), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
});

test('the selector cannot change; replicas can', () => {
  const old = kubia({ matchLabels: { app: 'kubia' } });
  assert.deepEqual(messages(validateReplicaSetUpdate(kubia({ matchLabels: { env: 'prod' } }), old)), [
    'spec.selector: Invalid value: {"matchLabels":{"env":"prod"}}: field is immutable',
  ]);
  const scaled = kubia({ matchLabels: { app: 'kubia' } });
  (scaled.spec as any).replicas = 0;
  assert.deepEqual(validateReplicaSetUpdate(scaled, old), []);
});

test('status counts', () => {
  assert.deepEqual(messages(validateReplicaSetStatus({ replicas: 1, fullyLabeledReplicas: 2, observedGeneration: -1 })), [
    'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
    'status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

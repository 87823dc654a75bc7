import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../machinery/errors.js';
import { setDefaultsReplicationController } from '../defaults/core-kinds.js';
import { replicationControllerValidation } from './replicationcontroller.js';

const rc = (spec: Record<string, unknown>) => {
  const o = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'kubia', namespace: 'default' }, spec } as any;
  setDefaultsReplicationController(o);
  return o;
};
const template = { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080 }] }] } };

test('the seed RC defaults its selector, labels and replicas from the template', () => {
  const r = rc({ template: structuredClone(template) });
  assert.deepEqual(r.spec.selector, { app: 'kubia' });
  assert.deepEqual(r.metadata.labels, { app: 'kubia' });
  assert.equal(r.spec.replicas, 1);
  assert.equal(r.spec.template.spec.restartPolicy, 'Always');
  assert.deepEqual(replicationControllerValidation.validate(r), []);
});

test('selector must match the template; pods restart Always', () => {
  const t = structuredClone(template) as any;
  t.spec.restartPolicy = 'Never';
  const r = rc({ selector: { app: 'other' }, replicas: -1, template: t });
  assert.deepEqual(replicationControllerValidation.validate(r).map(fieldErrorMessage), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: {"app":"kubia"}: `selector` does not match template `labels`',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  assert.deepEqual(replicationControllerValidation.validate({ metadata: { name: 'x' }, spec: {} }).map(fieldErrorMessage), [
    'spec.selector: Required value',
    'spec.template: Required value',
  ]);
});

test('status counters', () => {
  const r = rc({ template: structuredClone(template) });
  r.status = { replicas: 1, readyReplicas: 2, availableReplicas: 3 };
  assert.deepEqual(replicationControllerValidation.validateStatusUpdate!(r, r).map(fieldErrorMessage), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
  ]);
});

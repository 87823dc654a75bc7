import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsDeployment } from '../defaults/deployment.js';
import type { KubeObject } from '../object.js';
import { deploymentValidation, validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate } from './deployment.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** The `versions` Deployment of the seed documents, defaulted as the API server would. */
function versions(mutate: (spec: Record<string, any>) => void = () => {}): KubeObject {
  const d: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'versions', labels: { app: 'ver' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'ver' } },
      template: {
        metadata: { labels: { app: 'ver', version: '0.0.1' } },
        spec: { containers: [{ name: 'version-server', image: 'errm/versions:0.0.1', ports: [{ name: 'http', containerPort: 3000 }] }] },
      },
    },
  };
  mutate(d.spec as Record<string, any>);
  setDefaultsDeployment(d);
  return d;
}

test('the seed Deployment is valid once defaulted', () => {
  assert.deepEqual(messages(validateDeployment(versions())), []);
});

test('a missing selector is required, and then the template labels do not match it', () => {
  const d = versions((s) => delete s.selector);
  assert.deepEqual(messages(validateDeployment(d)), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: {"app":"ver","version":"0.0.1"}: `selector` does not match template `labels`',
  ]);
});

test('a selector the template labels do not satisfy', () => {
  const d = versions((s) => (s.selector = { matchLabels: { app: 'other' } }));
  assert.deepEqual(messages(validateDeployment(d)), [
    'spec.template.metadata.labels: Invalid value: {"app":"ver","version":"0.0.1"}: `selector` does not match template `labels`',
  ]);
});

test('an empty selector is invalid; a broken one is reported and called invalid', () => {
  assert.deepEqual(messages(validateDeployment(versions((s) => (s.selector = {})))), [
    'spec.selector: Invalid value: {}: empty selector is invalid for deployment',
  ]);
  const broken = versions((s) => (s.selector = { matchExpressions: [{ key: 'app', operator: 'Is', values: ['ver'] }] }));
  assert.deepEqual(messages(validateDeployment(broken)), [
    'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
    'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Is","values":["ver"]}]}: invalid label selector',
  ]);
});

test('rolling update limits: not both zero, percentages up to 100%, integers not negative', () => {
  const zero = versions((s) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }));
  assert.deepEqual(messages(validateDeployment(zero)), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0']);
  const tooMuch = versions((s) => (s.strategy = { rollingUpdate: { maxUnavailable: '110%', maxSurge: -1 } }));
  assert.deepEqual(messages(validateDeployment(tooMuch)), [
    'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%',
  ]);
  const notPercent = versions((s) => (s.strategy = { rollingUpdate: { maxSurge: 'half' } }));
  assert.deepEqual(messages(validateDeployment(notPercent)), [
    "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ]);
});

test('Recreate takes no rollingUpdate; unknown strategy types are not supported', () => {
  const d = versions();
  (d.spec as any).strategy.type = 'Recreate';
  assert.deepEqual(messages(validateDeployment(d)), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  const odd = versions((s) => (s.strategy = { type: 'BlueGreen' }));
  assert.deepEqual(messages(validateDeployment(odd)), [
    'spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"',
  ]);
});

test('progressDeadlineSeconds must exceed minReadySeconds; counts are never negative', () => {
  const d = versions((s) => {
    s.minReadySeconds = 600;
    s.revisionHistoryLimit = -1;
    s.replicas = -2;
  });
  assert.deepEqual(messages(validateDeployment(d)), [
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
});

test('pods of a Deployment must restart Always and have no active deadline', () => {
  const d = versions((s) => {
    s.template.spec.restartPolicy = 'OnFailure';
    s.template.spec.activeDeadlineSeconds = 30;
  });
  assert.deepEqual(messages(validateDeployment(d)), [
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
  ]);
});

test('the pod template itself is validated', () => {
  const d = versions((s) => delete s.template.spec.containers[0].image);
  assert.ok(messages(validateDeployment(d)).includes('spec.template.spec.containers[0].image: Required value'));
});

test('the selector is immutable in apps/v1', () => {
  const old = versions();
  const d = versions((s) => {
    s.selector = { matchLabels: { app: 'ver', tier: 'web' } };
    s.template.metadata.labels.tier = 'web';
  });
  assert.deepEqual(messages(validateDeploymentUpdate(d, old)), [
    'spec.selector: Invalid value: {"matchLabels":{"app":"ver","tier":"web"}}: field is immutable',
  ]);
  const scaled = versions((s) => (s.replicas = 5));
  assert.deepEqual(validateDeploymentUpdate(scaled, old), []);
});

test('status: counts bounded by replicas, and the collision count never shrinks', () => {
  const old = { ...versions(), status: { replicas: 2, collisionCount: 2 } };
  const d = { ...versions(), status: { replicas: 2, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 2, collisionCount: 1 } };
  assert.deepEqual(messages(validateDeploymentStatusUpdate(d, old)), [
    'status.updatedReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas',
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ]);
});

test('wrongly typed input is reported, never thrown', () => {
  const d: KubeObject = { metadata: { name: 'x' }, spec: { replicas: 'three', selector: 'app=x', template: 7, strategy: [] } };
  assert.doesNotThrow(() => deploymentValidation.validate(d));
  assert.ok(deploymentValidation.validate(d).length > 0);
  assert.doesNotThrow(() => deploymentValidation.validate({ metadata: {} }));
});

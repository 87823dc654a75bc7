import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { setDefaultsDaemonSet } from '../defaults/daemonset.js';
import type { KubeObject } from '../object.js';
import { validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdate } from './daemonset.js';

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** The seed's node-exporter DaemonSet (host network, host PID, hostPath volumes). */
function nodeExporter(mutate: (spec: Record<string, any>) => void = () => {}): KubeObject {
  const ds: KubeObject = {
    metadata: { name: 'node-exporter', labels: { app: 'node-exporter' } },
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      template: {
        metadata: { labels: { app: 'node-exporter' } },
        spec: {
          containers: [
            {
              name: 'node-exporter',
              image: 'quay.io/prometheus/node-exporter:v0.15.2',
              args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys'],
              volumeMounts: [
                { mountPath: '/host/proc', name: 'proc', readOnly: false },
                { mountPath: '/host/sys', name: 'sys', readOnly: false },
              ],
              ports: [{ containerPort: 9100, hostPort: 9100 }],
            },
          ],
          hostNetwork: true,
          hostPID: true,
          volumes: [
            { hostPath: { path: '/proc' }, name: 'proc' },
            { hostPath: { path: '/sys' }, name: 'sys' },
          ],
        },
      },
    },
  };
  mutate(ds.spec as Record<string, any>);
  setDefaultsDaemonSet(ds);
  return ds;
}

test('the seed DaemonSet is valid once defaulted', () => {
  assert.deepEqual(messages(validateDaemonSet(nodeExporter())), []);
});

test('exactly one of maxUnavailable and maxSurge is non-zero', () => {
  const both = nodeExporter((s) => (s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } }));
  assert.deepEqual(messages(validateDaemonSet(both)), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero']);
  const none = nodeExporter((s) => (s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }));
  assert.deepEqual(messages(validateDaemonSet(none)), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
  const surge = nodeExporter((s) => (s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }));
  assert.deepEqual(validateDaemonSet(surge), []);
});

test('OnDelete is fine; other strategy types are not supported', () => {
  assert.deepEqual(validateDaemonSet(nodeExporter((s) => (s.updateStrategy = { type: 'OnDelete' }))), []);
  assert.deepEqual(messages(validateDaemonSet(nodeExporter((s) => (s.updateStrategy = { type: 'Surge' }))))[0], 'spec.updateStrategy: Unsupported value: {"type":"Surge"}: supported values: "RollingUpdate", "OnDelete"');
});

test('a DaemonSet without selector only reports the template mismatch, as upstream', () => {
  assert.deepEqual(messages(validateDaemonSet(nodeExporter((s) => delete s.selector))), [
    'spec.template.metadata.labels: Invalid value: {"app":"node-exporter"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(messages(validateDaemonSet(nodeExporter((s) => (s.selector = {})))), ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset']);
});

test('pods restart Always and have no deadline', () => {
  const d = nodeExporter((s) => {
    s.template.spec.restartPolicy = 'Never';
    s.template.spec.activeDeadlineSeconds = 1;
  });
  assert.deepEqual(messages(validateDaemonSet(d)), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported',
  ]);
});

test('the selector is immutable; the template is not', () => {
  const old = nodeExporter();
  const d = nodeExporter((s) => (s.template.spec.containers[0].image = 'quay.io/prometheus/node-exporter:v1.8.0'));
  assert.deepEqual(validateDaemonSetUpdate(d, old), []);
  const moved = nodeExporter((s) => (s.selector = { matchLabels: { app: 'node-exporter', v: '2' } }));
  assert.equal(messages(validateDaemonSetUpdate(moved, old))[0], 'spec.selector: Invalid value: {"matchLabels":{"app":"node-exporter","v":"2"}}: field is immutable');
});

test('status counters are never negative', () => {
  const d = { ...nodeExporter(), status: { numberReady: -1, desiredNumberScheduled: 1 } };
  assert.deepEqual(messages(validateDaemonSetStatusUpdate(d, nodeExporter())), ['status.numberReady: Invalid value: -1: must be greater than or equal to 0']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { coreDefaults } from './core-index.js';
import { defaultPullPolicy, imageTag } from './image.js';
import { setDefaultsPod, setDefaultsPodTemplateSpec } from './pod.js';

test('imagePullPolicy: Always for :latest or no tag, IfNotPresent otherwise', () => {
  assert.equal(defaultPullPolicy('alpine'), 'Always');
  assert.equal(defaultPullPolicy('alpine:latest'), 'Always');
  assert.equal(defaultPullPolicy('docker.io/library/alpine'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/app'), 'Always');
  assert.equal(defaultPullPolicy('alpine:3.6'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('errm/versions:0.0.1'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('registry.example.com:5000/team/app:v2'), 'IfNotPresent');
  assert.equal(defaultPullPolicy(`nginx@sha256:${'a'.repeat(64)}`), 'IfNotPresent');
  assert.equal(defaultPullPolicy(`nginx:latest@sha256:${'a'.repeat(64)}`), 'Always');
  assert.equal(defaultPullPolicy('Registry/app'), 'Always', 'an upper-case first component is a registry host');
  assert.equal(defaultPullPolicy('Invalid/Upper'), 'IfNotPresent', 'repository names must be lower case');
  assert.equal(imageTag('UPPER'), '', 'unparsable references have no tag');
  assert.equal(defaultPullPolicy('UPPER'), 'IfNotPresent');
});

test('a minimal pod gets every default kubectl get -o yaml shows', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '0.5', memory: '1024Mi' } },
          readinessProbe: { httpGet: { port: 80 } },
          livenessProbe: { grpc: { port: 9000 } },
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
      volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }],
    },
  };
  setDefaultsPod(pod);
  assert.deepEqual(pod.spec, {
    containers: [
      {
        name: 'c',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
        readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        livenessProbe: { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }],
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    volumes: [
      { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
      { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }], defaultMode: 420 } },
    ],
    enableServiceLinks: true,
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  });
  const again = structuredClone(pod);
  setDefaultsPod(again);
  assert.deepEqual(again, pod, 'defaulting twice changes nothing');
});

test('templates get PodSpec defaults but not pod-only ones', () => {
  const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1' } } }] } } as Record<string, any>;
  setDefaultsPodTemplateSpec(template);
  assert.equal(template.spec.restartPolicy, 'Always');
  assert.equal(template.spec.enableServiceLinks, undefined);
  assert.equal(template.spec.containers[0].resources.requests, undefined);
});

test('milli rounding: resource amounts finer than 1m round up', () => {
  const pod: KubeObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '0.0001', memory: 1048576 } } }] } };
  setDefaultsPod(pod);
  assert.deepEqual((pod.spec as any).containers[0].resources.requests, { cpu: '1m', memory: '1048576' });
});

test('every defaulter tolerates junk', () => {
  for (const fn of Object.values(coreDefaults)) {
    for (const junk of [{ metadata: {} }, { metadata: {}, spec: 5 }, { metadata: {}, spec: { containers: 'x', volumes: [1, null], ports: {} }, status: [] }]) {
      assert.doesNotThrow(() => fn(structuredClone(junk) as KubeObject));
    }
  }
});

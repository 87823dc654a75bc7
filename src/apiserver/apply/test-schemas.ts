// Hand-built schema fragments for the apply tests, modelled on Kubernetes 1.32's published
// OpenAPI for Pod, Deployment and ConfigMap (list types, map keys, patch strategies, atomic
// structs, defaults) and on a typical custom resource. The real built-in schemas come from
// src/api/schema/builtin.ts; these keep the tests independent of it.

import type { StructuralSchema } from '../../api/schema/structural.js';
import { objectMetaSchema } from './type-model.js';

const def = (name: string, node: StructuralSchema): StructuralSchema => ({ ...node, 'x-kubelite-definition': name });
const str: StructuralSchema = { type: 'string' };
const int32: StructuralSchema = { type: 'integer', format: 'int32' };
const int64: StructuralSchema = { type: 'integer', format: 'int64' };
const bool: StructuralSchema = { type: 'boolean' };
const strings: StructuralSchema = { type: 'array', items: str };
const stringMap: StructuralSchema = { type: 'object', additionalProperties: str };
const intOrString = def('io.k8s.apimachinery.pkg.util.intstr.IntOrString', { 'x-kubernetes-int-or-string': true, format: 'int-or-string' });
const quantity = def('io.k8s.apimachinery.pkg.api.resource.Quantity', { 'x-kubernetes-int-or-string': true });
const objectMeta = def('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', objectMetaSchema);

const labelSelector = def('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', {
  type: 'object',
  'x-kubernetes-map-type': 'atomic',
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
      items: { type: 'object', properties: { key: str, operator: str, values: { ...strings, 'x-kubernetes-list-type': 'atomic' } } },
    },
  },
});

const containerPort = def('io.k8s.api.core.v1.ContainerPort', {
  type: 'object',
  required: ['containerPort'],
  properties: {
    containerPort: int32,
    hostIP: str,
    hostPort: int32,
    name: str,
    protocol: { type: 'string', default: 'TCP' },
  },
});

const envVar = def('io.k8s.api.core.v1.EnvVar', {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    value: str,
    valueFrom: {
      type: 'object',
      properties: {
        fieldRef: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { apiVersion: str, fieldPath: str } },
        configMapKeyRef: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { key: str, name: str, optional: bool } },
      },
    },
  },
});

const resources = def('io.k8s.api.core.v1.ResourceRequirements', {
  type: 'object',
  properties: {
    limits: { type: 'object', additionalProperties: quantity },
    requests: { type: 'object', additionalProperties: quantity },
  },
});

const container = def('io.k8s.api.core.v1.Container', {
  type: 'object',
  required: ['name'],
  properties: {
    args: { ...strings, 'x-kubernetes-list-type': 'atomic' },
    command: { ...strings, 'x-kubernetes-list-type': 'atomic' },
    env: { type: 'array', items: envVar, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
    image: str,
    imagePullPolicy: str,
    name: str,
    ports: {
      type: 'array',
      items: containerPort,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      'x-kubernetes-patch-merge-key': 'containerPort',
      'x-kubernetes-patch-strategy': 'merge',
    },
    resources,
    terminationMessagePath: str,
    terminationMessagePolicy: str,
    volumeMounts: {
      type: 'array',
      items: { type: 'object', properties: { mountPath: str, name: str, readOnly: bool } },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['mountPath'],
      'x-kubernetes-patch-merge-key': 'mountPath',
      'x-kubernetes-patch-strategy': 'merge',
    },
  },
});

const toleration = def('io.k8s.api.core.v1.Toleration', {
  type: 'object',
  properties: { effect: str, key: str, operator: str, tolerationSeconds: int64, value: str },
});

export const podSpecSchema = def('io.k8s.api.core.v1.PodSpec', {
  type: 'object',
  required: ['containers'],
  properties: {
    containers: { type: 'array', items: container, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
    initContainers: { type: 'array', items: container, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
    dnsPolicy: str,
    enableServiceLinks: bool,
    nodeName: str,
    nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
    restartPolicy: str,
    schedulerName: str,
    securityContext: def('io.k8s.api.core.v1.PodSecurityContext', { type: 'object', properties: { runAsUser: int64, runAsNonRoot: bool } }),
    serviceAccountName: str,
    terminationGracePeriodSeconds: int64,
    tolerations: { type: 'array', items: toleration, 'x-kubernetes-list-type': 'atomic' },
    volumes: {
      type: 'array',
      items: { type: 'object', properties: { name: str, emptyDir: { type: 'object', properties: { medium: str } }, configMap: { type: 'object', properties: { name: str } } } },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge,retainKeys',
    },
  },
});

const podStatus = def('io.k8s.api.core.v1.PodStatus', {
  type: 'object',
  properties: {
    phase: str,
    podIP: str,
    conditions: {
      type: 'array',
      items: { type: 'object', properties: { type: str, status: str, lastTransitionTime: { type: 'string', format: 'date-time' } } },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      'x-kubernetes-patch-merge-key': 'type',
      'x-kubernetes-patch-strategy': 'merge',
    },
  },
});

export const podSchema = def('io.k8s.api.core.v1.Pod', {
  type: 'object',
  properties: { apiVersion: str, kind: str, metadata: objectMeta, spec: podSpecSchema, status: podStatus },
  'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
});

const podTemplateSpec = def('io.k8s.api.core.v1.PodTemplateSpec', {
  type: 'object',
  properties: { metadata: objectMeta, spec: podSpecSchema },
});

export const deploymentSchema = def('io.k8s.api.apps.v1.Deployment', {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    spec: def('io.k8s.api.apps.v1.DeploymentSpec', {
      type: 'object',
      required: ['selector', 'template'],
      properties: {
        minReadySeconds: int32,
        paused: bool,
        progressDeadlineSeconds: int32,
        replicas: int32,
        revisionHistoryLimit: int32,
        selector: labelSelector,
        strategy: def('io.k8s.api.apps.v1.DeploymentStrategy', {
          type: 'object',
          properties: {
            rollingUpdate: def('io.k8s.api.apps.v1.RollingUpdateDeployment', { type: 'object', properties: { maxSurge: intOrString, maxUnavailable: intOrString } }),
            type: str,
          },
        }),
        template: podTemplateSpec,
      },
    }),
    status: def('io.k8s.api.apps.v1.DeploymentStatus', {
      type: 'object',
      properties: {
        availableReplicas: int32,
        observedGeneration: int64,
        readyReplicas: int32,
        replicas: int32,
        conditions: {
          type: 'array',
          items: { type: 'object', properties: { type: str, status: str, reason: str } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          'x-kubernetes-patch-merge-key': 'type',
          'x-kubernetes-patch-strategy': 'merge',
        },
      },
    }),
  },
  'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
});

export const configMapSchema = def('io.k8s.api.core.v1.ConfigMap', {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    data: stringMap,
    binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
    immutable: bool,
  },
  'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
});

/** A custom resource's schema as a CRD declares it: metadata left to ObjectMeta. */
export const widgetSchema: StructuralSchema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        color: str,
        parts: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: str, count: { type: 'integer' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: str },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { ready: bool } },
  },
};

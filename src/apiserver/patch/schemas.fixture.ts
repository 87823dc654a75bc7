// Test fixtures: hand-built fragments of the Kubernetes 1.32 structural schemas the patch tests
// run against, with the patch strategies and merge keys the real OpenAPI documents carry
// (io.k8s.api.core.v1.PodSpec, Container, ServiceSpec, io.k8s.api.apps.v1.DeploymentSpec...).
// Only the fields the tests touch are described; a field missing here behaves as an unknown one.

import type { StructuralSchema } from '../../api/schema/structural.js';

const string: StructuralSchema = { type: 'string' };
const int32: StructuralSchema = { type: 'integer', format: 'int32' };
const intOrString: StructuralSchema = { 'x-kubernetes-int-or-string': true };
const stringMap: StructuralSchema = { type: 'object', additionalProperties: string };
const stringList: StructuralSchema = { type: 'array', items: string };
const quantityMap: StructuralSchema = { type: 'object', additionalProperties: intOrString };

function mergeList(items: StructuralSchema, mergeKey: string, strategy = 'merge'): StructuralSchema {
  return {
    type: 'array',
    items,
    'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-patch-merge-key': mergeKey,
  };
}

const ownerReference: StructuralSchema = {
  type: 'object',
  properties: { apiVersion: string, kind: string, name: string, uid: string, controller: { type: 'boolean' } },
};

export const objectMeta: StructuralSchema = {
  type: 'object',
  'x-kubelite-definition': 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  properties: {
    name: string,
    namespace: string,
    uid: string,
    resourceVersion: string,
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: string, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    ownerReferences: mergeList(ownerReference, 'uid'),
    managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

const envVar: StructuralSchema = {
  type: 'object',
  properties: {
    name: string,
    value: string,
    valueFrom: {
      type: 'object',
      properties: {
        fieldRef: { type: 'object', properties: { fieldPath: string, apiVersion: string } },
        configMapKeyRef: { type: 'object', properties: { name: string, key: string, optional: { type: 'boolean' } } },
      },
    },
  },
};

const containerPort: StructuralSchema = {
  type: 'object',
  properties: { name: string, containerPort: int32, hostPort: int32, protocol: string },
};

const volumeMount: StructuralSchema = {
  type: 'object',
  properties: { name: string, mountPath: string, readOnly: { type: 'boolean' }, subPath: string },
};

export const container: StructuralSchema = {
  type: 'object',
  'x-kubelite-definition': 'io.k8s.api.core.v1.Container',
  properties: {
    name: string,
    image: string,
    command: stringList,
    args: stringList,
    env: mergeList(envVar, 'name'),
    ports: {
      ...mergeList(containerPort, 'containerPort'),
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    },
    volumeMounts: mergeList(volumeMount, 'mountPath'),
    resources: { type: 'object', properties: { limits: quantityMap, requests: quantityMap } },
    imagePullPolicy: string,
  },
};

const toleration: StructuralSchema = {
  type: 'object',
  properties: { key: string, operator: string, value: string, effect: string, tolerationSeconds: { type: 'integer' } },
};

const volume: StructuralSchema = {
  type: 'object',
  properties: {
    name: string,
    emptyDir: { type: 'object', properties: { medium: string, sizeLimit: intOrString } },
    hostPath: { type: 'object', properties: { path: string, type: string } },
    configMap: { type: 'object', properties: { name: string, defaultMode: int32 } },
    secret: { type: 'object', properties: { secretName: string } },
  },
};

export const podSpec: StructuralSchema = {
  type: 'object',
  'x-kubelite-definition': 'io.k8s.api.core.v1.PodSpec',
  properties: {
    containers: mergeList(container, 'name'),
    initContainers: mergeList(container, 'name'),
    volumes: mergeList(volume, 'name', 'merge,retainKeys'),
    tolerations: { type: 'array', items: toleration, 'x-kubernetes-list-type': 'atomic' },
    imagePullSecrets: mergeList({ type: 'object', properties: { name: string } }, 'name'),
    hostAliases: mergeList({ type: 'object', properties: { ip: string, hostnames: stringList } }, 'ip'),
    nodeSelector: stringMap,
    restartPolicy: string,
    terminationGracePeriodSeconds: { type: 'integer', format: 'int64' },
    dnsPolicy: string,
    schedulerName: string,
  },
};

export const podTemplateSpec: StructuralSchema = {
  type: 'object',
  properties: { metadata: objectMeta, spec: podSpec },
};

export const pod: StructuralSchema = {
  type: 'object',
  properties: {
    apiVersion: string,
    kind: string,
    metadata: objectMeta,
    spec: podSpec,
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const labelSelector: StructuralSchema = {
  type: 'object',
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: 'array',
      items: { type: 'object', properties: { key: string, operator: string, values: stringList } },
    },
  },
};

const deploymentStrategy: StructuralSchema = {
  type: 'object',
  properties: {
    type: string,
    rollingUpdate: { type: 'object', properties: { maxSurge: intOrString, maxUnavailable: intOrString } },
  },
};

export const deployment: StructuralSchema = {
  type: 'object',
  properties: {
    apiVersion: string,
    kind: string,
    metadata: objectMeta,
    spec: {
      type: 'object',
      properties: {
        replicas: int32,
        selector: labelSelector,
        template: podTemplateSpec,
        // OpenAPI v3 wraps a $ref that has siblings in allOf, as here.
        strategy: { allOf: [deploymentStrategy], default: {}, 'x-kubernetes-patch-strategy': 'retainKeys' },
        minReadySeconds: int32,
        revisionHistoryLimit: int32,
        progressDeadlineSeconds: int32,
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const servicePort: StructuralSchema = {
  type: 'object',
  properties: { name: string, protocol: string, port: int32, targetPort: intOrString, nodePort: int32 },
};

export const service: StructuralSchema = {
  type: 'object',
  properties: {
    apiVersion: string,
    kind: string,
    metadata: objectMeta,
    spec: {
      type: 'object',
      properties: {
        ports: {
          ...mergeList(servicePort, 'port'),
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
        },
        selector: stringMap,
        clusterIP: string,
        clusterIPs: { type: 'array', items: string, 'x-kubernetes-list-type': 'atomic' },
        type: string,
        externalIPs: stringList,
        sessionAffinity: string,
      },
    },
  },
};

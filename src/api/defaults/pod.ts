// Defaulting of pods and pod templates, as the v1 defaulters (pkg/apis/core/v1/defaults.go
// and the declarative +default tags) apply it whenever a pod or a workload carrying a pod
// template is decoded. Only absent fields are filled, so applying it twice changes nothing.

import type { KubeObject } from '../object.js';
import { defaultPullPolicy } from './image.js';
import { defaultQuantityField, defaultResourceList } from './quantities.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function child(holder: JsonObject, k: string): JsonObject | undefined {
  const v = holder[k];
  return isObject(v) ? v : undefined;
}

function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

function setIfAbsent(holder: JsonObject, k: string, value: unknown): void {
  if (absent(holder[k])) holder[k] = value;
}

function setIfEmpty(holder: JsonObject, k: string, value: string): void {
  if (absent(holder[k]) || holder[k] === '') holder[k] = value;
}

export const defaultFileMode = 0o644;

function defaultObjectFieldSelector(ref: JsonObject | undefined): void {
  if (ref) setIfEmpty(ref, 'apiVersion', 'v1');
}

function defaultResourceFieldSelector(ref: JsonObject | undefined): void {
  if (ref) defaultQuantityField(ref, 'divisor');
}

function defaultDownwardAPIItems(items: unknown): void {
  for (const item of objects(items)) {
    defaultObjectFieldSelector(child(item, 'fieldRef'));
    defaultResourceFieldSelector(child(item, 'resourceFieldRef'));
  }
}

const volumeSourceKeys = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

/** Defaults shared by pod volumes and persistent volumes for the sources both have. */
export function defaultCommonVolumeSources(src: JsonObject): void {
  const hostPath = child(src, 'hostPath');
  if (hostPath) setIfAbsent(hostPath, 'type', '');
  const iscsi = child(src, 'iscsi');
  if (iscsi) setIfEmpty(iscsi, 'iscsiInterface', 'default');
  const rbd = child(src, 'rbd');
  if (rbd) {
    setIfEmpty(rbd, 'pool', 'rbd');
    setIfEmpty(rbd, 'user', 'admin');
    setIfEmpty(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = child(src, 'azureDisk');
  if (azureDisk) {
    setIfAbsent(azureDisk, 'cachingMode', 'ReadWrite');
    setIfAbsent(azureDisk, 'fsType', 'ext4');
    setIfAbsent(azureDisk, 'readOnly', false);
    setIfAbsent(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = child(src, 'scaleIO');
  if (scaleIO) {
    setIfEmpty(scaleIO, 'storageMode', 'ThinProvisioned');
    setIfEmpty(scaleIO, 'fsType', 'xfs');
  }
}

function defaultVolume(vol: JsonObject): void {
  if (!volumeSourceKeys.some((k) => !absent(vol[k]))) vol.emptyDir = {};
  defaultCommonVolumeSources(vol);
  const emptyDir = child(vol, 'emptyDir');
  if (emptyDir) defaultQuantityField(emptyDir, 'sizeLimit');
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = child(vol, k);
    if (src) setIfAbsent(src, 'defaultMode', defaultFileMode);
  }
  const downwardAPI = child(vol, 'downwardAPI');
  if (downwardAPI) defaultDownwardAPIItems(downwardAPI.items);
  const projected = child(vol, 'projected');
  if (projected) {
    for (const source of objects(projected.sources)) {
      const d = child(source, 'downwardAPI');
      if (d) defaultDownwardAPIItems(d.items);
      const token = child(source, 'serviceAccountToken');
      if (token) setIfAbsent(token, 'expirationSeconds', 3600);
    }
  }
  const ephemeral = child(vol, 'ephemeral');
  const template = ephemeral && child(ephemeral, 'volumeClaimTemplate');
  const claimSpec = template && child(template, 'spec');
  if (claimSpec) setDefaultsPersistentVolumeClaimSpec(claimSpec);
}

/** SetDefaults_PersistentVolumeClaimSpec and its resource lists. */
export function setDefaultsPersistentVolumeClaimSpec(spec: JsonObject): void {
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  const resources = child(spec, 'resources');
  if (resources) {
    defaultResourceList(resources, 'requests');
    defaultResourceList(resources, 'limits');
  }
}

function defaultHTTPGet(handler: JsonObject | undefined): void {
  const httpGet = handler && child(handler, 'httpGet');
  if (!httpGet) return;
  setIfEmpty(httpGet, 'path', '/');
  setIfEmpty(httpGet, 'scheme', 'HTTP');
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (!probe) return;
  for (const [k, v] of [
    ['timeoutSeconds', 1],
    ['periodSeconds', 10],
    ['successThreshold', 1],
    ['failureThreshold', 3],
  ] as const) {
    if (absent(probe[k]) || probe[k] === 0) probe[k] = v;
  }
  defaultHTTPGet(probe);
  const grpc = child(probe, 'grpc');
  if (grpc) setIfAbsent(grpc, 'service', '');
}

/** SetDefaults_Container (also used for init and ephemeral containers). */
export function setDefaultsContainer(ctr: JsonObject): void {
  if (absent(ctr.imagePullPolicy) || ctr.imagePullPolicy === '') ctr.imagePullPolicy = defaultPullPolicy(typeof ctr.image === 'string' ? ctr.image : '');
  setIfEmpty(ctr, 'terminationMessagePath', '/dev/termination-log');
  setIfEmpty(ctr, 'terminationMessagePolicy', 'File');
  for (const port of objects(ctr.ports)) setIfEmpty(port, 'protocol', 'TCP');
  for (const env of objects(ctr.env)) {
    const from = child(env, 'valueFrom');
    if (!from) continue;
    defaultObjectFieldSelector(child(from, 'fieldRef'));
    defaultResourceFieldSelector(child(from, 'resourceFieldRef'));
  }
  const resources = child(ctr, 'resources');
  if (resources) {
    defaultResourceList(resources, 'limits');
    defaultResourceList(resources, 'requests');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(child(ctr, probe));
  const lifecycle = child(ctr, 'lifecycle');
  if (lifecycle) {
    defaultHTTPGet(child(lifecycle, 'postStart'));
    defaultHTTPGet(child(lifecycle, 'preStop'));
  }
}

/** SetDefaults_PodSpec and the defaults of everything inside a PodSpec. */
export function setDefaultsPodSpec(spec: Record<string, unknown>): void {
  setIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmpty(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmpty(spec, 'schedulerName', 'default-scheduler');
  for (const vol of objects(spec.volumes)) defaultVolume(vol);
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const ctr of objects(spec[kind])) setDefaultsContainer(ctr);
  }
  defaultResourceList(spec, 'overhead');
  const resources = child(spec, 'resources');
  if (resources) {
    defaultResourceList(resources, 'limits');
    defaultResourceList(resources, 'requests');
  }
}

export function setDefaultsPodTemplateSpec(template: Record<string, unknown>): void {
  const spec = template.spec;
  if (isObject(spec)) setDefaultsPodSpec(spec);
}

/** SetDefaults_Pod: requests default to limits, service links on, host ports for host networking. */
export function setDefaultsPod(pod: KubeObject): void {
  const spec = pod.spec;
  if (!isObject(spec)) return;
  for (const kind of ['containers', 'initContainers']) {
    for (const ctr of objects(spec[kind])) {
      const resources = child(ctr, 'resources');
      const limits = resources && child(resources, 'limits');
      if (!resources || !limits) continue;
      if (!isObject(resources.requests)) resources.requests = {};
      const requests = resources.requests as JsonObject;
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  setIfAbsent(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const kind of ['containers', 'initContainers']) {
      for (const ctr of objects(spec[kind])) {
        for (const port of objects(ctr.ports)) if (absent(port.hostPort) || port.hostPort === 0) port.hostPort = port.containerPort;
      }
    }
  }
  setDefaultsPodSpec(spec);
}

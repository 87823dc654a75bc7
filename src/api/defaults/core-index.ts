// Defaulting of every core/v1 kind, keyed by Kind. Each function fills absent fields of a
// decoded object in place and is idempotent.

import type { KubeObject } from '../object.js';
import {
  setDefaultsEndpoints,
  setDefaultsLimitRange,
  setDefaultsNamespace,
  setDefaultsNode,
  setDefaultsPersistentVolume,
  setDefaultsPersistentVolumeClaim,
  setDefaultsPodTemplate,
  setDefaultsReplicationController,
  setDefaultsResourceQuota,
  setDefaultsSecret,
} from './core-kinds.js';
import { setDefaultsPod } from './pod.js';
import { setDefaultsService } from './service.js';

export const coreDefaults: Record<string, (obj: KubeObject) => void> = {
  Endpoints: setDefaultsEndpoints,
  LimitRange: setDefaultsLimitRange,
  Namespace: setDefaultsNamespace,
  Node: setDefaultsNode,
  PersistentVolume: setDefaultsPersistentVolume,
  PersistentVolumeClaim: setDefaultsPersistentVolumeClaim,
  Pod: setDefaultsPod,
  PodTemplate: setDefaultsPodTemplate,
  ReplicationController: setDefaultsReplicationController,
  ResourceQuota: setDefaultsResourceQuota,
  Secret: setDefaultsSecret,
  Service: setDefaultsService,
};

// The "empty object" of a kind that a create is compared against. Kubernetes compares a new
// object with the Go zero value of its type, in which struct fields that are not pointers
// (spec, status, a pod template and its spec, a deployment's strategy…) are present as empty
// maps. Whether a field is such a struct is not in the OpenAPI schema, so the built-in ones
// are listed here by type. The difference shows in managedFields: a field that was absent
// before gets a `.` entry of its own (`f:rollingUpdate: {.: {}, …}`), one that was present
// does not (`f:strategy: {f:type: {}}`). The same goes for the few granular lists Go writes
// even when nil (a pod's containers). Custom resources are unstructured: their empty object
// has only apiVersion and kind.

import type { KubeObject } from '../../api/object.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import type { JSONMap } from './values.js';

/** The top-level fields every built-in kind's Go type holds as plain structs. */
const rootStructs = ['metadata', 'spec', 'status'];

/** Non-pointer struct fields below the top level, by the Go type that has them. */
const nestedStructs: Record<string, string[]> = {
  'io.k8s.api.core.v1.PodTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.core.v1.PodSpec': ['containers'],
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': ['names'],
  'io.k8s.api.core.v1.PodTemplate': ['template'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': ['resources'],
  'io.k8s.api.core.v1.Event': ['involvedObject', 'source'],
  'io.k8s.api.apps.v1.DeploymentSpec': ['template', 'strategy'],
  'io.k8s.api.apps.v1.ReplicaSetSpec': ['template'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.batch.v1.JobSpec': ['template'],
  'io.k8s.api.batch.v1.CronJobSpec': ['jobTemplate'],
  'io.k8s.api.batch.v1.JobTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec': ['scaleTargetRef'],
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': ['scaleTargetRef'],
};

const cache = new WeakMap<StructuralSchema, JSONMap>();

/** Whether objects of this schema are typed (built-in) rather than unstructured (custom). */
export function isTypedSchema(schema: StructuralSchema | undefined): boolean {
  return schema?.['x-kubelite-definition'] !== undefined;
}

/** The empty object of a kind: what a create is compared against. */
export function zeroObject(apiVersion: string | undefined, kind: string | undefined, schema: StructuralSchema | undefined): KubeObject {
  const head: JSONMap = {};
  if (apiVersion) head.apiVersion = apiVersion;
  if (kind) head.kind = kind;
  if (!schema || !isTypedSchema(schema)) return { ...head, metadata: {} } as KubeObject;
  let skeleton = cache.get(schema);
  if (!skeleton) {
    const own = nestedStructs[schema['x-kubelite-definition'] ?? ''] ?? [];
    skeleton = structsOf(schema, [...rootStructs, ...own], 0);
    cache.set(schema, skeleton);
  }
  return { ...head, metadata: {}, ...structuredClone(skeleton) } as KubeObject;
}

function structsOf(schema: StructuralSchema, names: readonly string[], depth: number): JSONMap {
  const out: JSONMap = {};
  if (depth > 8) return out;
  for (const name of names) {
    const prop = schema.properties?.[name];
    if (prop?.type === 'array') {
      // A granular list without omitempty: present (as null, which we write as []).
      out[name] = [];
      continue;
    }
    if (!prop || prop.type !== 'object' || !prop.properties || Object.keys(prop.properties).length === 0) continue;
    const definition = prop['x-kubelite-definition'];
    out[name] = structsOf(prop, (definition ? nestedStructs[definition] : undefined) ?? [], depth + 1);
  }
  return out;
}

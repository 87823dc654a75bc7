// The bridge from client-side to server-side apply. `kubectl apply` (client-side) records the
// configuration it applied in the kubectl.kubernetes.io/last-applied-configuration annotation
// and writes as the Update manager kubectl-client-side-apply. When `kubectl apply
// --server-side` (manager "kubectl") then conflicts with that manager on fields whose live
// value is still the last-applied one, the apply is forced: those fields were kubectl's
// anyway. After every apply by "kubectl" the annotation, if present, is rewritten to the new
// configuration so that a later client-side apply still diffs against the right thing.

import type { KubeObject } from '../../api/object.js';
import { compareValues } from './compare.js';
import type { FieldSet } from './field-set.js';
import { goJSON } from './go-format.js';
import { fieldSetOf } from './to-field-set.js';
import type { TypeNode } from './type-model.js';
import { validateValue } from './validate.js';
import { isMap, type JSONMap } from './values.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The only manager whose applies upgrade client-side apply and keep the annotation current. */
export const kubectlServerSideManager = 'kubectl';

/** Annotations may hold 256 KiB in total; a last-applied value that does not fit is dropped. */
const totalAnnotationSizeLimit = 256 * 1024;

/**
 * Fields the last-applied configuration sets to the values the live object still has; null
 * when there is no usable annotation (then no conflict is forgiven).
 */
export function allowedConflictsFromLastApplied(live: KubeObject, liveValue: unknown, apiVersion: string, kind: string, type: TypeNode): FieldSet | null {
  const text = live.metadata?.annotations?.[lastAppliedAnnotation];
  if (!text) return null;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isMap(lastApplied) || typeof lastApplied.kind !== 'string' || !lastApplied.kind) return null;
  if (lastApplied.apiVersion !== apiVersion || lastApplied.kind !== kind) return null;
  if (validateValue(lastApplied, type).length > 0) return null;
  const set = fieldSetOf(lastApplied, type);
  const diff = compareValues(lastApplied, liveValue, type);
  return set.difference(diff.modified).difference(diff.added).difference(diff.removed);
}

/** The annotation's value for an applied configuration: compact JSON, keys sorted, newline-terminated. */
export function lastAppliedValue(config: JSONMap): string {
  let value: JSONMap = config;
  const meta = config.metadata;
  if (isMap(meta) && isMap(meta.annotations) && lastAppliedAnnotation in meta.annotations) {
    const { [lastAppliedAnnotation]: _dropped, ...annotations } = meta.annotations;
    value = { ...config, metadata: { ...meta, annotations } };
  }
  return goJSON(value) + '\n';
}

/** obj with the annotation set, or removed when the annotations would grow past their limit. */
export function withLastApplied(obj: KubeObject, value: string): KubeObject {
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}), [lastAppliedAnnotation]: value };
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (size > totalAnnotationSizeLimit) delete annotations[lastAppliedAnnotation];
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

export function hasLastApplied(obj: KubeObject): boolean {
  return Boolean(obj.metadata?.annotations?.[lastAppliedAnnotation]);
}

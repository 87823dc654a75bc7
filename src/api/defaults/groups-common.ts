// Small in-place helpers for the defaulting of non-core kinds: reach or create a nested
// object, fill a field that is absent, and give embedded templates the metadata the API
// server serialises for them.

import { setDefaultsPodTemplateSpec } from './pod.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Absent in Go's sense: a nil pointer. */
export function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

/** `holder[key]` as an object, creating it when absent; undefined when it holds something else. */
export function ensureObject(holder: JsonObject, key: string): JsonObject | undefined {
  if (absent(holder[key])) holder[key] = {};
  const v = holder[key];
  return isObject(v) ? v : undefined;
}

export function setIfAbsent(holder: JsonObject, key: string, value: unknown): void {
  if (absent(holder[key])) holder[key] = value;
}

/** Like setIfAbsent, but also replaces "" (a Go string field's zero value). */
export function setIfEmpty(holder: JsonObject, key: string, value: unknown): void {
  if (absent(holder[key]) || holder[key] === '') holder[key] = value;
}

/**
 * An embedded ObjectMeta (pod templates, job templates, claim templates): Go always writes it,
 * and its zero creationTimestamp as null, so `kubectl get -o yaml` shows
 * `metadata: {creationTimestamp: null}`.
 */
export function defaultEmbeddedMeta(template: JsonObject): void {
  const meta = ensureObject(template, 'metadata');
  if (meta && !('creationTimestamp' in meta)) meta.creationTimestamp = null;
}

/** A workload's spec.template: embedded metadata and the pod defaults. */
export function defaultPodTemplate(spec: JsonObject): void {
  const template = ensureObject(spec, 'template');
  if (!template) return;
  defaultEmbeddedMeta(template);
  setDefaultsPodTemplateSpec(template);
}

/** The objects in an array field (non-objects skipped). */
export function objects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

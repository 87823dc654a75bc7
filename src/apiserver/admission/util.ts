// What every admission plugin needs: reading the loosely typed JSON of an object, telling which
// resource a request is about, and refusing it the way k8s.io/apiserver's admission.NewForbidden
// words it (`pods "web" is forbidden: ...`).

import { Reason, StatusError, forbidden } from '../../machinery/errors.js';
import type { AdmissionAttributes } from './types.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `holder[key]`, created when absent: for plugins that fill fields in. */
export function ensureObject(holder: JsonObject, key: string): JsonObject {
  const v = holder[key];
  if (isObject(v)) return v;
  const created: JsonObject = {};
  holder[key] = created;
  return created;
}

/** The array at `holder[key]`, created when absent. */
export function ensureArray(holder: JsonObject, key: string): unknown[] {
  const v = holder[key];
  if (Array.isArray(v)) return v;
  const created: unknown[] = [];
  holder[key] = created;
  return created;
}

export function asObject(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

export function asObjects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

export function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A request about this group/plural, on the object itself rather than a subresource. */
export function isMainResource(attrs: AdmissionAttributes, group: string, plural: string): boolean {
  return attrs.resource.group === group && attrs.resource.plural === plural && attrs.subresource === '';
}

/** Which phase refuses: mutating admission runs before a generated name exists upstream. */
export type AdmissionPhase = 'admit' | 'validate';

/**
 * The name admission errors show (extractResourceName): the request's name, else the object's
 * name, else its generateName. Upstream names are generated between the mutating and the
 * validating phase, so a mutating plugin refusing a generated-name create shows the prefix.
 */
export function nameForError(attrs: AdmissionAttributes, phase: AdmissionPhase): string {
  const meta = attrs.object?.metadata ?? attrs.oldObject?.metadata;
  if (phase === 'admit' && attrs.generatedName && meta?.generateName) return meta.generateName;
  return attrs.name || meta?.name || meta?.generateName || 'Unknown';
}

/** admission.NewForbidden: 403 on this request's resource and name; a Forbidden error passes through. */
export function admissionForbidden(attrs: AdmissionAttributes, why: string | StatusError, phase: AdmissionPhase): StatusError {
  if (typeof why !== 'string' && why.reason === Reason.Forbidden) return why;
  const message = typeof why === 'string' ? why : why.message;
  return forbidden({ group: attrs.resource.group, resource: attrs.resource.plural }, nameForError(attrs, phase), message);
}

/** A plain Go error from a plugin: the client sees a 500 with its text and no reason. */
export function plainError(message: string): StatusError {
  return new StatusError(500, '', message);
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several deduplicated in brackets. */
export function aggregateMessage(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** The value of an annotation, or undefined. */
export function annotation(obj: { metadata?: { annotations?: Record<string, string> } } | undefined, key: string): string | undefined {
  return obj?.metadata?.annotations?.[key];
}

/** Creation time in ms, for "newest first" choices among default classes (0 when unset). */
export function creationTime(obj: { metadata?: { creationTimestamp?: string | null } }): number {
  const t = obj.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

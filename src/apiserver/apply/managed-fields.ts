// metadata.managedFields ↔ the field manager's working form: a map from manager identifier
// to owned field set, plus each manager's last write time. An identifier is the entry
// without its fields and time, as JSON (`{"manager":"kubectl","operation":"Update",
// "apiVersion":"apps/v1"}`); appliers leave out the API version, so one applier has one entry
// whatever version it applies. Entries are written back sorted as upstream sorts them:
// Apply before Update, then by time, manager, API version and subresource.

import type { ManagedFieldsEntry } from '../../api/object.js';
import { field, type FieldError } from '../../machinery/errors.js';
import { FieldSet } from './field-set.js';
import { compareGoStrings, goJSONString, unixSeconds } from './go-format.js';
import type { ManagerSets } from './updater.js';

export interface Managed {
  fields: ManagerSets;
  /** RFC 3339 time of each manager's last write; absent for managers that never had one. */
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export function copyManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

export interface ManagerIdentity {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
}

/** upstream's BuildManagerIdentifier: the entry as Go marshals it, minus fields and time. */
export function managerIdentifier(entry: ManagerIdentity): string {
  const parts: string[] = [];
  if (entry.manager) parts.push(`"manager":${goJSONString(entry.manager)}`);
  if (entry.operation) parts.push(`"operation":${goJSONString(entry.operation)}`);
  if (entry.apiVersion && entry.operation !== 'Apply') parts.push(`"apiVersion":${goJSONString(entry.apiVersion)}`);
  if (entry.subresource) parts.push(`"subresource":${goJSONString(entry.subresource)}`);
  return '{' + parts.join(',') + '}';
}

const identityCache = new Map<string, ManagerIdentity | undefined>();

/** The parts of an identifier; undefined when it is not one (a bare name). */
export function parseManagerIdentifier(id: string): ManagerIdentity | undefined {
  if (identityCache.has(id)) return identityCache.get(id);
  if (identityCache.size > 10000) identityCache.clear();
  const identity = readIdentifier(id);
  identityCache.set(id, identity);
  return identity;
}

function readIdentifier(id: string): ManagerIdentity | undefined {
  try {
    const v = JSON.parse(id) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    return { manager: str('manager'), operation: str('operation'), apiVersion: str('apiVersion'), subresource: str('subresource') };
  } catch {
    return undefined;
  }
}

// The FieldsV1 a set was read from. A manager whose set a write leaves alone keeps the very
// same set object, and its stored FieldsV1 is written back as it was instead of re-encoded.
const sourceFields = new WeakMap<FieldSet, Record<string, unknown>>();

/** Decodes stored entries; throws with upstream's message on an entry it cannot read. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined | null): Managed {
  const managed = emptyManaged();
  if (!entries) return managed;
  entries.forEach((entry, i) => {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!entry.apiVersion) throw new Error('apiVersion must not be empty');
    if (!entry.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier(entry);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(entry.fieldsV1 ?? {});
      if (entry.fieldsV1 && typeof entry.fieldsV1 === 'object') sourceFields.set(set, entry.fieldsV1);
    } catch (e) {
      throw new Error(`error decoding versioned set from ${JSON.stringify(entry)}: error decoding set: ${(e as Error).message}`);
    }
    managed.fields.set(id, { set, apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' });
    managed.times.set(id, entry.time ?? undefined);
  });
  return managed;
}

/** Entries for metadata.managedFields; undefined when no manager owns anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const identity = parseManagerIdentifier(id) ?? {};
    const entry: ManagedFieldsEntry = {};
    if (identity.manager) entry.manager = identity.manager;
    const operation = vs.applied ? 'Apply' : identity.operation;
    if (operation) entry.operation = operation as ManagedFieldsEntry['operation'];
    if (vs.apiVersion) entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = sourceFields.get(vs.set) ?? vs.set.toFieldsV1();
    if (identity.subresource) entry.subresource = identity.subresource;
    entries.push(entry);
  }
  return entries.sort(compareEntries);
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return compareGoStrings(p.operation ?? '', q.operation ?? '');
  const ps = unixSeconds(p.time);
  const qs = unixSeconds(q.time);
  if (ps !== qs) return ps < qs ? -1 : 1;
  if (p.manager !== q.manager) return compareGoStrings(p.manager ?? '', q.manager ?? '');
  if (p.apiVersion !== q.apiVersion) return compareGoStrings(p.apiVersion ?? '', q.apiVersion ?? '');
  return compareGoStrings(p.subresource ?? '', q.subresource ?? '');
}

/**
 * Whether a client asked to clear managedFields: an empty list, or a list holding one empty
 * entry (`[{}]`). Leaving the field out keeps the stored entries.
 */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  if (entries.length === 1) {
    const e = entries[0] as Record<string, unknown> | null;
    return typeof e === 'object' && e !== null && Object.values(e).every((v) => v === undefined || v === null || v === '');
  }
  return false;
}

const maxSubresourceNameLength = 256;
const fieldManagerMaxLength = 128;

/** metadata.managedFields validation, as ObjectMeta validation runs it (ValidateManagedFields). */
export function validateManagedFields(entries: readonly ManagedFieldsEntry[] | undefined, path = 'metadata.managedFields'): FieldError[] {
  const errors: FieldError[] = [];
  (entries ?? []).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errors.push(field.invalid(`${at}.operation`, entry.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') {
      errors.push(field.invalid(`${at}.fieldsType`, entry.fieldsType, 'must be `FieldsV1`'));
    }
    errors.push(...validateFieldManager(entry.manager ?? '', `${at}.manager`));
    if ((entry.subresource ?? '').length > maxSubresourceNameLength) {
      errors.push(field.tooLong(`${at}.subresource`, entry.subresource, maxSubresourceNameLength));
    }
  });
  return errors;
}

const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** A field manager name: at most 128 bytes of printable characters (ValidateFieldManager). */
export function validateFieldManager(manager: string, path = 'fieldManager'): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(manager) > fieldManagerMaxLength) errors.push(field.tooLong(path, manager, fieldManagerMaxLength));
  let byteOffset = 0;
  for (const ch of manager) {
    if (!printableRune.test(ch)) {
      const cp = ch.codePointAt(0)!;
      const u = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
      errors.push(field.invalid(path, manager, `invalid character ${u} (at position ${byteOffset})`));
    }
    byteOffset += Buffer.byteLength(ch);
  }
  return errors;
}

/**
 * The manager of a write: the fieldManager parameter, else the user agent up to its first
 * slash (`kubectl/v1.32.0 (linux/amd64) …` → `kubectl`), as upstream's managerOrUserAgent.
 */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return (userAgent ?? '').split('/')[0];
}

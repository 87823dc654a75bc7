// apiextensions.k8s.io/v1 CustomResourceDefinition validation. Upstream validates the internal
// type, into which v1 converts by hoisting per-version schema, subresources and printer
// columns to the top level when all versions agree; error paths follow that (a one-version CRD
// reports `spec.validation.openAPIV3Schema…`), and so do they here. Covers the group, names,
// scope, versions (unique, exactly one storage version), schemas (see crd-schema.ts),
// subresources, printer columns, selectable fields, conversion, stored versions, the
// `<plural>.<group>` name, API approval for *.k8s.io groups, and what an update may not change.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum } from './formats.js';
import { sameValue, schemaHasDefaults, validateCustomResourceValidation } from './crd-schema.js';
import { arr, byteLength, child, index, isInt, isObject, isSet, key, obj, str, type JsonObject } from './shape.js';
import type { KindValidation } from './types.js';

const printerColumnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const printerColumnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const acceptedConversionReviewVersions = ['v1', 'v1beta1'];
const maxSelectableFields = 8;
export const apiApprovalAnnotation = 'api-approved.kubernetes.io';

/** The parts of a v1 CRD spec as the internal type has them after conversion. */
interface InternalSpec {
  validation?: unknown;
  subresources?: unknown;
  columns?: unknown[];
  selectableFields?: unknown[];
  versions: JsonObject[];
}

/** v1 → internal: fields identical in every version move to the top level. */
function hoist(spec: JsonObject): InternalSpec {
  const versions = arr(spec.versions).map((v) => ({ ...obj(v) }));
  const out: InternalSpec = { versions };
  if (versions.length === 0) return out;
  const lift = (v1Name: string, set: (value: unknown) => void) => {
    const first = versions[0][v1Name];
    if (versions.every((v) => sameValue(v[v1Name], first))) {
      set(first);
      for (const v of versions) delete v[v1Name];
    }
  };
  lift('schema', (v) => (out.validation = v));
  lift('subresources', (v) => (out.subresources = v));
  lift('additionalPrinterColumns', (v) => (out.columns = arr(v)));
  lift('selectableFields', (v) => (out.selectableFields = arr(v)));
  return out;
}

const hasStatus = (subresources: unknown) => isObject(subresources) && isSet(subresources.status);

function invalidJoined(path: string, value: string, msgs: string[]): FieldError[] {
  return msgs.length ? [field.invalid(path, value, msgs.join(','))] : [];
}

export function validateCustomResourceDefinitionNames(namesRaw: unknown, path: string): FieldError[] {
  const names = obj(namesRaw);
  const errs: FieldError[] = [];
  const plural = str(names.plural);
  const singular = str(names.singular);
  const kind = str(names.kind);
  const listKind = str(names.listKind);
  if (plural) errs.push(...invalidJoined(child(path, 'plural'), plural, isDNS1035Label(plural)));
  if (singular) errs.push(...invalidJoined(child(path, 'singular'), singular, isDNS1035Label(singular)));
  const mixed = 'may have mixed case, but should otherwise match: ';
  if (kind) {
    const msgs = isDNS1035Label(kind.toLowerCase());
    if (msgs.length) errs.push(field.invalid(child(path, 'kind'), kind, mixed + msgs.join(',')));
  }
  if (listKind) {
    const msgs = isDNS1035Label(listKind.toLowerCase());
    if (msgs.length) errs.push(field.invalid(child(path, 'listKind'), listKind, mixed + msgs.join(',')));
  }
  arr(names.shortNames).forEach((s, i) => errs.push(...invalidJoined(index(child(path, 'shortNames'), i), str(s), isDNS1035Label(str(s)))));
  if (kind && kind === listKind) errs.push(field.invalid(child(path, 'listKind'), listKind, 'kind and listKind may not be the same'));
  arr(names.categories).forEach((c, i) => errs.push(...invalidJoined(index(child(path, 'categories'), i), str(c), isDNS1035Label(str(c)))));
  return errs;
}

/** validateSimpleJSONPath: `.a.b`. */
function validateSimpleJSONPath(s: string, path: string): FieldError[] {
  if (s.length === 0) return [field.invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [field.invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(colRaw: unknown, path: string): FieldError[] {
  const col = obj(colRaw);
  const errs: FieldError[] = [];
  if (str(col.name) === '') errs.push(field.required(child(path, 'name'), ''));
  const type = str(col.type);
  const typeMsg = `must be one of ${printerColumnTypes.join(',')}`;
  if (type === '') errs.push(field.required(child(path, 'type'), typeMsg));
  else if (!printerColumnTypes.includes(type)) errs.push(field.invalid(child(path, 'type'), type, typeMsg));
  const format = str(col.format);
  if (format !== '' && !printerColumnFormats.includes(format)) {
    errs.push(field.invalid(child(path, 'format'), format, `must be one of ${printerColumnFormats.join(',')}`));
  }
  // The internal field is JSONPath; its path keeps that name.
  const jsonPath = str(col.jsonPath);
  if (jsonPath === '') errs.push(field.required(child(path, 'JSONPath'), ''));
  else errs.push(...validateSimpleJSONPath(jsonPath, child(path, 'JSONPath')));
  return errs;
}

export function validateSubresources(subresourcesRaw: unknown, path: string): FieldError[] {
  if (!isObject(subresourcesRaw) || !isSet(subresourcesRaw.scale)) return [];
  const scale = obj(subresourcesRaw.scale);
  const errs: FieldError[] = [];
  for (const [f, prefix, under] of [
    ['specReplicasPath', '.spec.', '.spec'],
    ['statusReplicasPath', '.status.', '.status'],
  ] as const) {
    const p = `${path}.scale.${f}`;
    const v = str(scale[f]);
    if (v === '') {
      errs.push(field.required(p, ''));
      continue;
    }
    const pathErrs = validateSimpleJSONPath(v, p);
    if (pathErrs.length) errs.push(...pathErrs);
    else if (!v.startsWith(prefix)) errs.push(field.invalid(p, v, `should be a json path under ${under}`));
  }
  const selectorPath = str(scale.labelSelectorPath);
  if (selectorPath !== '') {
    const p = `${path}.scale.labelSelectorPath`;
    const pathErrs = validateSimpleJSONPath(selectorPath, p);
    if (pathErrs.length) errs.push(...pathErrs);
    else if (!selectorPath.startsWith('.spec.') && !selectorPath.startsWith('.status.')) {
      errs.push(field.invalid(p, selectorPath, 'should be a json path under either .spec or .status'));
    }
  }
  return errs;
}

/** The schema node a selectable field's `.a.b` path names, if any. */
function schemaAtPath(schema: unknown, jsonPath: string): JsonObject | undefined {
  let node = obj(obj(schema).openAPIV3Schema);
  for (const part of jsonPath.slice(1).split('.')) {
    const props = obj(node.properties);
    if (!part || !isObject(props[part])) return undefined;
    node = props[part];
  }
  return node;
}

function validateSelectableFields(fields: unknown[], schema: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Set<string>();
  fields.forEach((raw, i) => {
    const p = child(index(path, i), 'jsonPath');
    const jsonPath = str(obj(raw).jsonPath);
    if (jsonPath === '') {
      errs.push(field.required(p, ''));
      return;
    }
    const node = jsonPath.startsWith('.') ? schemaAtPath(schema, jsonPath) : undefined;
    if (!node) {
      errs.push(field.invalid(p, jsonPath, 'is an invalid path: does not refer to a valid field'));
      return;
    }
    if (jsonPath.split('.')[1] === 'metadata') errs.push(field.invalid(p, jsonPath, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(str(node.type))) {
      errs.push(field.invalid(p, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (unique.has(jsonPath)) errs.push(field.duplicate(p, jsonPath));
    unique.add(jsonPath);
  });
  if (unique.size > maxSelectableFields) errs.push(field.tooMany(path, unique.size, maxSelectableFields));
  return errs;
}

function validateDeprecationWarning(version: JsonObject, path: string): FieldError[] {
  if (!isSet(version.deprecationWarning)) return [];
  const warning = str(version.deprecationWarning);
  const p = child(path, 'deprecationWarning');
  if (version.deprecated !== true) return [field.invalid(p, warning, 'can only be set for deprecated versions')];
  const errs: FieldError[] = [];
  if (byteLength(warning) > 256) errs.push(field.invalid(p, warning, 'must be <= 256 characters long'));
  if (warning.length === 0) errs.push(field.invalid(p, warning, 'must not be an empty string'));
  let offset = 0;
  for (const ch of warning) {
    if (/\p{Cc}/u.test(ch)) {
      errs.push(field.invalid(p, warning, `must only contain printable UTF-8 characters; control character found at index ${offset}`));
      break;
    }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      errs.push(field.invalid(p, warning, `must only contain printable UTF-8 characters; non-printable character found at index ${offset}`));
      break;
    }
    offset += byteLength(ch);
  }
  return errs;
}

/** webhook.ValidateWebhookURL with https required. */
function validateWebhookURL(path: string, text: string): FieldError[] {
  const form = '; desired format: https://host[/path]';
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return [field.required(path, `url must be a valid URL: parse ${JSON.stringify(text)}: invalid URI for request${form}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(field.invalid(path, scheme, `'https' is the only allowed URL scheme${form}`));
  if (u.host === '') errs.push(field.invalid(path, u.host, `host must be specified${form}`));
  if (u.username !== '' || u.password !== '') {
    errs.push(field.invalid(path, u.password ? `${u.username}:${u.password}` : u.username, 'user information is not permitted in the URL'));
  }
  if (u.hash.length > 1) errs.push(field.invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search.length > 1) errs.push(field.invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

/** webhook.ValidateWebhookService. */
function validateWebhookService(path: string, service: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (str(service.name) === '') errs.push(field.required(child(path, 'name'), 'service name is required'));
  if (str(service.namespace) === '') errs.push(field.required(child(path, 'namespace'), 'service namespace is required'));
  const port = isInt(service.port) ? service.port : 0;
  const portErrs = isValidPortNum(port);
  if (portErrs.length) errs.push(field.invalid(child(path, 'port'), port, `port is not valid: ${portErrs.join(', ')}`));
  if (!isSet(service.path)) return errs;
  const urlPath = str(service.path);
  if (urlPath === '/' || urlPath === '') return errs;
  if (urlPath === '//') return [...errs, field.invalid(child(path, 'path'), urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(field.invalid(child(path, 'path'), urlPath, "must start with a '/'"));
  let toCheck = urlPath.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (step === '') {
      errs.push(field.invalid(child(path, 'path'), urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const msg of isDNS1123Subdomain(step)) errs.push(field.invalid(child(path, 'path'), urlPath, `segment[${i}]: ${msg}`));
  });
  return errs;
}

function validateConversion(conversionRaw: unknown, path: string, requireRecognizedVersion: boolean): FieldError[] {
  if (!isSet(conversionRaw)) return [];
  const conversion = obj(conversionRaw);
  const errs: FieldError[] = [];
  const strategy = str(conversion.strategy);
  if (strategy === '') errs.push(field.required(child(path, 'strategy'), ''));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(field.notSupported(child(path, 'strategy'), strategy, ['None', 'Webhook']));
  const webhook = obj(conversion.webhook);
  const versions = arr(webhook.conversionReviewVersions);
  if (strategy === 'Webhook') {
    const ccPath = child(path, 'webhookClientConfig');
    if (!isSet(webhook.clientConfig)) {
      errs.push(field.required(ccPath, 'required when strategy is set to Webhook'));
    } else {
      const cc = obj(webhook.clientConfig);
      if (isSet(cc.url) === isSet(cc.service)) errs.push(field.required(ccPath, 'exactly one of url or service is required'));
      else if (isSet(cc.url)) errs.push(...validateWebhookURL(child(ccPath, 'url'), str(cc.url)));
      else errs.push(...validateWebhookService(child(ccPath, 'service'), obj(cc.service)));
    }
    const vPath = child(path, 'conversionReviewVersions');
    if (versions.length < 1) {
      errs.push(field.required(vPath, ''));
    } else {
      const seen = new Set<string>();
      let accepted = false;
      versions.forEach((raw, i) => {
        const v = str(raw);
        if (seen.has(v)) {
          errs.push(field.invalid(index(vPath, i), v, 'duplicate version'));
          return;
        }
        seen.add(v);
        for (const msg of isDNS1035Label(v)) errs.push(field.invalid(index(vPath, i), v, msg));
        if (acceptedConversionReviewVersions.includes(v)) accepted = true;
      });
      if (requireRecognizedVersion && !accepted) {
        errs.push(field.invalid(vPath, versions, `must include at least one of ${acceptedConversionReviewVersions.join(', ')}`));
      }
    }
  } else {
    if (isSet(webhook.clientConfig)) errs.push(field.forbidden(child(path, 'webhookClientConfig'), 'should not be set when strategy is not set to Webhook'));
    if (versions.length > 0) errs.push(field.forbidden(child(path, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

export function validateCustomResourceDefinitionSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const internal = hoist(spec);
  const errs: FieldError[] = [];
  const group = str(spec.group);
  if (group === '') errs.push(field.required(child(path, 'group'), ''));
  else if (isDNS1123Subdomain(group).length) errs.push(field.invalid(child(path, 'group'), group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(field.invalid(child(path, 'group'), group, 'should be a domain with at least one dot'));

  const scope = str(spec.scope);
  if (scope === '') errs.push(field.required(child(path, 'scope'), ''));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(field.notSupported(child(path, 'scope'), scope, ['Cluster', 'Namespaced']));

  const versionsPath = child(path, 'versions');
  if (!isSet(internal.validation) || !isSet(obj(internal.validation).openAPIV3Schema)) {
    internal.versions.forEach((v, i) => {
      if (!isSet(obj(v.schema).openAPIV3Schema)) errs.push(field.required(`${index(versionsPath, i)}.schema.openAPIV3Schema`, 'schemas are required'));
    });
  }
  const preserveUnknownFields = spec.preserveUnknownFields === true;
  const hasDefaults = schemaHasDefaults(obj(internal.validation).openAPIV3Schema) || internal.versions.some((v) => schemaHasDefaults(obj(v.schema).openAPIV3Schema));
  if (hasDefaults && preserveUnknownFields) errs.push(field.invalid(child(path, 'preserveUnknownFields'), true, 'must be false in order to use defaults in the schema'));

  let storageCount = 0;
  const names = new Set<string>();
  let unique = true;
  internal.versions.forEach((v, i) => {
    const vPath = index(versionsPath, i);
    if (v.storage === true) storageCount++;
    const name = str(v.name);
    if (names.has(name)) unique = false;
    names.add(name);
    errs.push(...invalidJoined(child(vPath, 'name'), name, isDNS1035Label(name)));
    const subresources = isSet(internal.subresources) ? internal.subresources : v.subresources;
    errs.push(...validateDeprecationWarning(v, vPath));
    errs.push(...validateCustomResourceValidation(v.schema, hasStatus(subresources), child(vPath, 'schema')));
    errs.push(...validateSubresources(v.subresources, child(vPath, 'subresources')));
    arr(v.additionalPrinterColumns).forEach((c, j) => errs.push(...validateColumn(c, index(child(vPath, 'additionalPrinterColumns'), j))));
    if (arr(v.selectableFields).length > 0) {
      if (!isSet(obj(v.schema).openAPIV3Schema)) {
        errs.push(field.invalid(child(vPath, 'selectableFields'), '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
      } else {
        errs.push(...validateSelectableFields(arr(v.selectableFields), v.schema, child(vPath, 'selectableFields')));
      }
    }
  });
  const rawVersions = arr(spec.versions);
  if (!unique) errs.push(field.invalid(versionsPath, rawVersions, 'must contain unique version names'));
  if (storageCount !== 1) errs.push(field.invalid(versionsPath, rawVersions, 'must have exactly one version marked as storage version'));

  const namesPath = child(path, 'names');
  const n = obj(spec.names);
  for (const f of ['plural', 'singular', 'kind', 'listKind']) if (str(n[f]) === '') errs.push(field.required(child(namesPath, f), ''));
  errs.push(...validateCustomResourceDefinitionNames(n, namesPath));

  const anyStatus = hasStatus(internal.subresources) || internal.versions.some((v) => hasStatus(v.subresources));
  errs.push(...validateCustomResourceValidation(internal.validation, anyStatus, child(path, 'validation')));
  errs.push(...validateSubresources(internal.subresources, child(path, 'subresources')));
  arr(internal.columns).forEach((c, i) => errs.push(...validateColumn(c, index(child(path, 'additionalPrinterColumns'), i))));
  if (arr(internal.selectableFields).length > 0) {
    if (!isSet(internal.validation)) errs.push(field.invalid(child(path, 'selectableFields'), '', 'selectableFields may only be set when validations.schema is included'));
    else errs.push(...validateSelectableFields(arr(internal.selectableFields), internal.validation, child(path, 'selectableFields')));
  }

  const conversion = obj(spec.conversion);
  if (isSet(spec.conversion) && str(conversion.strategy) !== 'None' && preserveUnknownFields) {
    errs.push(field.invalid(child(child(path, 'conversion'), 'strategy'), conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  errs.push(...validateConversion(spec.conversion, child(path, 'conversion'), true));
  return errs;
}

/**
 * The stored versions a create or update leaves behind: the stored list plus the current
 * storage version (upstream's strategy adds it before validating; see updateStoredVersions).
 */
function effectiveStoredVersions(crd: KubeObject): string[] {
  const stored = arr(obj(crd.status).storedVersions).map(str);
  const storage = arr(obj(crd.spec).versions).find((v) => obj(v).storage === true);
  if (storage && !stored.includes(str(obj(storage).name))) stored.push(str(obj(storage).name));
  return stored;
}

/** status.storedVersions must name versions that still exist, including the storage one. */
function validateStoredVersions(crd: KubeObject): FieldError[] {
  const stored = effectiveStoredVersions(crd);
  const path = 'status.storedVersions';
  if (stored.length === 0) return [field.invalid(path, stored, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const raw of arr(obj(crd.spec).versions)) {
    const v = obj(raw);
    const name = str(v.name);
    if (v.storage === true && !remaining.has(name)) errs.push(field.invalid(path, stored, `must have the storage version ${name}`));
    remaining.delete(name);
  }
  for (const [v, i] of remaining) {
    errs.push(
      field.invalid(
        index(path, i),
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

const isProtectedGroup = (group: string) => group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');

type ApprovalState = 'missing' | 'bypassed' | 'approved' | 'invalid';

function approvalState(annotations: Record<string, string> | undefined): { state: ApprovalState; reason: string } {
  const value = annotations?.[apiApprovalAnnotation] ?? '';
  const quoted = JSON.stringify(apiApprovalAnnotation);
  if (value === '') return { state: 'missing', reason: `protected groups must have approval annotation ${quoted}, see https://github.com/kubernetes/enhancements/pull/1111` };
  if (value.startsWith('unapproved')) return { state: 'bypassed', reason: `not approved: ${JSON.stringify(value)}` };
  try {
    const u = new URL(value);
    if (u.host !== '' && u.protocol !== '') return { state: 'approved', reason: `approved in ${value}` };
  } catch {
    // not a URL
  }
  return {
    state: 'invalid',
    reason: `protected groups must have approval annotation ${quoted} with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
  };
}

/** validateAPIApproval: CRDs in *.k8s.io and *.kubernetes.io need the approval annotation. */
function validateAPIApproval(crd: KubeObject, old?: KubeObject): FieldError[] {
  if (!isProtectedGroup(str(obj(crd.spec).group))) return [];
  const now = approvalState(crd.metadata?.annotations);
  if (old && approvalState(old.metadata?.annotations).state === now.state) return [];
  const path = key('metadata.annotations', apiApprovalAnnotation);
  switch (now.state) {
    case 'approved':
    case 'bypassed':
      return [];
    case 'missing':
      return [field.required(path, now.reason)];
    default:
      return [field.invalid(path, crd.metadata?.annotations?.[apiApprovalAnnotation] ?? '', now.reason)];
  }
}

export function validateCustomResourceDefinition(crd: KubeObject): FieldError[] {
  const spec = obj(crd.spec);
  const errs: FieldError[] = [];
  const name = str(crd.metadata?.name);
  if (name !== '' && name !== `${str(obj(spec.names).plural)}.${str(spec.group)}`) {
    errs.push(field.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  errs.push(...validateCustomResourceDefinitionSpec(spec));
  errs.push(...validateCustomResourceDefinitionNames(obj(crd.status).acceptedNames, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(crd));
  errs.push(...validateAPIApproval(crd));
  if (spec.preserveUnknownFields === true) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}

const isEstablished = (crd: KubeObject) => arr(obj(crd.status).conditions).some((c) => obj(c).type === 'Established' && obj(c).status === 'True');

/**
 * What an update adds: group and plural never change (they name the resource); once the CRD
 * is Established, scope and kind are fixed too (they shape stored objects). validate() runs
 * the create rules as well, except that API approval only fails when its state changes.
 */
export function validateCustomResourceDefinitionUpdate(crd: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(crd.spec);
  const oldSpec = obj(old.spec);
  const names = obj(spec.names);
  const oldNames = obj(oldSpec.names);
  const errs: FieldError[] = [];
  const immutable = (now: unknown, before: unknown, path: string) => {
    if (str(now) !== str(before)) errs.push(field.invalid(path, str(now), 'field is immutable'));
  };
  if (isEstablished(old)) {
    immutable(spec.scope, oldSpec.scope, 'spec.scope');
    immutable(names.kind, oldNames.kind, 'spec.names.kind');
  }
  immutable(spec.group, oldSpec.group, 'spec.group');
  immutable(names.plural, oldNames.plural, 'spec.names.plural');
  return errs;
}

/** A write to /status: the accepted names must be valid names. */
export function validateCustomResourceDefinitionStatusUpdate(crd: KubeObject): FieldError[] {
  return validateCustomResourceDefinitionNames(obj(crd.status).acceptedNames, 'status.acceptedNames');
}

export const customResourceDefinitionValidation: KindValidation = {
  validate: validateCustomResourceDefinition,
  validateUpdate: validateCustomResourceDefinitionUpdate,
  validateStatusUpdate: validateCustomResourceDefinitionStatusUpdate,
  nameRule: 'subdomain',
};

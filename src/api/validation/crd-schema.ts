// The openAPIV3Schema rules of CustomResourceDefinition validation (apiextensions-apiserver):
// the OpenAPI subset Kubernetes supports, structural schemas (every field typed, value
// validations inside allOf/anyOf/oneOf/not only restating the structure, metadata restricted
// to name and generateName), the x-kubernetes-* extensions, defaults (allowed, of the right
// type, never in metadata), and the root restrictions when the status subresource is on.
// CEL rules are checked for shape only; compiling them is beyond this module.

import { field, fieldErrorMessage, type FieldError } from '../../machinery/errors.js';
import { arr, child, index, isInt, isObject, isSet, key, semanticEqual, str, type JsonObject } from './shape.js';

const openapiV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const validationReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const metaFields = new Set(['metadata', 'kind', 'apiVersion']);

/** JSONSchemaProps fields in Go's declaration order, with their JSON names. */
const schemaFieldOrder: [string, string][] = [
  ['ID', 'id'],
  ['Schema', '$schema'],
  ['Ref', '$ref'],
  ['Description', 'description'],
  ['Type', 'type'],
  ['Format', 'format'],
  ['Title', 'title'],
  ['Default', 'default'],
  ['Maximum', 'maximum'],
  ['ExclusiveMaximum', 'exclusiveMaximum'],
  ['Minimum', 'minimum'],
  ['ExclusiveMinimum', 'exclusiveMinimum'],
  ['MaxLength', 'maxLength'],
  ['MinLength', 'minLength'],
  ['Pattern', 'pattern'],
  ['MaxItems', 'maxItems'],
  ['MinItems', 'minItems'],
  ['UniqueItems', 'uniqueItems'],
  ['MultipleOf', 'multipleOf'],
  ['Enum', 'enum'],
  ['MaxProperties', 'maxProperties'],
  ['MinProperties', 'minProperties'],
  ['Required', 'required'],
  ['Items', 'items'],
  ['AllOf', 'allOf'],
  ['OneOf', 'oneOf'],
  ['AnyOf', 'anyOf'],
  ['Not', 'not'],
  ['Properties', 'properties'],
  ['AdditionalProperties', 'additionalProperties'],
  ['PatternProperties', 'patternProperties'],
  ['Dependencies', 'dependencies'],
  ['AdditionalItems', 'additionalItems'],
  ['Definitions', 'definitions'],
  ['ExternalDocs', 'externalDocs'],
  ['Example', 'example'],
  ['Nullable', 'nullable'],
  ['XPreserveUnknownFields', 'x-kubernetes-preserve-unknown-fields'],
  ['XEmbeddedResource', 'x-kubernetes-embedded-resource'],
  ['XIntOrString', 'x-kubernetes-int-or-string'],
  ['XListMapKeys', 'x-kubernetes-list-map-keys'],
  ['XListType', 'x-kubernetes-list-type'],
  ['XMapType', 'x-kubernetes-map-type'],
  ['XValidations', 'x-kubernetes-validations'],
];

const allowedFieldsAtRootSchema = [
  'Description',
  'Type',
  'Format',
  'Title',
  'Maximum',
  'ExclusiveMaximum',
  'Minimum',
  'ExclusiveMinimum',
  'MaxLength',
  'MinLength',
  'Pattern',
  'MaxItems',
  'MinItems',
  'UniqueItems',
  'MultipleOf',
  'Required',
  'Items',
  'Properties',
  'ExternalDocs',
  'Example',
  'XPreserveUnknownFields',
  'XValidations',
];

/** A Go zero value: absent, null, false or "" (pointers and non-nil slices/maps are not zero). */
const isZero = (v: unknown) => v === undefined || v === null || v === false || v === '';

const schemaOf = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

/** Sub-schemas in a map (properties, definitions…), as [name, schema] pairs. */
function entries(v: unknown): [string, JsonObject][] {
  if (!isObject(v)) return [];
  return Object.entries(v).map(([k, s]) => [k, isObject(s) ? s : {}]);
}

/** Does any schema in the tree satisfy `pred`? */
export function schemaHas(s: unknown, pred: (s: JsonObject) => boolean): boolean {
  const schema = schemaOf(s);
  if (!schema) return false;
  if (pred(schema)) return true;
  if (Array.isArray(schema.items)) {
    if (schema.items.some((i) => schemaHas(i, pred))) return true;
  } else if (schemaHas(schema.items, pred)) return true;
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (arr(schema[k]).some((x) => schemaHas(x, pred))) return true;
  if (schemaHas(schema.not, pred)) return true;
  for (const k of ['properties', 'patternProperties', 'definitions', 'dependencies']) {
    if (entries(schema[k]).some(([, x]) => schemaHas(x, pred))) return true;
  }
  if (schemaHas(schema.additionalProperties, pred) || schemaHas(schema.additionalItems, pred)) return true;
  return false;
}

export const schemaHasDefaults = (s: unknown) => schemaHas(s, (x) => x.default !== undefined && x.default !== null);

export const schemaHasKubernetesExtensions = (s: unknown) =>
  schemaHas(
    s,
    (x) =>
      x['x-kubernetes-embedded-resource'] === true ||
      isSet(x['x-kubernetes-preserve-unknown-fields']) ||
      x['x-kubernetes-int-or-string'] === true ||
      arr(x['x-kubernetes-list-map-keys']).length > 0 ||
      isSet(x['x-kubernetes-list-type']) ||
      arr(x['x-kubernetes-validations']).length > 0,
  );

// ---- structural schema invariants (apiserver/schema: validation.go, completeness.go) ----

type Level = 'root' | 'item' | 'field';

const valueValidationKeys = ['allOf', 'anyOf', 'oneOf', 'not'];

function isIntOrStringAnyOf(anyOf: unknown): boolean {
  const a = arr(anyOf);
  if (a.length !== 2) return false;
  const only = (s: unknown, type: string) => isObject(s) && Object.keys(s).length === 1 && s.type === type;
  return only(a[0], 'integer') && only(a[1], 'string');
}

function validateNestedValueValidation(v: unknown, skipAnyOf: boolean, lvl: Level, path: string): FieldError[] {
  const s = schemaOf(v);
  if (!s) return [];
  const errs = validateValueValidation(s, skipAnyOf, false, lvl, path);
  errs.push(...validateNestedValueValidation(schemaOf(s.items), false, lvl, child(path, 'items')));
  for (const [k, p] of entries(s.properties)) errs.push(...validateNestedValueValidation(p, false, 'field', key(child(path, 'properties'), k)));
  if (str(s.type) !== '') errs.push(field.forbidden(child(path, 'type'), 'must be empty to be structural'));
  if (isSet(s.additionalProperties)) errs.push(field.forbidden(child(path, 'additionalProperties'), 'must be undefined to be structural'));
  if (isSet(s.default)) errs.push(field.forbidden(child(path, 'default'), 'must be undefined to be structural'));
  if (str(s.title) !== '') errs.push(field.forbidden(child(path, 'title'), 'must be empty to be structural'));
  if (str(s.description) !== '') errs.push(field.forbidden(child(path, 'description'), 'must be empty to be structural'));
  if (s.nullable === true) errs.push(field.forbidden(child(path, 'nullable'), 'must be false to be structural'));
  if (s['x-kubernetes-preserve-unknown-fields'] === true) {
    errs.push(field.forbidden(child(path, 'x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  }
  if (s['x-kubernetes-embedded-resource'] === true) errs.push(field.forbidden(child(path, 'x-kubernetes-embedded-resource'), 'must be false to be structural'));
  if (s['x-kubernetes-int-or-string'] === true) errs.push(field.forbidden(child(path, 'x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (arr(s['x-kubernetes-list-map-keys']).length > 0) errs.push(field.forbidden(child(path, 'x-kubernetes-list-map-keys'), 'must be empty to be structural'));
  if (isSet(s['x-kubernetes-list-type'])) errs.push(field.forbidden(child(path, 'x-kubernetes-list-type'), 'must be undefined to be structural'));
  if (isObject(s.properties) && 'metadata' in s.properties) {
    errs.push(field.forbidden(key(child(path, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  }
  return errs;
}

function validateValueValidation(s: JsonObject, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) arr(s.anyOf).forEach((x, i) => errs.push(...validateNestedValueValidation(x, false, lvl, index(child(path, 'anyOf'), i))));
  arr(s.allOf).forEach((x, i) => errs.push(...validateNestedValueValidation(x, skipFirstAllOfAnyOf && i === 0, lvl, index(child(path, 'allOf'), i))));
  arr(s.oneOf).forEach((x, i) => errs.push(...validateNestedValueValidation(x, false, lvl, index(child(path, 'oneOf'), i))));
  errs.push(...validateNestedValueValidation(s.not, false, lvl, child(path, 'not')));
  if (typeof s.pattern === 'string' && s.pattern !== '') {
    try {
      new RegExp(s.pattern, 'u');
    } catch (e) {
      errs.push(field.invalid(child(path, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${(e as Error).message}`));
    }
  }
  return errs;
}

/** The root metadata schema may only restate name and generateName. */
function metadataSchemaRestricted(metadata: JsonObject): boolean {
  const rest: JsonObject = { ...metadata };
  const props = isObject(rest.properties) ? Object.keys(rest.properties) : [];
  const hasName = props.includes('name');
  const hasGenerateName = props.includes('generateName');
  if ((hasName && hasGenerateName && props.length === 2) || ((hasName || hasGenerateName) && props.length === 1)) delete rest.properties;
  delete rest.type;
  delete rest.default;
  return Object.entries(rest).every(([, v]) => isZero(v));
}

function validateStructuralInvariants(s: JsonObject | undefined, lvl: Level, path: string): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  const type = str(s.type);
  if (type === 'array' && !isSet(s.items)) errs.push(field.required(child(path, 'items'), 'must be specified'));
  if (isObject(s.items)) errs.push(...validateStructuralInvariants(s.items, 'item', child(path, 'items')));
  for (const [k, p] of entries(s.properties)) errs.push(...validateStructuralInvariants(p, 'field', key(child(path, 'properties'), k)));
  if (isSet(s.additionalProperties)) {
    if (lvl === 'root') errs.push(field.forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    if (isObject(s.additionalProperties)) {
      errs.push(...validateStructuralInvariants(s.additionalProperties, 'field', child(path, 'additionalProperties')));
    }
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) errs.push(field.invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(field.invalid(child(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const allOf = arr(s.allOf);
  const skipFirstAllOfAnyOf = allOf.length >= 1 && isIntOrStringAnyOf(isObject(allOf[0]) ? allOf[0].anyOf : undefined);
  errs.push(...validateValueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, lvl, path));
  if (embedded && type !== 'object') {
    if (type === '') errs.push(field.required(child(path, 'type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(field.invalid(child(path, 'type'), type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !intOrString && !preserve) {
    const detail = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[lvl];
    errs.push(field.required(child(path, 'type'), detail));
  }
  if (embedded && isSet(s.additionalProperties)) {
    errs.push(field.forbidden(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && type !== '' && type !== 'object') errs.push(field.invalid(child(path, 'type'), type, 'must be object at the root'));
  const props = isObject(s.properties) ? s.properties : {};
  if (lvl === 'root' || embedded) {
    for (const [name, want] of [
      ['kind', 'string'],
      ['apiVersion', 'string'],
      ['metadata', 'object'],
    ]) {
      if (!(name in props)) continue;
      const t = isObject(props[name]) ? str((props[name] as JsonObject).type) : '';
      if (t !== want) errs.push(field.invalid(child(key(child(path, 'properties'), name), 'type'), t, `must be ${want}`));
    }
  }
  if (lvl === 'root' && 'metadata' in props && !metadataSchemaRestricted(isObject(props.metadata) ? props.metadata : {})) {
    errs.push(
      field.forbidden(key(child(path, 'properties'), 'metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'),
    );
  }
  if (embedded && !preserve && Object.keys(props).length === 0) {
    errs.push(field.required(child(path, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** Every field a value validation mentions must also be in the structural part of the schema. */
function validateNestedCompleteness(v: unknown, s: JsonObject | undefined, sPath: string, vPath: string): FieldError[] {
  const nested = schemaOf(v);
  if (!nested) return [];
  if (!s) return [field.required(sPath, `because it is defined in ${vPath}`)];
  const errs = validateValueValidationCompleteness(nested, s, sPath, vPath);
  errs.push(...validateNestedCompleteness(nested.items, schemaOf(s.items), child(sPath, 'items'), child(vPath, 'items')));
  const sProps = isObject(s.properties) ? s.properties : {};
  for (const [k, vFld] of entries(nested.properties)) {
    const vp = key(child(vPath, 'properties'), k);
    if (!(k in sProps)) {
      if (!isObject(s.additionalProperties)) errs.push(field.required(key(child(sPath, 'properties'), k), `because it is defined in ${vp}`));
      else errs.push(...validateNestedCompleteness(vFld, s.additionalProperties, child(sPath, 'additionalProperties'), vp));
    } else {
      errs.push(...validateNestedCompleteness(vFld, schemaOf(sProps[k]), key(child(sPath, 'properties'), k), vp));
    }
  }
  return errs;
}

function validateValueValidationCompleteness(v: JsonObject, s: JsonObject, sPath: string, vPath: string): FieldError[] {
  const errs = validateNestedCompleteness(v.not, s, sPath, child(vPath, 'not'));
  for (const k of ['allOf', 'anyOf', 'oneOf']) arr(v[k]).forEach((x, i) => errs.push(...validateNestedCompleteness(x, s, sPath, index(child(vPath, k), i))));
  return errs;
}

/** ValidateStructural, errors sorted by their text as upstream sorts them. */
export function validateStructural(schema: JsonObject, path: string): FieldError[] {
  const errs = [...validateStructuralInvariants(schema, 'root', path), ...validateValueValidationCompleteness(schema, schema, path, path)];
  return errs.sort((a, b) => (fieldErrorMessage(a) < fieldErrorMessage(b) ? -1 : fieldErrorMessage(a) > fieldErrorMessage(b) ? 1 : 0));
}

// ---- defaults ----

/** Go's type name for a decoded JSON value, as schema validation errors print it. */
function goTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function matchesType(v: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return isInt(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return true;
  }
}

/** Defaults must have the type of the field they default (a slice of ValidateDefaults). */
function validateDefaultTypes(s: JsonObject | undefined, path: string): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  if (isSet(s.default) && str(s.type) !== '' && s['x-kubernetes-int-or-string'] !== true && !matchesType(s.default, str(s.type))) {
    const p = child(path, 'default');
    const typeName = goTypeName(s.default);
    errs.push(field.typeInvalid(p, typeName, `${p} in body must be of type ${str(s.type)}: ${JSON.stringify(typeName)}`));
  }
  if (isObject(s.items)) errs.push(...validateDefaultTypes(s.items, child(path, 'items')));
  for (const [k, p] of entries(s.properties)) errs.push(...validateDefaultTypes(p, key(child(path, 'properties'), k)));
  if (isObject(s.additionalProperties)) errs.push(...validateDefaultTypes(s.additionalProperties, child(path, 'additionalProperties')));
  return errs;
}

// ---- the OpenAPI subset (ValidateCustomResourceDefinitionOpenAPISchema) ----

interface Ssv {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
}

function validateStandard(s: JsonObject, path: string, ssv: Ssv): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(s.type);
  if (type !== '' && !openapiV3Types.includes(type)) errs.push(field.notSupported(child(path, 'type'), type, openapiV3Types));
  if (isSet(s.default) && !ssv.allowDefaults) {
    errs.push(field.forbidden(child(path, 'default'), `must not be set${ssv.disallowDefaultsReason ? ` ${ssv.disallowDefaultsReason}` : ''}`));
  }
  if (str(s.id) !== '') errs.push(field.forbidden(child(path, 'id'), 'id is not supported'));
  if (isSet(s.additionalItems)) errs.push(field.forbidden(child(path, 'additionalItems'), 'additionalItems is not supported'));
  if (isObject(s.patternProperties) && Object.keys(s.patternProperties).length) errs.push(field.forbidden(child(path, 'patternProperties'), 'patternProperties is not supported'));
  if (isObject(s.definitions) && Object.keys(s.definitions).length) errs.push(field.forbidden(child(path, 'definitions'), 'definitions is not supported'));
  if (isSet(s.dependencies)) errs.push(field.forbidden(child(path, 'dependencies'), 'dependencies is not supported'));
  if (isSet(s.$ref)) errs.push(field.forbidden(child(path, '$ref'), '$ref is not supported'));
  if (type === 'null') errs.push(field.forbidden(child(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length) errs.push(field.forbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  if (ssv.insideResourceMeta && s['x-kubernetes-embedded-resource'] === true) {
    errs.push(field.forbidden(child(path, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  return errs;
}

function validateMapListKeysMapSet(s: JsonObject, path: string): FieldError[] {
  const items = schemaOf(s.items);
  const listType = s['x-kubernetes-list-type'];
  if (!items || (listType !== 'set' && listType !== 'map')) return [];
  const errs: FieldError[] = [];
  if (items.nullable === true) errs.push(field.forbidden(child(child(path, 'items'), 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType === 'map') {
    const required = new Set(arr(items.required).map(str));
    const props = isObject(items.properties) ? items.properties : {};
    for (const k of arr(s['x-kubernetes-list-map-keys']).map(str)) {
      const prop = schemaOf(props[k]);
      if (!prop) continue;
      const p = key(child(child(path, 'items'), 'properties'), k);
      if (!required.has(k) && !isSet(prop.default)) {
        errs.push(field.required(child(p, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
      }
      if (prop.nullable === true) errs.push(field.forbidden(child(p, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
  }
  return errs;
}

function validateXValidations(s: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const hasNewlines = (v: string) => /[\n\r]+/.test(v);
  arr(s['x-kubernetes-validations']).forEach((raw, i) => {
    const rule = isObject(raw) ? raw : {};
    const p = index(child(path, 'x-kubernetes-validations'), i);
    const ruleText = str(rule.rule).trim();
    const message = str(rule.message);
    const trimmedMessage = message.trim();
    if (ruleText === '') errs.push(field.required(child(p, 'rule'), 'rule is not specified'));
    else if (message.length > 0 && trimmedMessage.length === 0) errs.push(field.invalid(child(p, 'message'), message, 'message must be non-empty if specified'));
    else if (hasNewlines(trimmedMessage)) errs.push(field.invalid(child(p, 'message'), message, 'message must not contain line breaks'));
    else if (hasNewlines(ruleText) && trimmedMessage.length === 0) {
      errs.push(field.required(child(p, 'message'), 'message must be specified if rule contains line breaks'));
    }
    const messageExpression = str(rule.messageExpression);
    if (messageExpression.length > 0 && messageExpression.trim().length === 0) {
      errs.push(field.required(child(p, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (isSet(rule.reason) && !validationReasons.includes(str(rule.reason))) {
      errs.push(field.notSupported(child(p, 'reason'), rule.reason, validationReasons));
    }
    const fieldPath = str(rule.fieldPath);
    if (fieldPath.length > 0 && fieldPath.trim().length === 0) errs.push(field.invalid(child(p, 'fieldPath'), fieldPath, 'fieldPath must be non-empty if specified'));
    if (hasNewlines(fieldPath)) errs.push(field.invalid(child(p, 'fieldPath'), fieldPath, 'fieldPath must not contain line breaks'));
  });
  return errs;
}

function validateOpenAPISchema(schema: unknown, path: string, ssv: Ssv, isRoot: boolean): FieldError[] {
  const s = schemaOf(schema);
  if (!s) return [];
  const errs = validateStandard(s, path, ssv);
  if (s.uniqueItems === true) errs.push(field.forbidden(child(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const props = entries(s.properties);
  if (isSet(s.additionalProperties)) {
    if (props.length !== 0 && (s.additionalProperties === false || isObject(s.additionalProperties))) {
      errs.push(field.forbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    const sub = ssv.insideResourceMeta ? { ...ssv, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' } : ssv;
    errs.push(...validateOpenAPISchema(s.additionalProperties, child(path, 'additionalProperties'), sub, false));
  }
  for (const [name, p] of props) {
    let sub = ssv;
    if ((isRoot || s['x-kubernetes-embedded-resource'] === true) && metaFields.has(name)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${name}` };
    }
    errs.push(...validateOpenAPISchema(p, key(child(path, 'properties'), name), sub, false));
  }
  errs.push(...validateOpenAPISchema(s.not, child(path, 'not'), ssv, false));
  for (const k of ['allOf', 'oneOf', 'anyOf']) arr(s[k]).forEach((x, i) => errs.push(...validateOpenAPISchema(x, index(child(path, k), i), ssv, false)));
  for (const [name, d] of entries(s.definitions)) errs.push(...validateOpenAPISchema(d, key(child(path, 'definitions'), name), ssv, false));
  if (isObject(s.items)) errs.push(...validateOpenAPISchema(s.items, child(path, 'items'), ssv, false));
  else if (Array.isArray(s.items)) s.items.forEach((x, i) => errs.push(...validateOpenAPISchema(x, index(child(path, 'items'), i), ssv, false)));
  for (const [name, d] of entries(s.dependencies)) errs.push(...validateOpenAPISchema(d, key(child(path, 'dependencies'), name), ssv, false));

  const type = str(s.type);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(field.invalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  const mapType = s['x-kubernetes-map-type'];
  if (isSet(mapType) && type !== 'object') {
    if (type === '') errs.push(field.required(child(path, 'type'), 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(field.invalid(child(path, 'type'), type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (isSet(mapType) && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(field.notSupported(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  const listType = s['x-kubernetes-list-type'];
  const items = schemaOf(s.items);
  if (isSet(listType) && type !== 'array') {
    if (type === '') errs.push(field.required(child(path, 'type'), 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(field.invalid(child(path, 'type'), type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    if (items.type === 'array' && isSet(items['x-kubernetes-list-type']) && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(field.invalid(child(child(path, 'items'), 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(field.invalid(child(child(path, 'items'), 'x-kubernetes-map-type'), items['x-kubernetes-list-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (isSet(listType) && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(field.notSupported(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  const mapKeys = arr(s['x-kubernetes-list-map-keys']);
  if (mapKeys.length > 0) {
    if (!isSet(listType)) errs.push(field.required(child(path, 'x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(field.invalid(child(path, 'x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(field.required(child(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (!isSet(s.items)) errs.push(field.required(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    if (Array.isArray(s.items)) errs.push(field.invalid(child(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') {
      errs.push(field.invalid(child(child(path, 'items'), 'type'), str(items.type), "must be object if parent array's x-kubernetes-list-type is map"));
    }
    if (items && items.type === 'object') {
      const itemProps = isObject(items.properties) ? items.properties : {};
      const seen = new Set<string>();
      for (const k of mapKeys.map(str)) {
        const prop = schemaOf(itemProps[k]);
        if (prop) {
          if (prop.type === 'array' || prop.type === 'object') {
            errs.push(field.invalid(child(key(child(child(path, 'items'), 'properties'), k), 'type'), str(items.type), "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else {
          errs.push(field.invalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'entries must all be names of item properties'));
        }
        if (seen.has(k)) errs.push(field.invalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  errs.push(...validateMapListKeysMapSet(s, path));
  errs.push(...validateXValidations(s, path));
  return errs;
}

// ---- the whole of one CustomResourceValidation ----

/**
 * validateCustomResourceDefinitionValidation for one `{openAPIV3Schema}` at `path`
 * (spec.validation, or spec.versions[i].schema when versions differ).
 */
export function validateCustomResourceValidation(validation: unknown, statusEnabled: boolean, path: string): FieldError[] {
  if (!isObject(validation)) return [];
  const schema = schemaOf(validation.openAPIV3Schema);
  if (!schema) return [];
  const schemaPath = child(path, 'openAPIV3Schema');
  const errs: FieldError[] = [];
  if (statusEnabled) {
    for (const [goName, jsonName] of schemaFieldOrder) {
      const v = schema[jsonName];
      if (isZero(v)) continue;
      if (goName === 'Type') {
        if (v !== 'object') {
          errs.push(field.invalid(`${path}.openAPIV3Schema.type`, v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!allowedFieldsAtRootSchema.includes(goName)) {
        errs.push(
          field.invalid(schemaPath, schema, `only [${allowedFieldsAtRootSchema.join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`),
        );
        break;
      }
    }
  }
  if (schema.nullable === true) errs.push(field.forbidden(`${path}.openAPIV3Schema.nullable`, 'nullable cannot be true at the root'));
  const structural = validateStructural(schema, schemaPath);
  errs.push(...structural);
  if (structural.length === 0) errs.push(...validateDefaultTypes(schema, schemaPath));
  errs.push(...validateOpenAPISchema(schema, schemaPath, { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false }, true));
  return errs;
}

/** apiequality.Semantic.DeepEqual for schemas and other CRD parts. */
export const sameValue = semanticEqual;

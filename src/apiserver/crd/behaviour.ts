// How the registry treats one custom resource, built from its CRD: the strategy's validation
// (type meta, ObjectMeta, the OpenAPI schema, embedded resources, list-type invariants, scale
// paths and x-kubernetes-validations rules), the decoder's pruning and defaulting, the table
// printer of each served version, selectable fields, and conversion strategy None between
// versions (apiVersion changes, nothing else).

import type { KubeObject } from '../../api/object.js';
import { apiVersionOf, deepCopy } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import type { StructuralSchema } from '../../api/schema/structural.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/meta.js';
import { field, StatusError, Reason, FieldErrorType, type FieldError } from '../../machinery/errors.js';
import type { CustomResourceBehaviour } from '../registry/registry.js';
import type { VersionCodec } from '../registry/store.js';
import type { TablePrinter } from '../printers/types.js';
import type { Definition } from './definition.js';
import { normalizeCustomObject } from './defaulting.js';
import { validateEmbeddedResources } from './embedded.js';
import { evaluateJsonPath, parseJsonPath } from './jsonpath.js';
import { validateListSetsAndMaps } from './list-types.js';
import { customResourcePrinter } from './printer.js';
import { validateScaleSpec, validateScaleStatus } from './scale.js';
import { validateAgainstSchema } from './schema-validation.js';
import { structuralSchemaOf } from './schema.js';
import { celValidatorFor, type CelValidator } from './cel/rules.js';
import { ConditionType } from './names.js';

/** Field errors that stop x-kubernetes-validations rules from running (hasBlockingErr). */
const blockingTypes = new Set<string>([
  FieldErrorType.NotSupported,
  FieldErrorType.Required,
  FieldErrorType.TooLong,
  FieldErrorType.TooMany,
  FieldErrorType.TypeInvalid,
]);

const blockedRulesError = field.invalid('<nil>', 'null', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation');

/**
 * ObjectMeta as apimachinery validates it for apiextensions objects (custom resources and CRDs
 * alike): finalizer names only need to be qualified names. The core kinds' extra rule (an
 * unqualified finalizer must be one of Kubernetes' own), reported per index, does not apply.
 */
export function genericObjectMetaErrors(errs: FieldError[]): FieldError[] {
  return errs.filter((e) => !/^metadata\.finalizers\[\d+\]$/.test(e.field));
}

/** The per-version pieces a CRD compiles to. */
interface VersionParts {
  schema: StructuralSchema | undefined;
  cel: CelValidator | undefined;
  printer: TablePrinter;
}

/** The string a selectable field matches against (numbers and booleans as text; absent as ""). */
function selectableValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export class CustomResourceBehaviourBuilder {
  readonly parts = new Map<string, VersionParts>();

  constructor(
    private readonly crd: Definition,
    private readonly resource: ResourceType,
  ) {
    for (const v of crd.versions) {
      const schema = structuralSchemaOf(v.schema);
      this.parts.set(v.name, { schema, cel: schema && celValidatorFor(schema), printer: customResourcePrinter(v.additionalPrinterColumns) });
    }
  }

  get storageVersion(): string {
    return this.resource.versions[0];
  }

  schema(version: string): StructuralSchema | undefined {
    return this.parts.get(version)?.schema;
  }

  /** The strategy's Validate / ValidateUpdate / status ValidateUpdate, on the storage version. */
  validate(obj: KubeObject, old: KubeObject | undefined, subresource: string): FieldError[] {
    if (!old && this.crd.isTrue(ConditionType.Terminating)) {
      throw new StatusError(405, Reason.MethodNotAllowed, 'create not allowed while custom resource definition is terminating', {
        group: this.resource.group,
        kind: this.resource.plural,
      });
    }
    const version = this.storageVersion;
    const typeErrors: FieldError[] = [];
    if (obj.kind !== this.resource.kind) typeErrors.push(field.invalid('kind', obj.kind ?? '', `must be ${this.resource.kind}`));
    const apiVersion = apiVersionOf(this.resource.group, version);
    if (obj.apiVersion !== apiVersion) typeErrors.push(field.invalid('apiVersion', obj.apiVersion ?? '', `must be ${apiVersion}`));
    if (typeErrors.length) return typeErrors;

    const { schema, cel } = this.parts.get(version) ?? { schema: undefined, cel: undefined };
    const scale = this.resource.scale;
    const errs: FieldError[] = [];
    if (!old) errs.push(...genericObjectMetaErrors(validateObjectMeta(obj.metadata, { namespaced: this.resource.namespaced, nameRule: 'subdomain' })));
    else errs.push(...genericObjectMetaErrors(validateObjectMetaUpdate(obj.metadata, old.metadata)));
    if (schema) errs.push(...validateAgainstSchema(schema, obj, old));
    if (subresource !== 'status') errs.push(...validateScaleSpec(obj, scale));
    errs.push(...validateScaleStatus(obj, scale));
    if (schema) {
      errs.push(...validateEmbeddedResources('', obj, schema));
      // List invariants ratchet as a whole: an old object already violating them is not held to them.
      if (!old || validateListSetsAndMaps('', schema, old).length === 0) errs.push(...validateListSetsAndMaps('', schema, obj));
    }
    if (cel) {
      if (errs.some((e) => blockingTypes.has(e.type))) errs.push(blockedRulesError);
      else errs.push(...cel.validate(obj, old).errors);
    }
    return errs;
  }

  /** The decoder's pruning and defaulting, on a storage-version object. */
  defaulter(obj: KubeObject): void {
    normalizeCustomObject(obj, this.schema(this.storageVersion));
  }

  printer(version: string): TablePrinter | undefined {
    return this.parts.get(version)?.printer;
  }

  /** spec.versions[].selectableFields of the storage version, as field selector getters. */
  selectableFields(): Record<string, (obj: KubeObject) => string | undefined> | undefined {
    const fields = this.crd.version(this.storageVersion)?.selectableFields ?? [];
    if (!fields.length) return undefined;
    const out: Record<string, (obj: KubeObject) => string | undefined> = {};
    for (const f of fields) {
      const path = parseJsonPath(f.jsonPath);
      out[f.jsonPath.replace(/^\./, '')] = (obj) => selectableValue(evaluateJsonPath(path, obj)[0]);
    }
    return out;
  }

  /** Conversion strategy None: the same object under another apiVersion, pruned and defaulted for it. */
  codec(): VersionCodec {
    const storage = this.storageVersion;
    const { group, kind } = this.resource;
    return {
      toStorage: (obj, fromVersion) => {
        normalizeCustomObject(obj, this.schema(fromVersion));
        obj.apiVersion = apiVersionOf(group, storage);
        obj.kind = kind;
        if (fromVersion !== storage) normalizeCustomObject(obj, this.schema(storage));
        return obj;
      },
      fromStorage: (stored, toVersion) => {
        const obj = deepCopy(stored);
        normalizeCustomObject(obj, this.schema(storage));
        obj.apiVersion = apiVersionOf(group, toVersion);
        obj.kind = kind;
        if (toVersion !== storage) normalizeCustomObject(obj, this.schema(toVersion));
        return obj;
      },
    };
  }

  behaviour(): CustomResourceBehaviour {
    return {
      validate: (obj, old, subresource) => this.validate(obj, old, subresource),
      defaulter: (obj) => this.defaulter(obj),
      printer: (version) => this.printer(version),
      selectableFields: this.selectableFields(),
      codec: this.codec(),
    };
  }
}

/** Everything the registry needs to serve a CRD's resource. */
export function customResourceBehaviour(crd: Definition, resource: ResourceType): { behaviour: CustomResourceBehaviour; schemas: Map<string, StructuralSchema | undefined> } {
  const builder = new CustomResourceBehaviourBuilder(crd, resource);
  const schemas = new Map<string, StructuralSchema | undefined>();
  for (const [v, p] of builder.parts) schemas.set(v, p.schema);
  return { behaviour: builder.behaviour(), schemas };
}

// The registry: one ResourceStore per served resource, each wired with its strategy,
// defaulting, validation, admission, selectable fields, version codec, schema and
// managedFields tracking. It also owns the background chores of the store (compaction, and
// expiring Events as --event-ttl does).

import type { KubeObject } from '../../api/object.js';
import type { ResourceType, Scheme } from '../../api/scheme.js';
import { defaulterFor } from '../../api/defaults/index.js';
import { validationFor } from '../../api/validation/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/meta.js';
import type { SchemaProvider, StructuralSchema } from '../../api/schema/structural.js';
import { builtinSchemas } from '../../api/schema/builtin.js';
import type { Clock } from '../../machinery/clock.js';
import { badRequest, type FieldError } from '../../machinery/errors.js';
import type { Storage } from '../../storage/interface.js';
import { AdmissionChain, type AdmissionLookup, type AdmissionPlugin } from '../admission/types.js';
import { defaultAdmissionPlugins } from '../admission/index.js';
import { serverSideApply, updateManagedFields } from '../apply/index.js';
import { checkFields, fieldValidationOutcome } from '../fieldvalidation.js';
import type { HandlerContext } from '../handlers.js';
import { OpenApiPublisher } from '../openapi/index.js';
import { applyPatchDetailed, patchedObjectInvalid } from '../patch/index.js';
import { defaultPrinter, printerFor } from '../printers/index.js';
import type { TablePrinter } from '../printers/types.js';
import { codecFor } from './codecs.js';
import { hooksFor, type HookDeps } from './hooks.js';
import { selectableFields } from './selectable-fields.js';
import { ResourceStore, type ManagedFieldsHandler, type VersionCodec } from './store.js';
import { strategyFor } from './strategy.js';
import { Compactor } from './compactor.js';
import { EventExpiry, type EventExpiryOptions } from './event-expiry.js';
import { Selector } from '../../machinery/labels.js';
import { FieldSelector } from '../../machinery/fields.js';
import { systemUser } from '../auth/system-user.js';
import { genericObjectMetaErrors } from '../crd/behaviour.js';

/**
 * How a custom resource behaves: supplied by the CRD machinery (src/apiserver/crd/) when a
 * CustomResourceDefinition is established, keyed by group/plural.
 */
export interface CustomResourceBehaviour {
  /** Full validation of a custom object (metadata included), in its storage version. */
  validate(obj: KubeObject, old: KubeObject | undefined, subresource: string): FieldError[];
  /** Schema defaults and pruning, in place. */
  defaulter?(obj: KubeObject): void;
  /** Printer for `kubectl get` (additionalPrinterColumns), per served version. */
  printer?(version: string): TablePrinter | undefined;
  /** Extra selectable fields (spec.versions[].selectableFields): field path → getter. */
  selectableFields?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Converts between served versions (conversion strategy None: apiVersion only). */
  codec?: VersionCodec;
}

export interface RegistryOptions {
  storage: Storage;
  clock: Clock;
  log: (msg: string) => void;
  /** Extra admission plugins appended to the defaults (tests). */
  admissionPlugins?: AdmissionPlugin[];
  /** Schemas for kinds beyond the built-ins (custom resources add theirs at run time). */
  extraSchemas?: SchemaProvider;
  compaction?: { intervalMs: number; minRetainedRevisions: number };
  /** Events expire this long after their last write (kube-apiserver's --event-ttl, 1h). */
  eventExpiry?: Partial<EventExpiryOptions>;
  serviceCIDR?: string;
  nodePortRange?: [number, number];
  /** Idle watches that allow bookmarks get one this often (Kubernetes: about a minute). */
  bookmarkIntervalMs?: number;
}

const returningDeletedObject = new Set(['/pods', '/services', '/serviceaccounts', 'storage.k8s.io/storageclasses']);

export class Registry {
  private stores = new Map<ResourceType, ResourceStore>();
  private admission: AdmissionChain;
  private publisher: OpenApiPublisher | undefined;
  readonly schemas: SchemaProvider;
  private compactor: Compactor;
  private eventExpiry: EventExpiry;
  private customSchemas = new Map<string, StructuralSchema>();
  private customBehaviours = new Map<string, CustomResourceBehaviour>();
  readonly hookDeps: HookDeps;

  constructor(
    readonly scheme: Scheme,
    readonly options: RegistryOptions,
  ) {
    const custom = this.customSchemas;
    const extra = options.extraSchemas;
    this.schemas = {
      schemaFor(group, version, kind) {
        return custom.get(`${group}/${version}/${kind}`) ?? extra?.schemaFor(group, version, kind) ?? builtinSchemas.schemaFor(group, version, kind);
      },
    };
    const everything = { labelSelector: Selector.everything(), fieldSelector: new FieldSelector([]) };
    const resourceOf = (group: string, plural: string) => this.scheme.all().find((x) => x.group === group && x.plural === plural);
    const lookup: AdmissionLookup = {
      get: async (group, plural, namespace, name) => {
        const r = resourceOf(group, plural);
        return r ? this.storeFor(r).tryGet(namespace, name) : undefined;
      },
      list: async (group, plural, namespace) => {
        const r = resourceOf(group, plural);
        return r ? (await this.storeFor(r).list(namespace, everything)).items : [];
      },
      // Quota admission charges usage in ResourceQuota status with optimistic concurrency.
      updateStatus: async (group, plural, obj) => {
        const r = resourceOf(group, plural);
        if (!r) throw badRequest(`unknown resource ${plural}.${group}`);
        const ctx = { user: systemUser, dryRun: false, fieldManager: 'kube-apiserver', apiVersion: r.group ? `${r.group}/${r.versions[0]}` : r.versions[0], warnings: [] };
        return (await this.storeFor(r).update(obj.metadata.namespace ?? '', obj.metadata.name!, obj, ctx, 'status')).object;
      },
    };
    this.admission = new AdmissionChain([...defaultAdmissionPlugins(options.clock), ...(options.admissionPlugins ?? [])], lookup);
    this.hookDeps = { storage: options.storage, clock: options.clock, serviceCIDR: options.serviceCIDR, nodePortRange: options.nodePortRange };
    this.compactor = new Compactor(options.storage, options.log, options.compaction);
    this.eventExpiry = new EventExpiry(options.storage, options.clock, options.log, options.eventExpiry);
    scheme.onChange(() => {
      for (const [r] of this.stores) if (r.custom) this.stores.delete(r);
    });
  }

  /** Custom resources register their schemas here (by group/version/kind). */
  setCustomSchema(group: string, version: string, kind: string, schema: StructuralSchema | undefined): void {
    const key = `${group}/${version}/${kind}`;
    if (schema) this.customSchemas.set(key, schema);
    else this.customSchemas.delete(key);
  }

  /** Sets (or clears) what a custom resource does; its store is rebuilt on next use. */
  setCustomResourceBehaviour(group: string, plural: string, behaviour: CustomResourceBehaviour | undefined): void {
    const key = `${group}/${plural}`;
    if (behaviour) this.customBehaviours.set(key, behaviour);
    else this.customBehaviours.delete(key);
    for (const [r] of this.stores) if (r.group === group && r.plural === plural) this.stores.delete(r);
  }

  storeFor(r: ResourceType): ResourceStore {
    let store = this.stores.get(r);
    if (!store) {
      store = this.createStore(r);
      this.stores.set(r, store);
    }
    return store;
  }

  /** The store of a resource by group and plural, at its storage version. */
  store(group: string, plural: string): ResourceStore {
    const r = this.scheme.all().find((x) => x.group === group && x.plural === plural);
    if (!r) throw badRequest(`unknown resource ${plural}.${group}`);
    return this.storeFor(r);
  }

  private createStore(r: ResourceType): ResourceStore {
    // Objects are validated and defaulted in storage form: events.k8s.io Events are core Events there.
    const storageGroup = r.group === 'events.k8s.io' ? '' : r.group;
    const kindValidation = validationFor(storageGroup, r.kind);
    const namespaced = r.namespaced;
    const validate = (obj: KubeObject, old: KubeObject | undefined, subresource: string): FieldError[] => {
      const errors: FieldError[] = [];
      if (!old) {
        errors.push(...validateObjectMeta(obj.metadata, { namespaced, nameRule: kindValidation?.nameRule ?? 'subdomain' }));
        if (kindValidation) errors.push(...kindValidation.validate(obj));
      } else if (subresource === '') {
        errors.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
        if (kindValidation) {
          errors.push(...kindValidation.validate(obj));
          if (kindValidation.validateUpdate) errors.push(...kindValidation.validateUpdate(obj, old));
        }
      } else if (subresource === 'status') {
        errors.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
        if (kindValidation?.validateStatusUpdate) errors.push(...kindValidation.validateStatusUpdate(obj, old));
      }
      // CRDs carry apiextensions' own finalizer, which ObjectMeta's finalizer-name rule refuses.
      return r.group === 'apiextensions.k8s.io' ? genericObjectMetaErrors(errors) : errors;
    };
    const schemas = this.schemas;
    const managedFields: ManagedFieldsHandler = {
      update: (old, updated, ctx) => updateManagedFields(old, updated, ctx),
    };
    const custom = r.custom ? this.customBehaviours.get(`${r.group}/${r.plural}`) : undefined;
    return new ResourceStore(r, {
      storage: this.options.storage,
      clock: this.options.clock,
      admission: this.admission,
      strategy: strategyFor(r),
      fields: selectableFields(r.group, r.plural, r.namespaced, custom?.selectableFields),
      hooks: hooksFor(r, this.hookDeps),
      codec: r.custom ? custom?.codec : codecFor(r),
      defaulter: r.custom ? custom?.defaulter?.bind(custom) : defaulterFor(storageGroup, r.kind),
      validate: r.custom ? custom?.validate.bind(custom) : validate,
      schema: (version) => (storageGroup === r.group ? schemas.schemaFor(r.group, version, r.kind) : schemas.schemaFor('', 'v1', r.kind)),
      managedFields,
    });
  }

  openapi(): OpenApiPublisher {
    if (!this.publisher) this.publisher = new OpenApiPublisher(this.scheme, this.schemas);
    return this.publisher;
  }

  printerFor(r: ResourceType, version: string): TablePrinter {
    if (r.custom) return this.customBehaviours.get(`${r.group}/${r.plural}`)?.printer?.(version) ?? defaultPrinter;
    return printerFor(r.group, version, r.kind) ?? defaultPrinter;
  }

  handlerContext(): HandlerContext {
    return {
      clock: this.options.clock,
      storeFor: (r) => this.storeFor(r),
      printerFor: (r, version) => this.printerFor(r, version),
      checkFields: (r, version, obj, mode, how) => {
        const schema = this.schemas.schemaFor(r.group, version, r.kind);
        if (!schema) return [];
        const check = checkFields(schema, obj, { kind: r.kind, version, raw: mode === 'Ignore' ? undefined : how.raw, typed: !r.custom });
        const outcome = fieldValidationOutcome(check, mode, { kind: r.kind, version, request: how.request });
        if (outcome.error) throw outcome.error;
        return outcome.warnings;
      },
      applyPatch: (type, r, version, current, patch, mode) => {
        const outcome = applyPatchDetailed(type, current, patch, this.schemas.schemaFor(r.group, version, r.kind), { fieldValidation: mode });
        return { object: outcome.object as KubeObject, strictErrors: outcome.strictErrors, invalid: (detail) => patchedObjectInvalid(outcome, detail) };
      },
      serverSideApply: (r, version, live, applied, o) =>
        serverSideApply(live, applied, {
          manager: o.manager,
          force: o.force,
          apiVersion: r.group ? `${r.group}/${version}` : version,
          now: new Date(this.options.clock.now()),
          schema: this.schemas.schemaFor(r.group, version, r.kind),
          kind: r.kind,
          name: o.name,
          namespace: r.namespaced ? o.namespace : undefined,
          resource: { group: r.group, resource: r.plural },
        }),
      returnsDeletedObject: (r) => returningDeletedObject.has(`${r.group}/${r.plural}`),
      bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
      log: this.options.log,
    };
  }

  async start(): Promise<void> {
    // Allocators are rebuilt from what is stored before anything new is allocated.
    await this.store('', 'services').restore();
    this.compactor.start();
    this.eventExpiry.start();
  }

  async stop(): Promise<void> {
    this.compactor.stop();
    this.eventExpiry.stop();
  }
}

// Test support for admission plugins: an in-memory AdmissionLookup (with the conditional status
// write ResourceQuota uses) and a builder for the attributes of one request.

import type { KubeObject } from '../../api/object.js';
import { builtinResources } from '../../api/scheme.js';
import { conflict, notFound } from '../../machinery/errors.js';
import type { AdmissionAttributes, AdmissionLookup, AdmissionOperation } from './types.js';

export class FakeLookup implements AdmissionLookup {
  private objects = new Map<string, KubeObject>();
  private revision = 1;
  /** Status writes seen, in order. */
  readonly statusWrites: KubeObject[] = [];
  /** Called before each status write (tests interleave a competing writer here). */
  beforeStatusWrite?: (obj: KubeObject) => void;

  constructor(objects: { group?: string; plural: string; obj: KubeObject }[] = []) {
    for (const o of objects) this.put(o.group ?? '', o.plural, o.obj);
  }

  private key(group: string, plural: string, namespace: string, name: string): string {
    return `${group}/${plural}/${namespace}/${name}`;
  }

  /** Stores a copy with a fresh resourceVersion. */
  put(group: string, plural: string, obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    copy.metadata.resourceVersion = String(++this.revision);
    this.objects.set(this.key(group, plural, copy.metadata.namespace ?? '', copy.metadata.name ?? ''), copy);
    return copy;
  }

  remove(group: string, plural: string, namespace: string, name: string): void {
    this.objects.delete(this.key(group, plural, namespace, name));
  }

  async get(group: string, plural: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    const o = this.objects.get(this.key(group, plural, namespace, name));
    return o && structuredClone(o);
  }

  async list(group: string, plural: string, namespace: string): Promise<KubeObject[]> {
    const prefix = `${group}/${plural}/${namespace ? namespace + '/' : ''}`;
    return [...this.objects].filter(([k]) => k.startsWith(prefix)).map(([, o]) => structuredClone(o));
  }

  async updateStatus(group: string, plural: string, obj: KubeObject): Promise<KubeObject> {
    this.beforeStatusWrite?.(obj);
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const cur = this.objects.get(this.key(group, plural, ns, name));
    if (!cur) throw notFound({ group, resource: plural }, name);
    if (obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict({ group, resource: plural }, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    this.statusWrites.push(structuredClone(obj));
    return this.put(group, plural, { ...cur, status: structuredClone(obj.status) });
  }

  /** The same lookup without a status write (the registry before it offers one). */
  readOnly(): AdmissionLookup {
    return { get: (...a) => this.get(...a), list: (...a) => this.list(...a) };
  }
}

export interface RequestOptions {
  group?: string;
  namespace?: string;
  oldObject?: KubeObject;
  subresource?: string;
  dryRun?: boolean;
  generatedName?: boolean;
}

/** The attributes of a request on a built-in resource. */
export function request(operation: AdmissionOperation, plural: string, object: KubeObject | undefined, o: RequestOptions = {}): AdmissionAttributes {
  const group = o.group ?? '';
  const resource = builtinResources.find((r) => r.group === group && r.plural === plural);
  if (!resource) throw new Error(`no built-in resource ${plural}.${group}`);
  const meta = object?.metadata ?? o.oldObject?.metadata;
  return {
    operation,
    resource,
    subresource: o.subresource ?? '',
    namespace: resource.namespaced ? (o.namespace ?? meta?.namespace ?? 'default') : '',
    name: meta?.name ?? '',
    object,
    oldObject: o.oldObject,
    user: { name: 'tester', groups: ['system:authenticated'] },
    dryRun: o.dryRun ?? false,
    generatedName: o.generatedName,
  };
}

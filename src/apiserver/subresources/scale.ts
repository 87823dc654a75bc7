// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets,
// ReplicationControllers and custom resources that declare one: `kubectl scale` and the HPA
// read and write replicas through it.

import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import type { ResourceType } from '../../api/scheme.js';
import { badRequest, conflict, field, invalid, methodNotAllowed } from '../../machinery/errors.js';
import { formatLabelSelector, selectorFromMap, type LabelSelector } from '../../machinery/labels.js';
import { parseJson, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { dryRunOf, fieldManagerOf } from '../query.js';
import { writeObject } from '../respond.js';

function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.replace(/^\./, '').split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.replace(/^\./, '').split('.');
  let v = obj;
  for (const k of keys.slice(0, -1)) {
    if (!v[k] || typeof v[k] !== 'object') v[k] = {};
    v = v[k] as Record<string, unknown>;
  }
  v[keys[keys.length - 1]] = value;
}

export function scaleOf(r: ResourceType, obj: KubeObject): KubeObject {
  const paths = r.scale!;
  const m = obj.metadata;
  let selector: string | undefined;
  if (paths.labelSelectorPath) {
    const raw = getPath(obj, paths.labelSelectorPath);
    if (typeof raw === 'string') selector = raw;
  }
  if (selector === undefined && !r.custom) {
    const specSelector = (obj.spec as { selector?: unknown } | undefined)?.selector;
    if (r.plural === 'replicationcontrollers') selector = selectorFromMap(specSelector as Record<string, string>).toString();
    else if (specSelector) selector = formatLabelSelector(specSelector as LabelSelector);
  }
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, paths.statusReplicasPath) ?? 0) };
  if (selector) status.selector = selector;
  const spec: Record<string, unknown> = {};
  const replicas = getPath(obj, paths.specReplicasPath);
  if (typeof replicas === 'number') spec.replicas = replicas;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec,
    status,
  };
}

export async function handleScale(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const { namespace, name } = r.info;
  if (r.info.verb === 'get') {
    const obj = await store.get(namespace, name);
    writeObject(r.res, 200, scaleOf(r.resource, obj));
    return;
  }
  if (r.info.verb !== 'update' && r.info.verb !== 'patch') throw methodNotAllowed();
  const dryRun = dryRunOf(r.query);
  const manager = fieldManagerOf(r.query, r.req.headers['user-agent']);
  const raw = (await readBody(r.req)).toString('utf8');
  for (let attempt = 0; ; attempt++) {
    const stored = await store.getStored(namespace, name);
    const current = scaleOf(r.resource, stored.value);
    let scale: KubeObject;
    if (r.info.verb === 'update') {
      const { decodeBody } = await import('../body.js');
      scale = checkTypeMeta(await decodeBody(Buffer.from(raw), r.req.headers['content-type']), r.resource, 'v1', 'Scale', 'autoscaling');
    } else {
      const contentType = (r.req.headers['content-type'] ?? '').split(';')[0].trim();
      const type = contentType === 'application/json-patch+json' ? 'json' : contentType === 'application/merge-patch+json' ? 'merge' : 'strategic';
      const { applyPatch } = await import('../patch/index.js');
      scale = applyPatch(type, current, parseJson(raw), undefined) as KubeObject;
    }
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== stored.value.metadata.resourceVersion) {
      throw conflict(store.qr, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
      throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
    }
    if (typeof replicas === 'number' && replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
    }
    const next = deepCopy(stored.value);
    setPath(next as Record<string, unknown>, r.resource.scale!.specReplicasPath, replicas ?? 0);
    try {
      const updated = await store.updateStored(stored, next, {
        user: r.user,
        dryRun,
        fieldManager: manager,
        apiVersion: r.resource.group ? `${r.resource.group}/${r.info.version}` : r.info.version,
        warnings: [],
      }, 'scale');
      writeObject(r.res, 200, scaleOf(r.resource, updated));
      return;
    } catch (e) {
      if (!rv && attempt < 5 && (e as { reason?: string }).reason === 'Conflict') continue;
      throw e;
    }
  }
}

// PUT namespaces/NAME/finalize: the namespace controller removes `kubernetes` from
// spec.finalizers once the namespace is empty; then the namespace itself goes.

import { deepCopy } from '../../api/object.js';
import { methodNotAllowed } from '../../machinery/errors.js';
import { decodeBody, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { dryRunOf, fieldManagerOf } from '../query.js';
import { writeObject } from '../respond.js';
import type { ResourceStore, WriteContext } from '../registry/store.js';
import type { KubeObject } from '../../api/object.js';

export async function handleNamespaceFinalize(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  if (r.info.verb !== 'update') throw methodNotAllowed();
  const body = checkTypeMeta(await decodeBody(await readBody(r.req), r.req.headers['content-type']), r.resource, 'v1');
  const finalizers = (body.spec as { finalizers?: unknown } | undefined)?.finalizers;
  const wctx = { user: r.user, dryRun: dryRunOf(r.query), fieldManager: fieldManagerOf(r.query, r.req.headers['user-agent']), apiVersion: 'v1', warnings: [] };
  writeObject(r.res, 200, await finalizeNamespace(ctx.storeFor(r.resource), r.info.name, Array.isArray(finalizers) ? finalizers : [], wctx));
}

/** Sets spec.finalizers; a namespace being deleted with none left is deleted now. */
export async function finalizeNamespace(store: ResourceStore, name: string, finalizers: unknown[], wctx: WriteContext): Promise<KubeObject> {
  const stored = await store.getStored('', name);
  const next = deepCopy(stored.value);
  const kept = finalizers.filter((f): f is string => typeof f === 'string');
  const spec = { ...(next.spec as object | undefined) } as { finalizers?: string[] };
  if (kept.length) spec.finalizers = kept;
  else delete spec.finalizers;
  next.spec = spec;
  const result = await store.updateStoredAllowingStatus(stored, next, wctx, 'finalize');
  const m = result.metadata;
  if (m.deletionTimestamp && !(m.finalizers ?? []).length && !kept.length && !wctx.dryRun) {
    const again = await store.getStored('', name);
    return (await store.deleteStored(again, {}, wctx)).object;
  }
  return result;
}

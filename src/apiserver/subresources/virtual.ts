// Resources that are answered, not stored: access reviews (`kubectl auth can-i`), the
// SelfSubjectReview (`kubectl auth whoami`) and component statuses (`kubectl get cs`).

import type { KubeObject } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { methodNotAllowed, notFound } from '../../machinery/errors.js';
import { decodeBody, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { writeObject } from '../respond.js';
import { includeObjectOf, toTable } from '../tables.js';
import { negotiateResource } from '../negotiate.js';

async function readReview(r: ResourceRequest): Promise<KubeObject> {
  if (r.info.verb !== 'create') throw methodNotAllowed();
  return checkTypeMeta(await decodeBody(await readBody(r.req), r.req.headers['content-type']), r.resource, r.info.version);
}

/** Until RBAC lands every authenticated user may do everything; reviews say so. */
export async function handleAccessReview(_ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const review = await readReview(r);
  const out: KubeObject = { ...review, metadata: { ...review.metadata, creationTimestamp: null } };
  if (r.resource.kind === 'SelfSubjectRulesReview') {
    out.status = {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    };
  } else {
    out.status = { allowed: true, reason: 'kubelite allows every authenticated user' };
  }
  writeObject(r.res, 201, out);
}

export async function handleSelfSubjectReview(_ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const review = await readReview(r);
  const userInfo: Record<string, unknown> = { username: r.user.name, groups: r.user.groups };
  if (r.user.uid) userInfo.uid = r.user.uid;
  if (r.user.extra) userInfo.extra = r.user.extra;
  writeObject(r.res, 201, { ...review, metadata: { ...review.metadata, creationTimestamp: null }, status: { userInfo } });
}

const components = ['controller-manager', 'scheduler', 'etcd-0'];

function componentStatus(name: string): KubeObject {
  return {
    kind: 'ComponentStatus',
    apiVersion: 'v1',
    metadata: { name, creationTimestamp: null },
    conditions: [{ type: 'Healthy', status: 'True', message: name === 'etcd-0' ? 'ok' : 'ok' }],
  };
}

export async function handleComponentStatuses(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const t = negotiateResource(r.req.headers.accept, { allowTable: true, isList: !r.info.name });
  let items = components.map(componentStatus);
  if (r.info.verb === 'get') {
    items = items.filter((c) => c.metadata.name === r.info.name);
    if (!items.length) throw notFound({ group: '', resource: 'componentstatuses' }, r.info.name);
  } else if (r.info.verb !== 'list') {
    throw methodNotAllowed();
  }
  if (t.as === 'Table') {
    writeObject(r.res, 200, toTable(items, ctx.printerFor(r.resource, 'v1'), { includeObject: includeObjectOf(r.query), now: ctx.clock.now() }), t.format, t.contentType);
    return;
  }
  if (r.info.verb === 'get') writeObject(r.res, 200, items[0], t.format);
  else writeObject(r.res, 200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items }, t.format);
  void rfc3339;
}

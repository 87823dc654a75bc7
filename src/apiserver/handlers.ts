// The resource verbs over HTTP: decode and check the request, call the registry store, and
// encode the answer in the representation the client negotiated (JSON, YAML, Table,
// PartialObjectMetadata). Watches stream newline-delimited JSON events.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../api/object.js';
import { apiVersionOf, isKubeObject, splitApiVersion } from '../api/object.js';
import type { ResourceType } from '../api/scheme.js';
import { StatusError, Reason, badRequest, methodNotAllowed, notFound } from '../machinery/errors.js';
import type { Clock } from '../machinery/clock.js';
import type { UserInfo } from './auth/types.js';
import { decodeBody, parseJson, parseYaml, readBody } from './body.js';
import { patchResource, patchTypeOf, type PatchEngines } from './registry/patcher.js';
import { checkTypeMeta } from './typemeta.js';

export { checkTypeMeta };
import { negotiateResource, type ResponseTarget } from './negotiate.js';
import {
  deleteOptionsOf,
  dryRunInDeleteBody,
  dryRunOf,
  fieldManagerOf,
  fieldValidationOf,
  listQueryOf,
  watchParamsOf,
  type FieldValidation,
} from './query.js';
import type { RequestInfo } from './request-info.js';
import { writeChunk, writeJsonStreamingArray, writeObject, writeWarnings, serialize } from './respond.js';
import { mayHaveDuplicateKeys } from './fieldvalidation.js';
import type { ResourceStore, WatchEvent, WriteContext } from './registry/store.js';
import { includeObjectOf, partialObjectMetadata, toTable } from './tables.js';
import type { TablePrinter } from './printers/types.js';

/** What the handlers need from the server around them. */
export interface HandlerContext extends PatchEngines {
  clock: Clock;
  storeFor(r: ResourceType): ResourceStore;
  printerFor(r: ResourceType, version: string): TablePrinter;
  /** Kinds whose delete answers with the deleted object instead of a Status. */
  returnsDeletedObject(r: ResourceType): boolean;
  /** How often an idle watch that allows bookmarks gets one. */
  bookmarkIntervalMs: number;
  log(msg: string): void;
}

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  resource: ResourceType;
}

const maxWatchTimeout = 3600;
/** Unsent watch output beyond which the stream waits for the client to catch up. */
const maxWatchBacklogBytes = 4 << 20;
/** Unsent list output beyond which a list waits for its client: with fifty concurrent lists of
 * 500 pods, a 1 MiB allowance left the server at 570 MiB, 64 KiB at 190 MiB, at the same rate. */
const maxListBacklogBytes = 1 << 16;

function writeCtx(r: ResourceRequest, dryRun: boolean, fieldManager: string): WriteContext {
  return {
    user: r.user,
    dryRun,
    fieldManager,
    apiVersion: apiVersionOf(r.resource.group, r.info.version),
    warnings: [],
  };
}

function target(r: ResourceRequest, isList: boolean): ResponseTarget {
  return negotiateResource(r.req.headers.accept, { allowTable: true, isList });
}

/** Encodes a single object in the negotiated form (Table rows for `kubectl get NAME`). */
function respondObject(ctx: HandlerContext, r: ResourceRequest, code: number, obj: KubeObject, warnings: string[] = []): void {
  const t = target(r, false);
  writeWarnings(r.res, warnings);
  if (t.as === 'Table') {
    const table = toTable([obj], ctx.printerFor(r.resource, r.info.version), { includeObject: includeObjectOf(r.query), now: ctx.clock.now(), resourceVersion: obj.metadata.resourceVersion });
    writeObject(r.res, code, table, t.format, t.contentType);
  } else if (t.as === 'PartialObjectMetadata') {
    writeObject(r.res, code, partialObjectMetadata(obj), t.format, t.contentType);
  } else {
    writeObject(r.res, code, obj, t.format, t.contentType);
  }
}

// ---------------------------------------------------------------------------------------------

function isJson(r: ResourceRequest): boolean {
  const t = (r.req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  return t === 'application/json';
}

export async function handleGet(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const obj = await store.get(r.info.namespace, r.info.name, r.query.get('resourceVersion') ?? undefined);
  respondObject(ctx, r, 200, store.out(obj, r.info.version));
}

export async function handleList(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const q = listQueryOf(r.query);
  const t = target(r, true);
  const listed = await store.list(r.info.namespace, q);
  const items = listed.items.map((o) => store.out(o, r.info.version));
  if (t.as === 'Table') {
    const table = toTable(items, ctx.printerFor(r.resource, r.info.version), {
      includeObject: includeObjectOf(r.query),
      now: ctx.clock.now(),
      resourceVersion: listed.resourceVersion,
      continueToken: listed.continueToken,
      remainingItemCount: listed.remainingItemCount,
    });
    if (t.format === 'json') return writeJsonStreamingArray(r.res, 200, table, 'rows', t.contentType, maxListBacklogBytes);
    writeObject(r.res, 200, table, t.format, t.contentType);
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion: listed.resourceVersion };
  if (listed.continueToken) metadata.continue = listed.continueToken;
  if (listed.remainingItemCount !== undefined) metadata.remainingItemCount = listed.remainingItemCount;
  if (t.as === 'PartialObjectMetadataList') {
    writeObject(r.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map((o) => partialObjectMetadata(o)) }, t.format, t.contentType);
    return;
  }
  const list = { kind: r.resource.listKind, apiVersion: apiVersionOf(r.resource.group, r.info.version), metadata, items };
  if (t.format === 'json') return writeJsonStreamingArray(r.res, 200, list, 'items', t.contentType, maxListBacklogBytes);
  writeObject(r.res, 200, list, t.format, t.contentType);
}

export async function handleWatch(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const q = listQueryOf(r.query);
  const w = watchParamsOf(r.query);
  const t = target(r, true);
  // A watch on one object by name (`kubectl get pod x -w`) is a field selector on its name.
  let fieldSelector = q.fieldSelector;
  if (r.info.name) {
    const { parseFieldSelector } = await import('../machinery/fields.js');
    const extra = `metadata.name=${r.info.name}`;
    fieldSelector = parseFieldSelector(fieldSelector.isEmpty() ? extra : `${fieldSelector.toString()},${extra}`);
  }
  const ac = new AbortController();
  const timeoutSeconds = w.timeoutSeconds ?? Math.floor(1800 + Math.random() * 1800);
  const timer = setTimeout(() => ac.abort(), Math.min(timeoutSeconds, maxWatchTimeout) * 1000);
  const onClose = () => ac.abort();
  r.req.on('close', onClose);
  r.res.on('close', onClose);
  let events;
  try {
    events = store.watch(r.info.namespace, {
    labelSelector: q.labelSelector,
    fieldSelector,
    resourceVersion: q.resourceVersion,
    resourceVersionMatch: q.resourceVersionMatch,
    sendInitialEvents: w.sendInitialEvents,
      allowBookmarks: w.allowBookmarks,
      signal: ac.signal,
      bookmarkIntervalMs: ctx.bookmarkIntervalMs,
    });
  } catch (e) {
    clearTimeout(timer);
    throw e;
  }
  const it = events[Symbol.asyncIterator]();
  r.res.writeHead(200, {
    'Content-Type': t.contentType,
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  r.res.flushHeaders();
  const printer = t.as === 'Table' ? ctx.printerFor(r.resource, r.info.version) : undefined;
  const includeObject = t.as === 'Table' ? includeObjectOf(r.query) : 'Metadata';
  let headersSent = false;
  const encode = (e: WatchEvent): string => {
    if (e.type === 'ERROR') return serialize({ type: 'ERROR', object: e.status.toStatus() }, 'json');
    if (e.type === 'BOOKMARK') {
      const metadata: Record<string, unknown> = { resourceVersion: e.resourceVersion };
      if (e.initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
      const object = printer
        ? { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: null, rows: null }
        : { kind: r.resource.kind, apiVersion: apiVersionOf(r.resource.group, r.info.version), metadata };
      return serialize({ type: 'BOOKMARK', object }, 'json');
    }
    const obj = store.out(e.object, r.info.version);
    let object: unknown = obj;
    if (printer) {
      object = toTable([obj], printer, { includeObject, now: ctx.clock.now(), noHeaders: headersSent, resourceVersion: obj.metadata.resourceVersion });
      headersSent = true;
    } else if (t.as === 'PartialObjectMetadataList') {
      object = partialObjectMetadata(obj);
    }
    // JSON.stringify({ type, object }), with the stored object's text spliced in.
    return `{"type":${JSON.stringify(e.type)},"object":${serialize(object, 'json')}}`;
  };
  // Waiting for 'drain' after every event would let a busy server send only a few events per
  // event-loop turn, and the watch would fall seconds behind: only a real backlog waits.
  // The events of one turn (a group commit's) go out corked, as one write: one TLS record
  // and one syscall for many events instead of one each.
  let corked = false;
  const uncork = () => {
    corked = false;
    r.res.uncork();
  };
  const write = (line: string) => {
    if (!corked) {
      corked = true;
      r.res.cork();
      process.nextTick(uncork);
    }
    return writeChunk(r.res, line + '\n', maxWatchBacklogBytes);
  };
  try {
    let next = await it.next();
    while (!next.done && !ac.signal.aborted) {
      await write(encode(next.value));
      next = await it.next();
    }
  } catch (e) {
    if (!ac.signal.aborted) {
      const status = e instanceof StatusError ? e : new StatusError(500, Reason.InternalError, String((e as Error)?.message ?? e));
      if (!(e instanceof StatusError)) ctx.log(`watch failed: ${(e as Error)?.stack ?? e}`);
      r.res.write(encode({ type: 'ERROR', status }) + '\n');
    }
  } finally {
    clearTimeout(timer);
    r.req.off('close', onClose);
    await it.return?.(undefined);
    r.res.end();
  }
}

/**
 * The decoded body, and the raw JSON when it may hold duplicate keys (for checkFields to find
 * them; counted before anything changes the decoded object).
 */
async function readObjectBody(r: ResourceRequest): Promise<{ decoded: unknown; raw: Buffer | undefined }> {
  const raw = await readBody(r.req);
  const decoded = await decodeBody(raw, r.req.headers['content-type']);
  return { decoded, raw: isJson(r) && mayHaveDuplicateKeys(raw, decoded) ? raw : undefined };
}

export async function handleCreate(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  if (r.resource.namespaced && !r.info.namespace) throw notFound({ group: r.resource.group, resource: r.resource.plural }, '');
  const store = ctx.storeFor(r.resource);
  const mode = fieldValidationOf(r.query);
  const dryRun = dryRunOf(r.query);
  const manager = fieldManagerOf(r.query, r.req.headers['user-agent']);
  const { decoded, raw } = await readObjectBody(r);
  const body = checkTypeMeta(decoded, r.resource, r.info.version);
  const warnings = ctx.checkFields(r.resource, r.info.version, body, mode, { request: 'body', raw });
  const wctx = writeCtx(r, dryRun, manager);
  // The body was decoded for this request alone: the store may keep it instead of a copy.
  const created = await store.create(r.info.namespace, store.in(body, r.info.version), wctx, { owned: true });
  respondObject(ctx, r, 201, store.out(created, r.info.version), [...warnings, ...wctx.warnings]);
}

export async function handleUpdate(ctx: HandlerContext, r: ResourceRequest, subresource = ''): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const mode = fieldValidationOf(r.query);
  const dryRun = dryRunOf(r.query);
  const manager = fieldManagerOf(r.query, r.req.headers['user-agent']);
  const { decoded, raw } = await readObjectBody(r);
  const body = checkTypeMeta(decoded, r.resource, r.info.version);
  const warnings = ctx.checkFields(r.resource, r.info.version, body, mode, { request: 'body', raw });
  const wctx = writeCtx(r, dryRun, manager);
  const result = await store.update(r.info.namespace, r.info.name, store.in(body, r.info.version), wctx, subresource, { owned: true });
  respondObject(ctx, r, result.created ? 201 : 200, store.out(result.object, r.info.version), [...warnings, ...wctx.warnings]);
}

export async function handlePatch(ctx: HandlerContext, r: ResourceRequest, subresource = ''): Promise<void> {
  const type = patchTypeOf(r.req.headers['content-type']);
  const mode = fieldValidationOf(r.query);
  const dryRun = dryRunOf(r.query);
  if (r.query.has('force') && type !== 'apply') {
    throw badRequest('force: Forbidden: may not be specified for non-apply patch');
  }
  const manager = fieldManagerOf(r.query, r.req.headers['user-agent'], type === 'apply');
  const raw = (await readBody(r.req)).toString('utf8');
  const patch = type === 'apply' ? parseYaml(raw) : parseJson(raw);
  const wctx = writeCtx(r, dryRun, manager);
  const result = await patchResource(ctx, ctx.storeFor(r.resource), {
    namespace: r.info.namespace,
    name: r.info.name,
    version: r.info.version,
    type,
    patch,
    force: r.query.get('force') === 'true',
    fieldValidation: mode,
    subresource,
    ctx: wctx,
    rawPatch: type === 'apply' ? raw : undefined,
  });
  respondObject(ctx, r, result.created ? 201 : 200, result.object, [...result.warnings, ...wctx.warnings]);
}

export async function handleDelete(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const raw = await readBody(r.req);
  const body = raw.length ? parseJson(raw.toString('utf8')) : undefined;
  const options = deleteOptionsOf(r.query, body);
  const dryRun = dryRunOf(r.query) || dryRunInDeleteBody(body);
  const wctx = writeCtx(r, dryRun, fieldManagerOf(r.query, r.req.headers['user-agent']));
  const result = await store.delete(r.info.namespace, r.info.name, options, wctx);
  const obj = store.out(result.object, r.info.version);
  if (!result.deleted) {
    // Still there (finalizers, grace period): 202 when it waits on finalizers, like Kubernetes.
    const code = (obj.metadata.finalizers ?? []).length > 0 && !obj.metadata.deletionGracePeriodSeconds ? 202 : 200;
    respondObject(ctx, r, code, obj, wctx.warnings);
    return;
  }
  if (ctx.returnsDeletedObject(r.resource)) {
    respondObject(ctx, r, 200, obj, wctx.warnings);
    return;
  }
  writeObject(r.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: r.info.name, group: r.resource.group || undefined, kind: r.resource.plural, uid: obj.metadata.uid },
  });
}

export async function handleDeleteCollection(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const store = ctx.storeFor(r.resource);
  const raw = await readBody(r.req);
  const body = raw.length ? parseJson(raw.toString('utf8')) : undefined;
  const options = deleteOptionsOf(r.query, body);
  const dryRun = dryRunOf(r.query) || dryRunInDeleteBody(body);
  const wctx = writeCtx(r, dryRun, fieldManagerOf(r.query, r.req.headers['user-agent']));
  const deleted = await store.deleteCollection(r.info.namespace, listQueryOf(r.query), options, wctx);
  const items = deleted.map((o) => store.out(o, r.info.version));
  writeObject(r.res, 200, {
    kind: r.resource.listKind,
    apiVersion: apiVersionOf(r.resource.group, r.info.version),
    metadata: { resourceVersion: '' },
    items,
  });
}

/** Routes a resource request (no special subresource) to its verb. */
export async function handleResource(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  const verb = r.info.verb;
  if (!r.resource.verbs.includes(verb) && !(verb === 'watch' && r.resource.verbs.includes('watch'))) {
    throw methodNotAllowed();
  }
  switch (verb) {
    case 'get':
      return handleGet(ctx, r);
    case 'list':
      return handleList(ctx, r);
    case 'watch':
      return handleWatch(ctx, r);
    case 'create':
      if (r.info.name) throw methodNotAllowed();
      return handleCreate(ctx, r);
    case 'update':
      return handleUpdate(ctx, r);
    case 'patch':
      return handlePatch(ctx, r);
    case 'delete':
      return handleDelete(ctx, r);
    case 'deletecollection':
      return handleDeleteCollection(ctx, r);
    default:
      throw methodNotAllowed();
  }
}

/** GET/PUT/PATCH on the status subresource. */
export async function handleStatus(ctx: HandlerContext, r: ResourceRequest): Promise<void> {
  switch (r.info.verb) {
    case 'get':
      return handleGet(ctx, r);
    case 'update':
      return handleUpdate(ctx, r, 'status');
    case 'patch':
      return handlePatch(ctx, r, 'status');
    default:
      throw methodNotAllowed();
  }
}

export function rawJson(obj: unknown): string {
  return JSON.stringify(obj);
}

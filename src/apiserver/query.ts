// Query parameters shared by the resource verbs, parsed and checked once, with Kubernetes'
// error messages for bad values.

import { badRequest, field, invalid } from '../machinery/errors.js';
import { parseSelector } from '../machinery/labels.js';
import { parseFieldSelector } from '../machinery/fields.js';
import type { DeleteOptions, ListQuery } from './registry/store.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') {
      throw invalid('CreateOptions', 'meta.k8s.io', '', [field.notSupported('dryRun', values, ['All'])]);
    }
  }
  return values.length > 0;
}

export function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  const norm = v.toLowerCase();
  if (norm === 'strict') return 'Strict';
  if (norm === 'warn') return 'Warn';
  if (norm === 'ignore') return 'Ignore';
  throw badRequest(`invalid fieldValidation directive: ${v}`);
}

/** fieldManager, defaulted from the user agent the way Kubernetes does (`kubectl/v1.32 ...` → `kubectl`). */
export function fieldManagerOf(q: URLSearchParams, userAgent: string | undefined, required = false): string {
  const v = q.get('fieldManager');
  if (v !== null && v !== '') {
    if (v.length > 128) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [field.tooLong('fieldManager', '', 128)]);
    }
    if (!/^[\x20-\x7e]*$/.test(v)) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [field.invalid('fieldManager', v, 'must only contain printable characters')]);
    }
    return v;
  }
  if (required) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [field.required('fieldManager', 'is required for apply patch')]);
  }
  const agent = (userAgent ?? 'unknown').split('/')[0];
  return agent.slice(0, 128) || 'unknown';
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name}: ${v}`);
  return Number(v);
}

function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`invalid ${name}: ${v}`);
}

export function listQueryOf(q: URLSearchParams): ListQuery {
  const limit = intParam(q, 'limit');
  return {
    labelSelector: parseSelector(q.get('labelSelector')),
    fieldSelector: parseFieldSelector(q.get('fieldSelector')),
    limit: limit && limit > 0 ? limit : undefined,
    continueToken: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
  };
}

export function watchParamsOf(q: URLSearchParams): { timeoutSeconds?: number; allowBookmarks: boolean; sendInitialEvents?: boolean } {
  return {
    timeoutSeconds: intParam(q, 'timeoutSeconds'),
    allowBookmarks: boolParam(q, 'allowWatchBookmarks') ?? false,
    sendInitialEvents: boolParam(q, 'sendInitialEvents'),
  };
}

/** DeleteOptions from the body (kubectl sends one) merged with query parameters. */
export function deleteOptionsOf(q: URLSearchParams, body: unknown): DeleteOptions {
  const opts: DeleteOptions = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (b.kind !== undefined && b.kind !== 'DeleteOptions') {
      throw badRequest(`expected DeleteOptions, got ${String(b.kind)}`);
    }
    if (b.gracePeriodSeconds !== undefined && b.gracePeriodSeconds !== null) {
      if (typeof b.gracePeriodSeconds !== 'number' || !Number.isInteger(b.gracePeriodSeconds)) {
        throw badRequest('DeleteOptions: gracePeriodSeconds must be an integer');
      }
      opts.gracePeriodSeconds = b.gracePeriodSeconds;
    }
    if (typeof b.propagationPolicy === 'string') opts.propagationPolicy = b.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (typeof b.orphanDependents === 'boolean') opts.orphanDependents = b.orphanDependents;
    if (b.preconditions && typeof b.preconditions === 'object') {
      const p = b.preconditions as Record<string, unknown>;
      opts.preconditions = {
        uid: typeof p.uid === 'string' ? p.uid : undefined,
        resourceVersion: typeof p.resourceVersion === 'string' ? p.resourceVersion : undefined,
      };
    }
    if (Array.isArray(b.dryRun) && b.dryRun.some((v) => v !== 'All')) {
      throw invalid('DeleteOptions', 'meta.k8s.io', '', [field.notSupported('dryRun', b.dryRun, ['All'])]);
    }
  } else if (body !== undefined && body !== null) {
    throw badRequest('DeleteOptions must be an object');
  }
  const grace = intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = q.get('propagationPolicy');
  if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  const orphan = boolParam(q, 'orphanDependents');
  if (orphan !== undefined) opts.orphanDependents = orphan;
  return opts;
}

export function dryRunInDeleteBody(body: unknown): boolean {
  return !!body && typeof body === 'object' && Array.isArray((body as { dryRun?: unknown }).dryRun) && (body as { dryRun: unknown[] }).dryRun.includes('All');
}

// The quota decision for one request (CheckRequest in k8s.io/apiserver's resourcequota plugin):
// which quotas in the namespace cover the object, whether the object may be charged against
// them, and the quotas' usage once it is. Pure: the caller reads and writes the quotas.

import type { KubeObject } from '../../../api/object.js';
import { addLists, exceededNames, maskList, negativeNames, parseResourceList, prettyPrintList, removeZeros, resourceNames, subtractNonNegative, type ResourceList } from '../resources/resource-list.js';
import { asObject } from '../util.js';
import type { QuotaEvaluator } from './evaluators.js';
import { scopeRequirementsOf } from './scopes.js';

/** A quota as admission sees it: what status says is allowed and used. */
export interface QuotaState {
  quota: KubeObject;
  hard: ResourceList;
  used: ResourceList;
}

export function quotaState(quota: KubeObject): QuotaState {
  const status = asObject(quota.status);
  return { quota, hard: parseResourceList(status.hard), used: parseResourceList(status.used) };
}

export interface QuotaRequest {
  operation: string;
  object: KubeObject;
  oldObject?: KubeObject;
  now: number;
}

/** A refusal, worded as the text after `pods "x" is forbidden: `. */
export class QuotaRefusal extends Error {}

/** generic.Matches: the quota tracks something this kind uses, and the object is in all its scopes. */
export function quotaMatches(evaluator: QuotaEvaluator, q: QuotaState, obj: KubeObject, phase: 'admission' | 'stored'): boolean {
  if (evaluator.matchingResources(resourceNames(q.hard)).length === 0) return false;
  return scopeRequirementsOf(q.quota).every((req) => evaluator.matchesScope(req, obj, phase));
}

function sortedNames(names: string[]): string {
  return [...names].sort().join(',');
}

/**
 * The quotas after charging this request, or the same array when nothing is charged.
 * Throws QuotaRefusal when the request may not proceed.
 */
export function chargeRequest(quotas: QuotaState[], req: QuotaRequest, evaluator: QuotaEvaluator): QuotaState[] {
  if (!evaluator.handles(req.operation)) return quotas;
  const covering: number[] = [];
  quotas.forEach((q, i) => {
    if (!quotaMatches(evaluator, q, req.object, 'admission')) return;
    const name = q.quota.metadata.name ?? '';
    const restricted = evaluator.matchingResources(resourceNames(q.hard));
    const why = evaluator.constraints(restricted, req.object);
    if (why) throw new QuotaRefusal(`failed quota: ${name}: ${why}`);
    // A quota whose usage the controller has not computed yet cannot admit anything.
    if (restricted.some((r) => q.hard.has(r) && !q.used.has(r))) {
      throw new QuotaRefusal(`status unknown for quota: ${name}, resources: ${sortedNames(restricted)}`);
    }
    covering.push(i);
  });

  let delta = evaluator.usage(req.object, req.now);
  const negative = negativeNames(delta);
  if (negative.length) throw new QuotaRefusal(`quota usage is negative for resource(s): ${sortedNames(negative)}`);
  if (req.operation === 'UPDATE') {
    if (!req.oldObject) throw new QuotaRefusal('unable to get previous usage since prior version of object was not found');
    // An update charges only its growth (a create-on-update pays in full).
    if (req.oldObject.metadata.resourceVersion) delta = subtractNonNegative(delta, evaluator.usage(req.oldObject, req.now));
  }
  delta = removeZeros(delta);
  if (delta.size === 0 || covering.length === 0) return quotas;

  const out = quotas.map((q) => ({ ...q }));
  for (const i of covering) {
    const q = out[i];
    const requested = maskList(delta, q.hard.keys());
    const newUsage = addLists(q.used, requested);
    const exceeded = exceededNames(maskList(newUsage, requested.keys()), q.hard);
    if (exceeded.length) {
      throw new QuotaRefusal(
        `exceeded quota: ${q.quota.metadata.name ?? ''}, requested: ${prettyPrintList(maskList(requested, exceeded))}, used: ${prettyPrintList(maskList(q.used, exceeded))}, limited: ${prettyPrintList(maskList(q.hard, exceeded))}`,
      );
    }
    q.used = newUsage;
  }
  return out;
}

// The eviction subresource (policy/v1 Eviction): `kubectl drain` deletes pods through it so
// that PodDisruptionBudgets are honoured. A budget with no disruptions left answers 429.

import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { StatusError, Reason, badRequest, methodNotAllowed } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import { decodeBody, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { deleteOptionsOf, dryRunOf, fieldManagerOf } from '../query.js';
import { writeObject } from '../respond.js';
import type { WriteContext } from '../registry/store.js';
import type { Clock } from '../../machinery/clock.js';
import type { Registry } from '../registry/registry.js';

interface PdbStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
}

function podIsRunningAndCounted(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Running';
}

export async function handleEviction(ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  if (r.info.verb !== 'create') throw methodNotAllowed();
  const eviction = checkTypeMeta(await decodeBody(await readBody(r.req), r.req.headers['content-type']), r.resource, 'v1', 'Eviction', 'policy');
  if (eviction.metadata.name && eviction.metadata.name !== r.info.name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const dryRun = dryRunOf(r.query);
  const wctx = { user: r.user, dryRun, fieldManager: fieldManagerOf(r.query, r.req.headers['user-agent']), apiVersion: 'policy/v1', warnings: [] };
  await evictPod(registry, ctx.clock, r.info.namespace, r.info.name, eviction, wctx);
  writeObject(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Deletes a pod unless that would overspend the PodDisruptionBudget covering it (429). */
export async function evictPod(registry: Registry, clock: Clock, namespace: string, podName: string, eviction: KubeObject, wctx: WriteContext): Promise<void> {
  const options = deleteOptionsOf(new URLSearchParams(), (eviction as { deleteOptions?: unknown }).deleteOptions);
  const dryRun = wctx.dryRun;
  const pods = registry.store('', 'pods');
  const pod = await pods.get(namespace, podName);

  // Pods that are not running, or already being deleted, need no budget.
  if (podIsRunningAndCounted(pod) && !pod.metadata.deletionTimestamp) {
    const pdbs = registry.store('policy', 'poddisruptionbudgets');
    const { Selector } = await import('../../machinery/labels.js');
    const { FieldSelector } = await import('../../machinery/fields.js');
    const listed = await pdbs.list(namespace, { labelSelector: Selector.everything(), fieldSelector: new FieldSelector([]) });
    const matching = listed.items.filter((pdb) => {
      const sel = (pdb.spec as { selector?: LabelSelector } | undefined)?.selector;
      if (!sel) return false;
      const s = selectorFromLabelSelector(sel);
      return !s.isEmpty() && s.matches(pod.metadata.labels);
    });
    if (matching.length > 1) {
      throw new StatusError(500, Reason.InternalError, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    if (matching.length === 1) {
      const pdb = matching[0];
      const status = (pdb.status ?? {}) as PdbStatus;
      if ((pdb.metadata.generation ?? 0) > (status.observedGeneration ?? 0) && status.observedGeneration !== undefined) {
        throw tooMany(`Cannot evict pod as it would violate the pod's disruption budget.`, `The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
      }
      if ((status.disruptionsAllowed ?? 0) <= 0) {
        throw tooMany(
          `Cannot evict pod as it would violate the pod's disruption budget.`,
          `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
        );
      }
      if (!dryRun) {
        // Spend one disruption now, so concurrent evictions cannot overspend the budget.
        const stored = await pdbs.getStored(namespace, pdb.metadata.name!);
        const next = deepCopy(stored.value);
        const st = (next.status ?? {}) as PdbStatus;
        st.disruptionsAllowed = (st.disruptionsAllowed ?? 0) - 1;
        st.disruptedPods = { ...(st.disruptedPods ?? {}), [podName]: rfc3339(clock.now()) };
        next.status = st;
        await pdbs.updateStored(stored, next, wctx, 'status');
      }
    }
  }
  await pods.delete(namespace, podName, options, wctx);
}

function tooMany(message: string, cause: string): StatusError {
  return new StatusError(429, Reason.TooManyRequests, message, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });
}

// Binding a pod to a node: POST pods/NAME/binding (the scheduler's way) or POST bindings.
// Sets spec.nodeName once, and marks the pod PodScheduled=True.

import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { badRequest, conflict, field, invalid, methodNotAllowed } from '../../machinery/errors.js';
import { decodeBody, readBody } from '../body.js';
import { checkTypeMeta, type HandlerContext, type ResourceRequest } from '../handlers.js';
import { dryRunOf, fieldManagerOf } from '../query.js';
import { writeObject } from '../respond.js';
import type { WriteContext } from '../registry/store.js';
import type { Clock } from '../../machinery/clock.js';
import type { Registry } from '../registry/registry.js';

export interface Binding extends KubeObject {
  target?: { kind?: string; name?: string; apiVersion?: string };
}

export async function handleBinding(ctx: HandlerContext, r: ResourceRequest, registry: Registry): Promise<void> {
  if (r.info.verb !== 'create') throw methodNotAllowed();
  const binding = checkTypeMeta(await decodeBody(await readBody(r.req), r.req.headers['content-type']), r.resource, 'v1', 'Binding', '') as Binding;
  const podName = r.info.subresource === 'binding' ? r.info.name : binding.metadata.name;
  if (r.info.subresource === 'binding' && binding.metadata.name && binding.metadata.name !== r.info.name) {
    throw badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${r.info.name})`);
  }
  const wctx = { user: r.user, dryRun: dryRunOf(r.query), fieldManager: fieldManagerOf(r.query, r.req.headers['user-agent']), apiVersion: 'v1', warnings: [] };
  await bindPod(registry, ctx.clock, r.info.namespace, podName ?? '', binding, wctx);
  writeObject(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Assigns a pod to the binding's node: once only, and never a pod being deleted. */
export async function bindPod(registry: Registry, clock: Clock, namespace: string, podName: string, binding: Binding, wctx: WriteContext): Promise<void> {
  if (!podName) throw invalid('Binding', '', '', [field.required('metadata.name', 'name or generateName is required')]);
  const nodeName = binding.target?.name;
  if (!nodeName) throw invalid('Binding', '', podName, [field.required('target.name', '')]);
  if (binding.target?.kind && binding.target.kind !== 'Node') {
    throw invalid('Binding', '', podName, [field.notSupported('target.kind', binding.target.kind, ['Node', '<empty>'])]);
  }
  const pods = registry.store('', 'pods');
  for (let attempt = 0; ; attempt++) {
    const stored = await pods.getStored(namespace, podName);
    const pod = deepCopy(stored.value);
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) {
      throw conflict(pods.qr, podName, 'pod is being deleted, cannot be assigned to a host');
    }
    if (spec.nodeName) {
      throw conflict(pods.qr, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
    }
    spec.nodeName = nodeName;
    pod.spec = spec;
    const annotations = binding.metadata.annotations;
    if (annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...annotations };
    const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(clock.now()) });
    status.conditions = conditions;
    pod.status = status;
    try {
      // Binding writes spec and status together, as the pod registry's binding REST does.
      await pods.updateStoredAllowingStatus(stored, pod, wctx);
      return;
    } catch (e) {
      if ((e as { reason?: string }).reason === 'Conflict' && attempt < 5) continue;
      throw e;
    }
  }
}

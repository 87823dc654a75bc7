// Which requests leave the generic verbs: subresources with their own semantics (scale,
// binding, eviction, finalize, node-agent streams) and resources that are answered, not stored.

import type { ResourceType } from '../../api/scheme.js';
import { StatusError, Reason } from '../../machinery/errors.js';
import type { HandlerContext, ResourceRequest } from '../handlers.js';
import type { Registry } from '../registry/registry.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { handleNamespaceFinalize } from './namespace-finalize.js';
import { handleScale } from './scale.js';
import { handleAccessReview, handleComponentStatuses, handleSelfSubjectReview } from './virtual.js';

export type SubresourceHandler = (ctx: HandlerContext, r: ResourceRequest, registry: Registry) => Promise<void>;

/** Streams served by the node agent; until a node runs the pod, they answer like Kubernetes does. */
const nodeStreams: SubresourceHandler = async (_ctx, r, registry) => {
  r.req.resume();
  if (r.resource.plural === 'pods') {
    const pod = await registry.store('', 'pods').get(r.info.namespace, r.info.name);
    const spec = (pod.spec ?? {}) as { nodeName?: string; containers?: { name: string }[] };
    const container = r.query.get('container') ?? spec.containers?.[0]?.name ?? '';
    if (!spec.nodeName) {
      throw new StatusError(400, Reason.BadRequest, `container "${container}" in pod "${r.info.name}" is waiting to start: ContainerCreating`);
    }
    throw new StatusError(503, Reason.ServiceUnavailable, `no kubelet is serving node "${spec.nodeName}": ${r.info.subresource} is unavailable`);
  }
  throw new StatusError(503, Reason.ServiceUnavailable, `${r.info.subresource} is not available: no node agent is connected`);
};

export function subresourceHandler(r: ResourceType, subresource: string): SubresourceHandler | undefined {
  const key = `${r.group}/${r.plural}`;
  if (subresource === '') {
    switch (key) {
      case '/bindings':
        return handleBinding;
      case '/componentstatuses':
        return handleComponentStatuses;
      case 'authentication.k8s.io/selfsubjectreviews':
        return handleSelfSubjectReview;
      case 'authorization.k8s.io/selfsubjectaccessreviews':
      case 'authorization.k8s.io/subjectaccessreviews':
      case 'authorization.k8s.io/localsubjectaccessreviews':
      case 'authorization.k8s.io/selfsubjectrulesreviews':
        return handleAccessReview;
      default:
        return undefined;
    }
  }
  if (subresource === 'scale' && r.scale) return handleScale;
  if (key === '/pods' && subresource === 'binding') return handleBinding;
  if (key === '/pods' && subresource === 'eviction') return handleEviction;
  if (key === '/namespaces' && subresource === 'finalize') return handleNamespaceFinalize;
  if (['log', 'exec', 'attach', 'portforward', 'proxy'].includes(subresource)) return nodeStreams;
  return undefined;
}

// Which requests leave the generic verbs: subresources with their own semantics (scale,
// binding, eviction, finalize, node-agent streams) and resources that are answered, not stored.

import type { ResourceType } from '../../api/scheme.js';
import { StatusError, Reason } from '../../machinery/errors.js';
import type { HandlerContext, ResourceRequest } from '../handlers.js';
import type { Registry } from '../registry/registry.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { handleNamespaceFinalize } from './namespace-finalize.js';
import { handleNodeProxy } from './node-proxy.js';
import { handleScale } from './scale.js';
import { handleAccessReview, handleComponentStatuses, handleSelfSubjectReview } from './virtual.js';

export type SubresourceHandler = (ctx: HandlerContext, r: ResourceRequest, registry: Registry) => Promise<void>;

/** The proxy subresources of pods and services, which come with service networking. */
const notYetProxied: SubresourceHandler = async (_ctx, r) => {
  r.req.resume();
  throw new StatusError(503, Reason.ServiceUnavailable, `${r.resource.plural}/${r.info.subresource} is not available in kubelite yet`);
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
  // What a node's kubelet serves: logs, exec, attach, port-forward, and the node proxy.
  if (key === '/pods' && ['log', 'exec', 'attach', 'portforward'].includes(subresource)) return handleNodeProxy;
  if (key === '/nodes' && subresource === 'proxy') return handleNodeProxy;
  if (subresource === 'proxy') return notYetProxied;
  return undefined;
}

// Which requests leave the generic verbs: subresources with their own semantics (scale,
// binding, eviction, finalize, node-agent streams) and resources that are answered, not stored.

import type { ResourceType } from '../../api/scheme.js';
import type { HandlerContext, ResourceRequest } from '../handlers.js';
import type { Registry } from '../registry/registry.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { handleNamespaceFinalize } from './namespace-finalize.js';
import { handleNodeProxy } from './node-proxy.js';
import { handlePodProxy } from './pod-proxy.js';
import { handleScale } from './scale.js';
import { handleServiceProxy } from './service-proxy.js';
import { handleTokenRequest } from './token-request.js';
import { handleTokenReview } from './token-review.js';
import { handleAccessReview, handleComponentStatuses, handleSelfSubjectReview } from './virtual.js';

export type SubresourceHandler = (ctx: HandlerContext, r: ResourceRequest, registry: Registry) => Promise<void>;

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
      case 'authentication.k8s.io/tokenreviews':
        return handleTokenReview;
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
  if (key === '/serviceaccounts' && subresource === 'token') return handleTokenRequest;
  // What a node's kubelet serves: logs, exec, attach, port-forward, and the node proxy.
  if (key === '/pods' && ['log', 'exec', 'attach', 'portforward'].includes(subresource)) return handleNodeProxy;
  if (key === '/nodes' && subresource === 'proxy') return handleNodeProxy;
  if (key === '/pods' && subresource === 'proxy') return handlePodProxy;
  if (key === '/services' && subresource === 'proxy') return handleServiceProxy;
  return undefined;
}

// NamespaceLifecycle: nothing is created in a namespace that does not exist or is being
// terminated, and the system namespaces cannot be deleted.

import { StatusError, Reason, forbidden, notFound } from '../../machinery/errors.js';
import type { AdmissionPlugin } from './types.js';

const immortal = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(attrs, lookup) {
    const { resource } = attrs;
    if (attrs.operation === 'DELETE' && resource.group === '' && resource.plural === 'namespaces') {
      if (immortal.has(attrs.name)) {
        throw forbidden({ group: '', resource: 'namespaces' }, attrs.name, 'this namespace may not be deleted');
      }
      return;
    }
    if (attrs.operation !== 'CREATE' || !resource.namespaced || !attrs.namespace) return;
    const ns = await lookup.get('', 'namespaces', '', attrs.namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, attrs.namespace);
    if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      const err = forbidden(
        { group: resource.group, resource: resource.plural },
        attrs.name,
        `unable to create new content in namespace ${attrs.namespace} because it is being terminated`,
      );
      throw new StatusError(403, Reason.Forbidden, err.message, {
        ...err.details,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${attrs.namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  },
};

// TaintNodesByCondition: a Node joins the cluster tainted node.kubernetes.io/not-ready:NoSchedule,
// so nothing is scheduled onto it before it reports Ready (the node lifecycle controller lifts
// the taint then).

import type { AdmissionPlugin } from './types.js';
import { asObjects, ensureArray, isMainResource, type JsonObject } from './util.js';

export const notReadyTaintKey = 'node.kubernetes.io/not-ready';

export const taintNodesByCondition: AdmissionPlugin = {
  name: 'TaintNodesByCondition',
  admit(attrs) {
    if (attrs.operation !== 'CREATE' || !isMainResource(attrs, '', 'nodes') || !attrs.object) return;
    const node = attrs.object;
    if (!node.spec || typeof node.spec !== 'object') node.spec = {};
    const spec = node.spec as JsonObject;
    // MatchTaint: the same key and effect, whatever the value.
    if (asObjects(spec.taints).some((t) => t.key === notReadyTaintKey && t.effect === 'NoSchedule')) return;
    ensureArray(spec, 'taints').push({ key: notReadyTaintKey, effect: 'NoSchedule' });
  },
};

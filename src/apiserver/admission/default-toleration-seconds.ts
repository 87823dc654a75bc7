// DefaultTolerationSeconds: a pod that does not say how long it survives on a node that is not
// ready or unreachable tolerates it for 300 seconds, after which it is evicted.

import type { AdmissionPlugin } from './types.js';
import { asObjects, ensureArray, isMainResource, type JsonObject } from './util.js';

export const defaultNotReadyTolerationSeconds = 300;
export const defaultUnreachableTolerationSeconds = 300;

const notReady = 'node.kubernetes.io/not-ready';
const unreachable = 'node.kubernetes.io/unreachable';

/** Whether some toleration already covers NoExecute taints with this key (an empty key or effect is a wildcard). */
function tolerates(tolerations: JsonObject[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  admit(attrs) {
    if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
    if (!isMainResource(attrs, '', 'pods') || !attrs.object) return;
    const pod = attrs.object;
    if (!pod.spec || typeof pod.spec !== 'object') pod.spec = {};
    const spec = pod.spec as JsonObject;
    const existing = asObjects(spec.tolerations);
    const add: JsonObject[] = [];
    if (!tolerates(existing, notReady)) {
      add.push({ key: notReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultNotReadyTolerationSeconds });
    }
    if (!tolerates(existing, unreachable)) {
      add.push({ key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultUnreachableTolerationSeconds });
    }
    if (add.length) ensureArray(spec, 'tolerations').push(...add);
  },
};

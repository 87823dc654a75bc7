// What a pod as a whole asks for and is limited to (resourcehelper.PodRequests / PodLimits):
// the sum of its containers, raised to the largest init container, with restartable ("sidecar")
// init containers counted alongside the app containers, plus the pod overhead.

import type { KubeObject } from '../../../api/object.js';
import { asObject, asObjects } from '../util.js';
import { addInto, maxInto, parseResourceList, type ResourceList } from './resource-list.js';

export interface PodResourcesOptions {
  /** Leave spec.overhead out (LimitRanger compares the containers alone). */
  excludeOverhead?: boolean;
}

type Which = 'requests' | 'limits';

function containerList(container: Record<string, unknown>, which: Which): ResourceList {
  return parseResourceList(asObject(container.resources)[which]);
}

function aggregate(pod: KubeObject, which: Which): ResourceList {
  const spec = asObject(pod.spec);
  const total: ResourceList = new Map();
  for (const c of asObjects(spec.containers)) addInto(total, containerList(c, which));
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of asObjects(spec.initContainers)) {
    const own = containerList(c, which);
    let effective: ResourceList;
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running beside the app containers and every later init container.
      addInto(total, own);
      addInto(sidecars, own);
      effective = new Map(sidecars);
    } else {
      effective = new Map(own);
      addInto(effective, sidecars);
    }
    maxInto(initMax, effective);
  }
  maxInto(total, initMax);
  return total;
}

export function podRequests(pod: KubeObject, opts: PodResourcesOptions = {}): ResourceList {
  const requests = aggregate(pod, 'requests');
  if (!opts.excludeOverhead) addInto(requests, parseResourceList(asObject(pod.spec).overhead));
  return requests;
}

export function podLimits(pod: KubeObject, opts: PodResourcesOptions = {}): ResourceList {
  const limits = aggregate(pod, 'limits');
  if (!opts.excludeOverhead) {
    // Overhead only raises limits the pod has; an unlimited resource stays unlimited.
    const overhead = parseResourceList(asObject(pod.spec).overhead);
    for (const [k, v] of overhead) if (limits.has(k)) addInto(limits, new Map([[k, v]]));
  }
  return limits;
}

// PrioritySort (QueueSort): higher spec.priority first, then the pod that has waited longest.

import type { QueuedPodInfo } from '../queue.js';

export const prioritySortName = 'PrioritySort';

export function prioritySortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  if (a.info.priority !== b.info.priority) return a.info.priority > b.info.priority;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
  return a.seq < b.seq;
}

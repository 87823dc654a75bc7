// SchedulingGates (PreEnqueue): a pod with spec.schedulingGates stays out of the active queue
// until the last gate is removed.

import { array, record, str } from '../helpers.js';
import type { PodInfo } from '../pod-info.js';
import { Code, Status, type EnqueueExtensions, type PreEnqueuePlugin } from '../types.js';

export class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  readonly name = 'SchedulingGates';

  preEnqueue(pod: PodInfo): Status | null {
    const gates = array<Record<string, unknown>>(pod.spec.schedulingGates);
    if (gates.length === 0) return null;
    return new Status(Code.UnschedulableAndUnresolvable, [`waiting for scheduling gates: [${gates.map((g) => str(record(g).name)).join(' ')}]`]);
  }

  events() {
    return [{ kind: 'UnscheduledPodUpdate' as const, updates: ['schedulingGates' as const] }];
  }
}

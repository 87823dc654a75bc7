// `kubectl get pods`: READY, the STATUS summary (Init:0/1, CrashLoopBackOff, Completed,
// Terminating, SchedulingGated…), RESTARTS with the time of the last one, and the wide
// IP / NODE / NOMINATED NODE / READINESS GATES columns — printPod in Kubernetes 1.32.

import type { KubeObject } from '../../api/object.js';
import { humanDuration, parseTimestamp } from '../../machinery/duration.js';
import { ageCell, ageColumn, column, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { at, bool, int, list, optBool, optObj, str } from './json.js';
import type { Json } from './json.js';
import type { TablePrinter, TableRowCondition } from './types.js';

/** The later of two optional instants (undefined is Go's zero time, earlier than any). */
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined) return a;
  if (a === undefined) return b;
  return b > a ? b : a;
}

/** When a container last terminated, if its lastState says it did. */
function lastTermination(status: Json): { terminated: boolean; at: number | undefined } {
  const terminated = optObj(status, 'lastState', 'terminated');
  return { terminated: terminated !== undefined, at: terminated ? parseTimestamp(terminated.finishedAt) : undefined };
}

/** A sidecar: an init container with restartPolicy Always. */
function isRestartableInitContainer(container: Json | undefined): boolean {
  return container !== undefined && str(container, 'restartPolicy') === 'Always';
}

function conditionIsTrue(pod: KubeObject, type: string): boolean {
  for (const c of list(pod, 'status', 'conditions')) {
    if (str(c, 'type') === type) return str(c, 'status') === 'True';
  }
  return false;
}

function hasPodReadyCondition(pod: KubeObject): boolean {
  return list(pod, 'status', 'conditions').some((c) => str(c, 'type') === 'Ready' && str(c, 'status') === 'True');
}

function isTerminalPhase(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

interface PodSummary {
  ready: number;
  total: number;
  status: string;
  restarts: number;
  lastRestart: number | undefined;
}

/** The READY, STATUS and RESTARTS cells, following printPod step by step. */
export function summarizePod(pod: KubeObject): PodSummary {
  const containers = list(pod, 'spec', 'containers');
  const initContainers = list(pod, 'spec', 'initContainers');
  const phase = str(pod, 'status', 'phase');
  let status = str(pod, 'status', 'reason') || phase;
  for (const c of list(pod, 'status', 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') status = 'SchedulingGated';
  }

  let total = containers.length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const initByName = new Map<string, Json>();
  for (const c of initContainers) {
    initByName.set(str(c, 'name'), c);
    if (isRestartableInitContainer(c)) total++;
  }

  let initializing = false;
  const initStatuses = list(pod, 'status', 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const restartCount = int(cs, 'restartCount');
    const last = lastTermination(cs);
    restarts += restartCount;
    if (last.terminated) lastRestart = later(lastRestart, last.at);
    const sidecar = isRestartableInitContainer(initByName.get(str(cs, 'name')));
    if (sidecar) {
      sidecarRestarts += restartCount;
      if (last.terminated) lastSidecarRestart = later(lastSidecarRestart, last.at);
    }
    const terminated = optObj(cs, 'state', 'terminated');
    const waitingReason = str(cs, 'state', 'waiting', 'reason');
    if (terminated && int(terminated, 'exitCode') === 0) continue;
    if (sidecar && optBool(cs, 'started') === true) {
      if (bool(cs, 'ready')) ready++;
      continue;
    }
    if (terminated) {
      // Initialisation failed.
      const reason = str(terminated, 'reason');
      if (reason !== '') status = `Init:${reason}`;
      else if (int(terminated, 'signal') !== 0) status = `Init:Signal:${int(terminated, 'signal')}`;
      else status = `Init:ExitCode:${int(terminated, 'exitCode')}`;
    } else if (optObj(cs, 'state', 'waiting') && waitingReason !== '' && waitingReason !== 'PodInitializing') {
      status = `Init:${waitingReason}`;
    } else {
      status = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(pod, 'status', 'containerStatuses');
    // Backwards, so that the first container's state has the last word.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += int(cs, 'restartCount');
      const last = lastTermination(cs);
      if (last.terminated) lastRestart = later(lastRestart, last.at);
      const waitingReason = str(cs, 'state', 'waiting', 'reason');
      const terminated = optObj(cs, 'state', 'terminated');
      if (optObj(cs, 'state', 'waiting') && waitingReason !== '') {
        status = waitingReason;
      } else if (terminated && str(terminated, 'reason') !== '') {
        status = str(terminated, 'reason');
      } else if (terminated) {
        status = int(terminated, 'signal') !== 0 ? `Signal:${int(terminated, 'signal')}` : `ExitCode:${int(terminated, 'exitCode')}`;
      } else if (bool(cs, 'ready') && optObj(cs, 'state', 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose finished container sits next to a running one is still running.
    if (status === 'Completed' && hasRunning) status = hasPodReadyCondition(pod) ? 'Running' : 'NotReady';
  }

  const deleting = typeof at(pod, 'metadata', 'deletionTimestamp') === 'string';
  if (deleting && str(pod, 'status', 'reason') === 'NodeLost') status = 'Unknown';
  else if (deleting && !isTerminalPhase(phase)) status = 'Terminating';

  return { ready, total, status, restarts, lastRestart };
}

function readinessGatesCell(pod: KubeObject): string {
  const gates = list(pod, 'spec', 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = list(pod, 'status', 'conditions');
  let trueConditions = 0;
  for (const gate of gates) {
    const condition = conditions.find((c) => str(c, 'type') === str(gate, 'conditionType'));
    if (condition && str(condition, 'status') === 'True') trueConditions++;
  }
  return `${trueConditions}/${gates.length}`;
}

const succeededConditions: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const failedConditions: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

export const podPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    wideColumn('IP', 'string', apiDoc['corev1.PodStatus.podIP']),
    wideColumn('Node', 'string', apiDoc['corev1.PodSpec.nodeName']),
    wideColumn('Nominated Node', 'string', apiDoc['corev1.PodStatus.nominatedNodeName']),
    wideColumn('Readiness Gates', 'string', apiDoc['corev1.PodSpec.readinessGates']),
  ],
  row(pod, { now }) {
    const s = summarizePod(pod);
    const restarts = s.restarts !== 0 && s.lastRestart !== undefined ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)` : String(s.restarts);
    return [
      nameCell(pod),
      `${s.ready}/${s.total}`,
      s.status,
      restarts,
      ageCell(pod, now),
      str(list(pod, 'status', 'podIPs')[0], 'ip') || '<none>',
      str(pod, 'spec', 'nodeName') || '<none>',
      str(pod, 'status', 'nominatedNodeName') || '<none>',
      readinessGatesCell(pod),
    ];
  },
  conditions(pod) {
    const phase = str(pod, 'status', 'phase');
    if (phase === 'Succeeded') return succeededConditions;
    if (phase === 'Failed') return failedConditions;
    return undefined;
  },
};

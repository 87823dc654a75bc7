// DefaultPreemption (PostFilter): when a pod fits nowhere, find nodes where removing pods of
// lower priority would make room, keep as few victims as possible (higher priority and
// PodDisruptionBudget-protected pods are reprieved first), pick the node whose victims matter
// least, and evict them: the pod is nominated to that node and scheduled there once they are
// gone. When nothing helps, its message explains why, per node, after "preemption:".

import type { KubeObject } from '../../api/object.js';
import { rfc3339 } from '../../machinery/clock.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Client } from '../../client/interface.js';
import { R } from '../../client/resources.js';
import type { EventRecorder } from '../../controllers/events.js';
import type { Framework } from '../framework.js';
import { array, record } from '../helpers.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { Code, FitError, newDiagnosis, NodeToStatus, Status, type CycleState, type Handle, type PostFilterPlugin, type PostFilterResult } from '../types.js';

export const preemptionNotHelpful = 'Preemption is not helpful for scheduling';
export const noVictimsFound = 'No preemption victims found for incoming pod';

export interface Candidate {
  node: string;
  victims: PodInfo[];
  numPDBViolations: number;
}

export interface DefaultPreemptionOptions {
  /** MinCandidateNodesPercentage and MinCandidateNodesAbsolute (10 %, 100). */
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
  random?: () => number;
}

/** util.MoreImportantPod: higher priority, then started earlier. */
export function moreImportantPod(a: PodInfo, b: PodInfo, now: number): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return (a.startTime || now) < (b.startTime || now);
}

function podTerminatingByPreemption(p: PodInfo): boolean {
  if (!p.deleting) return false;
  for (const c of array<Record<string, unknown>>(p.status.conditions)) {
    if (c.type === 'DisruptionTarget') return c.status === 'True' && c.reason === 'PreemptionByScheduler';
  }
  return false;
}

/** Splits pods into those whose eviction would break a PodDisruptionBudget and the rest. */
export function filterPodsWithPDBViolation(pods: PodInfo[], pdbs: KubeObject[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => Number(record(p.status).disruptionsAllowed ?? 0));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    if (Object.keys(p.labels).length !== 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata.namespace !== p.namespace) return;
        let matches = false;
        try {
          const sel = selectorFromLabelSelector(record(pdb.spec).selector as LabelSelector);
          matches = !sel.isEmpty() && sel.matches(p.labels);
        } catch {
          matches = false;
        }
        if (!matches) return;
        if (p.name in record(record(pdb.status).disruptedPods)) return;
        allowed[i]--;
        if (allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(p);
  }
  return [violating, nonViolating];
}

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = 'DefaultPreemption';
  private readonly opts: Required<DefaultPreemptionOptions>;

  constructor(
    private readonly handle: Handle,
    private readonly framework: () => Framework,
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    opts: DefaultPreemptionOptions = {},
  ) {
    this.opts = {
      minCandidateNodesPercentage: opts.minCandidateNodesPercentage ?? 10,
      minCandidateNodesAbsolute: opts.minCandidateNodesAbsolute ?? 100,
      random: opts.random ?? Math.random,
    };
  }

  async postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    const { result, status } = await this.preempt(state, pod, statuses);
    const msg = status.message();
    if (msg) return { result, status: new Status(status.code, [`preemption: ${msg}`], status.error) };
    return { result, status };
  }

  /** PodEligibleToPreemptOthers. */
  eligible(pod: PodInfo, nominatedStatus: Status | undefined): [boolean, string] {
    if (pod.spec.preemptionPolicy === 'Never') return [false, 'not eligible due to preemptionPolicy=Never.'];
    const nominated = pod.nominatedNodeName;
    if (nominated) {
      if (nominatedStatus?.code === Code.UnschedulableAndUnresolvable) return [true, ''];
      const node = this.handle.nodeInfo(nominated);
      if (node) {
        for (const p of node.pods) {
          if (p.priority < pod.priority && podTerminatingByPreemption(p)) return [false, 'not eligible due to a terminating pod on the nominated node.'];
        }
      }
    }
    return [true, ''];
  }

  async preempt(state: CycleState, pod: PodInfo, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    const [ok, msg] = this.eligible(pod, pod.nominatedNodeName ? statuses.get(pod.nominatedNodeName) : undefined);
    if (!ok) return { status: new Status(Code.Unschedulable, [msg]) };
    const allNodes = this.handle.nodeInfos();
    if (allNodes.length === 0) return { status: Status.error(new Error('no nodes available')) };
    const { candidates, nodeStatuses } = await this.findCandidates(state, pod, allNodes, statuses);
    if (candidates.length === 0) {
      const d = newDiagnosis();
      for (const [n, s] of nodeStatuses.byNode) d.nodeToStatus.set(n, s);
      d.nodeToStatus.absent = new Status(Code.UnschedulableAndUnresolvable, [preemptionNotHelpful]);
      const fit = new FitError(pod, allNodes.length, d);
      return { result: { nominatedNodeName: '' }, status: new Status(Code.Unschedulable, [fit.message]) };
    }
    const best = this.selectCandidate(candidates);
    if (!best) return { status: new Status(Code.Unschedulable, ['no candidate node for preemption']) };
    const prepared = await this.prepareCandidate(best, pod);
    if (prepared) return { status: prepared };
    return { result: { nominatedNodeName: best.node }, status: new Status(Code.Success) };
  }

  private async findCandidates(state: CycleState, pod: PodInfo, allNodes: NodeInfo[], statuses: NodeToStatus): Promise<{ candidates: Candidate[]; nodeStatuses: NodeToStatus }> {
    const potential = statuses.nodesWithCode(allNodes, Code.Unschedulable);
    if (potential.length === 0) {
      if (pod.nominatedNodeName) await this.clearNominatedNodeName(pod);
      return { candidates: [], nodeStatuses: new NodeToStatus() };
    }
    const pdbs = this.handle.list('poddisruptionbudgets');
    const n = potential.length;
    const offset = Math.floor(this.opts.random() * n);
    const numCandidates = Math.min(n, Math.max(Math.trunc((n * this.opts.minCandidateNodesPercentage) / 100), this.opts.minCandidateNodesAbsolute));
    return this.dryRunPreemption(state, pod, potential, pdbs, offset, numCandidates);
  }

  /** Simulates preemption on each potential node in turn until enough candidates are found. */
  dryRunPreemption(state: CycleState, pod: PodInfo, potential: NodeInfo[], pdbs: KubeObject[], offset: number, numCandidates: number): { candidates: Candidate[]; nodeStatuses: NodeToStatus } {
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    const nodeStatuses = new NodeToStatus();
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length].clone();
      const { victims, numPDBViolations, status } = this.selectVictimsOnNode(state.clone(), pod, node, pdbs);
      if (!status && victims.length > 0) {
        (numPDBViolations === 0 ? nonViolating : violating).push({ node: node.name, victims, numPDBViolations });
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
        continue;
      }
      nodeStatuses.set(node.name, status ?? Status.error(new Error(`expected at least one victim pod on node "${node.name}"`)));
    }
    return { candidates: [...nonViolating, ...violating], nodeStatuses };
  }

  /** The fewest lower-priority pods to remove from the node for the pod to fit there. */
  selectVictimsOnNode(state: CycleState, pod: PodInfo, node: NodeInfo, pdbs: KubeObject[]): { victims: PodInfo[]; numPDBViolations: number; status: Status | null } {
    const fw = this.framework();
    const remove = (p: PodInfo) => {
      node.removePod(p);
      return fw.runPreFilterRemovePod(state, pod, p, node);
    };
    const add = (p: PodInfo) => {
      node.addPod(p);
      return fw.runPreFilterAddPod(state, pod, p, node);
    };
    const potential: PodInfo[] = [];
    for (const p of [...node.pods]) {
      if (p.priority < pod.priority) {
        potential.push(p);
        const s = remove(p);
        if (s) return { victims: [], numPDBViolations: 0, status: s };
      }
    }
    if (potential.length === 0) return { victims: [], numPDBViolations: 0, status: new Status(Code.UnschedulableAndUnresolvable, [noVictimsFound]) };
    const fits = fw.runFilterWithNominatedPods(state, pod, node);
    if (fits) return { victims: [], numPDBViolations: 0, status: fits };
    const now = this.handle.now();
    potential.sort((a, b) => (moreImportantPod(a, b, now) ? -1 : moreImportantPod(b, a, now) ? 1 : 0));
    const [violatingPods, nonViolatingPods] = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let numViolating = 0;
    const reprieve = (p: PodInfo): [boolean, Status | null] => {
      const s = add(p);
      if (s) return [false, s];
      const fit = !fw.runFilterWithNominatedPods(state, pod, node);
      if (!fit) {
        const r = remove(p);
        if (r) return [false, r];
        victims.push(p);
      }
      return [fit, null];
    };
    for (const p of violatingPods) {
      const [fit, err] = reprieve(p);
      if (err) return { victims: [], numPDBViolations: 0, status: err };
      if (!fit) numViolating++;
    }
    for (const p of nonViolatingPods) {
      const [, err] = reprieve(p);
      if (err) return { victims: [], numPDBViolations: 0, status: err };
    }
    return { victims, numPDBViolations: numViolating, status: null };
  }

  /** pickOneNodeForPreemption: fewest PDB violations, lowest top victim priority, lowest sum, fewest victims, latest start. */
  selectCandidate(candidates: Candidate[]): Candidate | undefined {
    if (candidates.length <= 1) return candidates[0];
    const now = this.handle.now();
    const highest = (c: Candidate) => c.victims[0]?.priority ?? 0;
    const earliestStartOfHighest = (c: Candidate) => {
      const top = Math.max(...c.victims.map((v) => v.priority));
      let earliest = Infinity;
      for (const v of c.victims) if (v.priority === top) earliest = Math.min(earliest, v.startTime || now);
      return earliest;
    };
    const scoreFuncs: ((c: Candidate) => number)[] = [
      (c) => -c.numPDBViolations,
      (c) => -highest(c),
      (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0),
      (c) => -c.victims.length,
      (c) => earliestStartOfHighest(c),
    ];
    let pool = candidates;
    for (const f of scoreFuncs) {
      let max = -Infinity;
      let selected: Candidate[] = [];
      for (const c of pool) {
        const s = f(c);
        if (s > max) {
          max = s;
          selected = [];
        }
        if (s === max) selected.push(c);
      }
      if (selected.length === 1) return selected[0];
      pool = selected;
    }
    return pool[0];
  }

  /** Evicts the victims and clears weaker nominations on the node. */
  private async prepareCandidate(c: Candidate, pod: PodInfo): Promise<Status | null> {
    const now = rfc3339(this.handle.now());
    const results = await Promise.all(
      c.victims.map(async (victim) => {
        try {
          const conditions = array<Record<string, unknown>>(victim.status.conditions);
          const existing = conditions.find((x) => x.type === 'DisruptionTarget');
          const message = `${pod.schedulerName}: preempting to accommodate a higher priority pod`;
          if (!existing || existing.status !== 'True' || existing.reason !== 'PreemptionByScheduler' || existing.message !== message) {
            await this.client.patch(
              R.pods,
              victim.namespace,
              victim.name,
              'strategic',
              { status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message, lastTransitionTime: existing?.status === 'True' ? existing.lastTransitionTime : now }] } },
              { subresource: 'status' },
            );
          }
          await this.client.delete(R.pods, victim.namespace, victim.name, {});
        } catch (e) {
          if ((e as { code?: number }).code === 404) return null;
          return Status.error(e);
        }
        this.recorder.event(victim.pod, 'Normal', 'Preempted', `Preempted by pod ${pod.uid} on node ${c.node}`);
        return null;
      }),
    );
    const failed = results.find((r) => r);
    if (failed) return failed;
    for (const p of this.handle.nominatedPodsForNode(c.node)) {
      if (p.priority < pod.priority) await this.clearNominatedNodeName(p);
    }
    return null;
  }

  private async clearNominatedNodeName(p: PodInfo): Promise<void> {
    try {
      await this.client.patch(R.pods, p.namespace, p.name, 'merge', { status: { nominatedNodeName: null } }, { subresource: 'status' });
    } catch {
      // Not critical, as upstream.
    }
  }
}

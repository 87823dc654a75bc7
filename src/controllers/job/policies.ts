// A Job's podFailurePolicy (what a failed Pod means: fail the Job, fail its index, ignore the
// failure, or count it) and successPolicy (which succeeded indexes are enough), evaluated as
// the Job controller does.

import { OrderedIntervals, matchSucceededIndexesRule } from './intervals.js';
import type { ContainerStatus, JobSpec, Pod, PodFailurePolicyRule } from './types.js';

export interface PodFailurePolicyMatch {
  /** Set when a FailJob rule matched: the message of the Job's failure condition. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit (and backoffLimitPerIndex). */
  countFailed: boolean;
  action?: PodFailurePolicyRule['action'];
}

function exitCodeMatches(code: number, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): boolean {
  if (req.operator === 'In') return req.values.includes(code);
  if (req.operator === 'NotIn') return !req.values.includes(code);
  return false;
}

/** The first terminated container with a non-zero exit code the requirement matches. */
function matchingContainer(statuses: ContainerStatus[] | undefined, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  for (const s of statuses ?? []) {
    const t = s.state?.terminated;
    if (!t) continue;
    if (req.containerName !== undefined && req.containerName !== null && req.containerName !== s.name) continue;
    if (t.exitCode !== 0 && exitCodeMatches(t.exitCode, req)) return s;
  }
  return undefined;
}

/** matchPodFailurePolicy: the first rule that matches a failed Pod decides. */
export function matchPodFailurePolicy(policy: JobSpec['podFailurePolicy'], pod: Pod): PodFailurePolicyMatch {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.onExitCodes) {
      const status = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (!status) continue;
      switch (rule.action) {
        case 'Ignore':
          return { countFailed: false, action: 'Ignore' };
        case 'FailIndex':
          return { countFailed: true, action: 'FailIndex' };
        case 'Count':
          return { countFailed: true, action: 'Count' };
        case 'FailJob':
          return {
            failJobMessage: `Container ${status.name} for pod ${ns}/${name} failed with exit code ${status.state!.terminated!.exitCode} matching FailJob rule at index ${index}`,
            countFailed: true,
            action: 'FailJob',
          };
      }
    } else if (rule.onPodConditions) {
      let matched: string | undefined;
      for (const c of pod.status?.conditions ?? []) {
        if (rule.onPodConditions.some((p) => p.type === c.type && (p.status ?? 'True') === c.status)) {
          matched = c.type;
          break;
        }
      }
      if (matched === undefined) continue;
      switch (rule.action) {
        case 'Ignore':
          return { countFailed: false, action: 'Ignore' };
        case 'FailIndex':
          return { countFailed: true, action: 'FailIndex' };
        case 'Count':
          return { countFailed: true, action: 'Count' };
        case 'FailJob':
          return { failJobMessage: `Pod ${ns}/${name} has condition ${matched} matching FailJob rule at index ${index}`, countFailed: true, action: 'FailJob' };
      }
    }
  }
  return { countFailed: true };
}

/** matchSuccessPolicy: the message of the first rule the succeeded indexes satisfy. */
export function matchSuccessPolicy(policy: JobSpec['successPolicy'], completions: number, succeeded: OrderedIntervals): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = OrderedIntervals.parse(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      if (matchSucceededIndexesRule(required, succeeded, rule.succeededCount ?? undefined)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && rule.succeededCount !== null && succeeded.total() >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}

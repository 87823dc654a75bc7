// batch/v1 Job validation (pkg/apis/batch/validation, with the options the 1.32 job strategy
// passes): counts and limits, Indexed completion, pod failure and success policies, pod
// replacement, the generated selector and its controller-uid/job-name labels, restartPolicy
// Never or OnFailure, what an update may change, and the status transitions a Job's
// controller must respect.

import { field, type FieldError } from '../../machinery/errors.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Label } from './formats.js';
import { invalidOmitValue, isDomainPrefixedPath, labelSelectorAsSelector, labelSet, validateQualifiedName } from './groups-common.js';
import { validateImmutableField, validateLabelSelector, validateNonnegative } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { selectorMismatchMessage } from './replicaset.js';
import { arr, byteLength, child, index, isInt, isObject, isSet, key, obj, semanticEqual, str } from './shape.js';
import type { KindValidation } from './types.js';

export const JobLabel = {
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
} as const;

const maxParallelismForIndexedJob = 100000;
const maxFailedIndexesForIndexedJob = 100_000;
const completionsSoftLimit = 100_000;
const parallelismLimitForHighCompletions = 10_000;
const maxFailedIndexesLimitForHighCompletions = 10_000;
const maxPodFailurePolicyRules = 20;
const maxPodFailurePolicyOnExitCodesValues = 255;
const maxPodFailurePolicyOnPodConditionsPatterns = 20;
const maxManagedByLength = 63;
const maxJobSuccessPolicySucceededIndexesLimit = 64 * 1024;
const maxSuccessPolicyRule = 20;

const podFailurePolicyActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const onExitCodesOperators = ['In', 'NotIn'];
const conditionStatuses = ['False', 'True', 'Unknown'];

/** Go's %q of a []string: ["a" "b"]. */
function quotedList(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

const num = (v: unknown): number | undefined => (isInt(v) ? v : undefined);

// ---- the generated selector ----

/** ValidateHasLabel: the template must carry `key` with `expected`. */
function validateHasLabel(labelsRaw: unknown, metaPath: string, k: string, expected: string): FieldError[] {
  const labels = labelSet(labelsRaw);
  const p = key(child(metaPath, 'labels'), k);
  if (!(k in labels)) return [field.required(p, `must be '${expected}'`)];
  if (labels[k] !== expected) return [field.invalid(p, labelsRaw, `must be '${expected}'`)];
  return [];
}

/** validateGeneratedSelector: unless manualSelector, the selector and labels are the generated ones. */
function validateGeneratedSelector(job: KubeObject, requirePrefixedLabels: boolean): FieldError[] {
  const spec = obj(job.spec);
  if (spec.manualSelector === true || !isSet(spec.selector)) return [];
  const errs: FieldError[] = [];
  const uid = str(job.metadata?.uid);
  const name = str(job.metadata?.name);
  if (!uid) errs.push(field.required('metadata.uid', ''));
  const labels = obj(obj(spec.template).metadata).labels;
  const metaPath = 'spec.template.metadata';
  errs.push(...validateHasLabel(labels, metaPath, JobLabel.legacyControllerUid, uid));
  errs.push(...validateHasLabel(labels, metaPath, JobLabel.legacyJobName, name));
  const expected: Record<string, string> = {};
  if (requirePrefixedLabels) {
    errs.push(...validateHasLabel(labels, metaPath, JobLabel.controllerUid, uid));
    errs.push(...validateHasLabel(labels, metaPath, JobLabel.jobName, name));
    expected[JobLabel.controllerUid] = uid;
    expected[JobLabel.jobName] = name;
  }
  expected[JobLabel.legacyControllerUid] = uid;
  expected[JobLabel.legacyJobName] = name;
  const selector = labelSelectorAsSelector(spec.selector);
  if (selector && !selector.matches(expected)) errs.push(field.invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
  return errs;
}

// ---- indexes ("1,3-5,7") ----

function parseIndexInterval(interval: string, completions: number): { x: number; y: number } | string {
  const limits = interval.split('-');
  if (limits.length > 2) {
    return `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`;
  }
  const atoi = (s: string) => (/^[+-]?\d+$/.test(s) ? Number(s) : undefined);
  const x = atoi(limits[0]);
  if (x === undefined) return `cannot convert string to integer for index: ${JSON.stringify(limits[0])}`;
  if (x >= completions) return `too large index: ${JSON.stringify(limits[0])}`;
  if (limits.length > 1) {
    const y = atoi(limits[1]);
    if (y === undefined) return `cannot convert string to integer for index: ${JSON.stringify(limits[1])}`;
    if (y >= completions) return `too large index: ${JSON.stringify(limits[1])}`;
    if (x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
    return { x, y };
  }
  return { x, y: x };
}

/** validateIndexesFormat: the count of indexes, or the parse error. */
export function validateIndexesFormat(indexes: string, completions: number): number | string {
  if (indexes.length === 0) return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of indexes.split(',')) {
    const r = parseIndexInterval(interval, completions);
    if (typeof r === 'string') return r;
    if (last !== undefined && last >= r.x) return `non-increasing order, previous: ${last}, current: ${r.x}`;
    total += r.y - r.x + 1;
    last = r.y;
  }
  return total;
}

function failedOverlapsCompleted(completed: string, failed: string, completions: number): string | undefined {
  if (!completed || !failed) return undefined;
  const parse = (list: string) =>
    list
      .split(',')
      .map((iv) => parseIndexInterval(iv, completions))
      .filter((r): r is { x: number; y: number } => typeof r !== 'string');
  const cs = parse(completed);
  const fs = parse(failed);
  let i = 0;
  let j = 0;
  while (i < cs.length && j < fs.length) {
    const c = cs[i];
    const f = fs[j];
    if (c.x <= f.y && f.x <= c.y) return `failedIndexes and completedIndexes overlap at index: ${Math.max(c.x, f.x)}`;
    if (c.x <= f.x) i++;
    else j++;
  }
  return undefined;
}

// ---- spec ----

function validatePodFailurePolicyRuleOnExitCodes(raw: unknown, path: string, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const req = obj(raw);
  const operator = str(req.operator);
  const opPath = child(path, 'operator');
  if (operator === '') errs.push(field.required(opPath, `valid values: ${quotedList(onExitCodesOperators)}`));
  else if (!onExitCodesOperators.includes(operator)) errs.push(field.notSupported(opPath, operator, onExitCodesOperators));
  if (isSet(req.containerName) && !containerNames.has(str(req.containerName))) {
    errs.push(field.invalid(child(path, 'containerName'), req.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const valuesPath = child(path, 'values');
  const values = arr(req.values);
  if (values.length === 0) errs.push(field.invalid(valuesPath, req.values ?? null, 'at least one value is required'));
  else if (values.length > maxPodFailurePolicyOnExitCodesValues) errs.push(field.tooMany(valuesPath, values.length, maxPodFailurePolicyOnExitCodesValues));
  let ordered = true;
  const seen = new Set<unknown>();
  values.forEach((v, j) => {
    const p = index(valuesPath, j);
    if (operator === 'In' && v === 0) errs.push(field.invalid(p, v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(field.duplicate(p, v));
    else seen.add(v);
    if (j > 0 && typeof values[j - 1] === 'number' && typeof v === 'number' && (values[j - 1] as number) > v) ordered = false;
  });
  if (!ordered) errs.push(field.invalid(valuesPath, values, 'must be ordered'));
  return errs;
}

function validatePodFailurePolicyRuleOnPodConditions(patterns: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > maxPodFailurePolicyOnPodConditionsPatterns) {
    errs.push(field.tooMany(path, patterns.length, maxPodFailurePolicyOnPodConditionsPatterns));
  }
  patterns.forEach((raw, j) => {
    const pattern = obj(raw);
    const p = index(path, j);
    errs.push(...validateQualifiedName(str(pattern.type), child(p, 'type')));
    const status = str(pattern.status);
    if (status === '') errs.push(field.required(child(p, 'status'), `valid values: ${quotedList(conditionStatuses)}`));
    else if (!conditionStatuses.includes(status)) errs.push(field.notSupported(child(p, 'status'), status, conditionStatuses));
  });
  return errs;
}

function validatePodFailurePolicy(spec: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rulesPath = child(path, 'rules');
  const rules = arr(obj(spec.podFailurePolicy).rules);
  if (rules.length > maxPodFailurePolicyRules) errs.push(field.tooMany(rulesPath, rules.length, maxPodFailurePolicyRules));
  const podSpec = obj(obj(spec.template).spec);
  const containerNames = new Set([...arr(podSpec.containers), ...arr(podSpec.initContainers)].map((c) => str(obj(c).name)));
  rules.forEach((raw, i) => {
    const rule = obj(raw);
    const rulePath = index(rulesPath, i);
    const actionPath = child(rulePath, 'action');
    const action = str(rule.action);
    if (action === '') errs.push(field.required(actionPath, `valid values: ${quotedList(podFailurePolicyActions)}`));
    else if (action === 'FailIndex') {
      if (!isSet(spec.backoffLimitPerIndex)) errs.push(field.invalid(actionPath, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!podFailurePolicyActions.includes(action)) errs.push(field.notSupported(actionPath, action, podFailurePolicyActions));
    const hasExitCodes = isSet(rule.onExitCodes);
    const conditions = arr(rule.onPodConditions);
    if (hasExitCodes) errs.push(...validatePodFailurePolicyRuleOnExitCodes(rule.onExitCodes, child(rulePath, 'onExitCodes'), containerNames));
    if (conditions.length > 0) errs.push(...validatePodFailurePolicyRuleOnPodConditions(conditions, child(rulePath, 'onPodConditions')));
    if (hasExitCodes && conditions.length > 0) errs.push(invalidOmitValue(rulePath, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!hasExitCodes && conditions.length === 0) errs.push(invalidOmitValue(rulePath, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

function validateSuccessPolicy(spec: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rulesPath = child(path, 'rules');
  const rules = arr(obj(spec.successPolicy).rules);
  const completions = num(spec.completions) ?? 0;
  if (rules.length === 0) errs.push(field.required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessPolicyRule) errs.push(field.tooMany(rulesPath, rules.length, maxSuccessPolicyRule));
  rules.forEach((raw, i) => {
    const rule = obj(raw);
    const rulePath = index(rulesPath, i);
    if (!isSet(rule.succeededCount) && !isSet(rule.succeededIndexes)) {
      errs.push(field.required(rulePath, 'at least one of succeededCount or succeededIndexes must be specified'));
    }
    let totalIndexes = 0;
    if (isSet(rule.succeededIndexes)) {
      const indexes = str(rule.succeededIndexes);
      const p = child(rulePath, 'succeededIndexes');
      if (byteLength(indexes) > maxJobSuccessPolicySucceededIndexesLimit) errs.push(field.tooLong(p, indexes, maxJobSuccessPolicySucceededIndexesLimit));
      const r = validateIndexesFormat(indexes, completions);
      if (typeof r === 'string') errs.push(field.invalid(p, indexes, `error parsing succeededIndexes: ${r}`));
      else totalIndexes = r;
    }
    if (isSet(rule.succeededCount)) {
      const p = child(rulePath, 'succeededCount');
      const count = num(rule.succeededCount) ?? 0;
      errs.push(...validateNonnegative(rule.succeededCount, p));
      if (count > completions) errs.push(field.invalid(p, count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (isSet(rule.succeededIndexes) && count > totalIndexes) {
        errs.push(field.invalid(p, count, `must be less than or equal to ${totalIndexes} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

function validatePodReplacementPolicy(spec: Record<string, unknown>, path: string): FieldError[] {
  if (!isSet(spec.podReplacementPolicy)) return [];
  const policy = spec.podReplacementPolicy;
  if (isSet(spec.podFailurePolicy)) return policy === 'Failed' ? [] : [field.notSupported(path, policy, ['Failed'])];
  return policy === 'Failed' || policy === 'TerminatingOrFailed' ? [] : [field.notSupported(path, policy, ['Failed', 'TerminatingOrFailed'])];
}

/** validateJobSpec: everything but the selector, shared with CronJob job templates. */
export function validateJobSpecFields(specRaw: unknown, path: string): FieldError[] {
  const spec = obj(specRaw);
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    errs.push(...validateNonnegative(spec[f], child(path, f)));
  }
  if (isSet(spec.maxFailedIndexes)) {
    errs.push(...validateNonnegative(spec.maxFailedIndexes, child(path, 'maxFailedIndexes')));
    if (!isSet(spec.backoffLimitPerIndex)) errs.push(field.required(child(path, 'backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (isSet(spec.managedBy)) {
    const managedBy = str(spec.managedBy);
    errs.push(...isDomainPrefixedPath(child(path, 'managedBy'), managedBy));
    if (byteLength(managedBy) > maxManagedByLength) errs.push(field.tooLong(child(path, 'managedBy'), managedBy, maxManagedByLength));
  }
  const parallelism = num(spec.parallelism);
  const completions = num(spec.completions);
  const maxFailedIndexes = num(spec.maxFailedIndexes);
  const indexed = spec.completionMode === 'Indexed';
  if (isSet(spec.completionMode)) {
    if (spec.completionMode !== 'NonIndexed' && !indexed) {
      errs.push(field.notSupported(child(path, 'completionMode'), spec.completionMode, ['NonIndexed', 'Indexed']));
    }
    if (indexed) {
      if (!isSet(spec.completions)) errs.push(field.required(child(path, 'completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > maxParallelismForIndexedJob) {
        errs.push(field.invalid(child(path, 'parallelism'), parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
      }
      if (completions !== undefined && maxFailedIndexes !== undefined && maxFailedIndexes > completions) {
        errs.push(field.invalid(child(path, 'maxFailedIndexes'), maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (maxFailedIndexes !== undefined && maxFailedIndexes > maxFailedIndexesForIndexedJob) {
        errs.push(field.invalid(child(path, 'maxFailedIndexes'), maxFailedIndexes, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
      }
      if (completions !== undefined && completions > completionsSoftLimit && isSet(spec.backoffLimitPerIndex)) {
        if (!isSet(spec.maxFailedIndexes)) {
          errs.push(field.required(child(path, 'maxFailedIndexes'), `must be specified when completions is above ${completionsSoftLimit}`));
        }
        if (parallelism !== undefined && parallelism > parallelismLimitForHighCompletions) {
          errs.push(
            field.invalid(
              child(path, 'parallelism'),
              parallelism,
              `must be less than or equal to ${parallelismLimitForHighCompletions} when completions are above ${completionsSoftLimit} and used with backoff limit per index`,
            ),
          );
        }
        if (maxFailedIndexes !== undefined && maxFailedIndexes > maxFailedIndexesLimitForHighCompletions) {
          errs.push(
            field.invalid(
              child(path, 'maxFailedIndexes'),
              maxFailedIndexes,
              `must be less than or equal to ${maxFailedIndexesLimitForHighCompletions} when completions are above ${completionsSoftLimit} and used with backoff limit per index`,
            ),
          );
        }
      }
    }
  }
  if (!isSet(spec.completionMode) || spec.completionMode === 'NonIndexed') {
    if (isSet(spec.backoffLimitPerIndex)) errs.push(field.invalid(child(path, 'backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (isSet(spec.maxFailedIndexes)) errs.push(field.invalid(child(path, 'maxFailedIndexes'), spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (isSet(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, child(path, 'podFailurePolicy')));
  if (isSet(spec.successPolicy)) {
    if (!indexed) errs.push(field.invalid(child(path, 'successPolicy'), spec.successPolicy, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, child(path, 'successPolicy')));
  }
  errs.push(...validatePodReplacementPolicy(spec, child(path, 'podReplacementPolicy')));
  const templatePath = child(path, 'template');
  errs.push(...validatePodTemplateSpec(obj(spec.template), templatePath));
  // restartPolicy is defaulted to Always when left out, so that reads as "not set" here.
  const rpPath = child(child(templatePath, 'spec'), 'restartPolicy');
  const restartPolicy = obj(obj(spec.template).spec).restartPolicy ?? '';
  if (restartPolicy === 'Always' || restartPolicy === '') {
    errs.push(field.required(rpPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(rpPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (isSet(spec.podFailurePolicy) && restartPolicy !== 'Never') {
    errs.push(field.invalid(rpPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** ValidateJobSpec: the fields, a required selector, and a template the selector matches. */
export function validateJobSpec(specRaw: unknown, path = 'spec'): FieldError[] {
  const spec = obj(specRaw);
  const errs = validateJobSpecFields(spec, path);
  const selPath = child(path, 'selector');
  if (!isSet(spec.selector)) errs.push(field.required(selPath, ''));
  else errs.push(...validateLabelSelector(spec.selector, selPath));
  const selector = labelSelectorAsSelector(spec.selector);
  const labels = obj(obj(spec.template).metadata).labels;
  if (selector && !selector.matches(labelSet(labels))) {
    errs.push(field.invalid(child(child(child(path, 'template'), 'metadata'), 'labels'), labels ?? null, selectorMismatchMessage));
  }
  return errs;
}

export function validateJob(job: KubeObject): FieldError[] {
  const errs = [...validateGeneratedSelector(job, true), ...validateJobSpec(job.spec)];
  const spec = obj(job.spec);
  const completions = num(spec.completions);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    // Pods of an Indexed Job are named and hostnamed <job>-<index>.
    const name = str(job.metadata?.name);
    const maximumPodHostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(maximumPodHostname).length) {
      errs.push(field.invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${maximumPodHostname}`));
    }
  }
  return errs;
}

// ---- update ----

/** Scheduling directives of a suspended Job that never started may change (its pods do not exist yet). */
function templateForImmutabilityCheck(template: unknown, oldTemplate: unknown, allowMutableScheduling: boolean): unknown {
  if (!allowMutableScheduling) return oldTemplate;
  const t = obj(template);
  const spec = obj(t.spec);
  const old = structuredClone(obj(oldTemplate));
  const oldSpec = obj(old.spec);
  old.spec = oldSpec;
  const oldMeta = obj(old.metadata);
  old.metadata = oldMeta;
  if (!isSet(spec.affinity) && isSet(oldSpec.affinity)) {
    const aff = { ...obj(oldSpec.affinity) };
    delete aff.nodeAffinity;
    if (Object.keys(aff).length === 0) delete oldSpec.affinity;
    else oldSpec.affinity = aff;
  } else if (isSet(spec.affinity) && !isSet(oldSpec.affinity)) {
    oldSpec.affinity = { nodeAffinity: obj(spec.affinity).nodeAffinity };
  } else if (isSet(spec.affinity) && isSet(oldSpec.affinity)) {
    oldSpec.affinity = { ...obj(oldSpec.affinity), nodeAffinity: obj(spec.affinity).nodeAffinity };
  }
  oldSpec.nodeSelector = spec.nodeSelector;
  oldSpec.tolerations = spec.tolerations;
  oldMeta.annotations = obj(t.metadata).annotations;
  oldMeta.labels = obj(t.metadata).labels;
  oldSpec.schedulingGates = spec.schedulingGates;
  return old;
}

export function validateJobUpdate(job: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(job.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];
  // Elastic Indexed Jobs: completions may change together with parallelism.
  if (spec.completionMode !== 'Indexed') {
    errs.push(...validateImmutableField(spec.completions, oldSpec.completions, 'spec.completions'));
  } else if (!semanticEqual(spec.completions, oldSpec.completions) && isSet(spec.completions) && spec.completions !== spec.parallelism) {
    errs.push(field.invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  errs.push(...validateImmutableField(spec.selector, oldSpec.selector, 'spec.selector'));
  const allowMutableScheduling = oldSpec.suspend === true && !isSet(obj(old.status).startTime);
  const oldTemplate = templateForImmutabilityCheck(spec.template, oldSpec.template, allowMutableScheduling);
  errs.push(...validateImmutableField(spec.template, oldTemplate, 'spec.template'));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    errs.push(...validateImmutableField(spec[f], oldSpec[f], `spec.${f}`));
  }
  return errs;
}

// ---- status ----

function conditionTrue(status: Record<string, unknown>, type: string): boolean {
  return arr(status.conditions).some((c) => isObject(c) && c.type === type && c.status === 'True');
}

const isComplete = (s: Record<string, unknown>) => conditionTrue(s, 'Complete');
const isFailed = (s: Record<string, unknown>) => conditionTrue(s, 'Failed');
const isFinished = (s: Record<string, unknown>) => isComplete(s) || isFailed(s);
const isFailureTarget = (s: Record<string, unknown>) => conditionTrue(s, 'FailureTarget');
const isSuccessCriteriaMet = (s: Record<string, unknown>) => conditionTrue(s, 'SuccessCriteriaMet');

function validateUncountedTerminatedPods(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const u = obj(raw);
  const seen = new Set<string>();
  for (const part of ['succeeded', 'failed']) {
    arr(u[part]).forEach((v, i) => {
      const p = index(child(path, part), i);
      const uid = str(v);
      if (uid === '') errs.push(field.invalid(p, uid, 'must not be empty'));
      else if (seen.has(uid)) errs.push(field.duplicate(p, uid));
      else seen.add(uid);
    });
  }
  return errs;
}

/**
 * A status write (the status subresource). The checks are upstream's with the options its
 * job strategy computes (JobManagedBy on): most only apply when the field they guard changes,
 * so a controller can always repair an inconsistent status.
 */
export function validateJobStatusUpdate(job: KubeObject, old: KubeObject): FieldError[] {
  const s = obj(job.status);
  const o = obj(old.status);
  const spec = obj(job.spec);
  const p = 'status';
  const errs: FieldError[] = [];
  for (const f of ['active', 'succeeded', 'failed', 'ready', 'terminating']) errs.push(...validateNonnegative(s[f], child(p, f)));
  if (isSet(s.uncountedTerminatedPods)) errs.push(...validateUncountedTerminatedPods(s.uncountedTerminatedPods, child(p, 'uncountedTerminatedPods')));

  const indexed = spec.completionMode === 'Indexed';
  const completions = num(spec.completions);
  const finishedChanged = isFinished(o) !== isFinished(s);
  const completeChanged = isComplete(o) !== isComplete(s);
  const failedChanged = isFailed(o) !== isFailed(s);
  const failureTargetChanged = isFailureTarget(o) !== isFailureTarget(s);
  const completedIndexesChanged = str(o.completedIndexes) !== str(s.completedIndexes);
  const failedIndexesChanged = !semanticEqual(o.failedIndexes, s.failedIndexes) || isSet(o.failedIndexes) !== isSet(s.failedIndexes);
  const activeChanged = (num(o.active) ?? 0) !== (num(s.active) ?? 0);
  const startTimeChanged = str(o.startTime) !== str(s.startTime);
  const completionTimeChanged = str(o.completionTime) !== str(s.completionTime);
  const uncountedChanged = !semanticEqual(o.uncountedTerminatedPods, s.uncountedTerminatedPods);
  const cond = child(p, 'conditions');

  if ((completeChanged || failedChanged) && isComplete(s) && isFailed(s)) errs.push(invalidOmitValue(cond, 'cannot set Complete=True and Failed=true conditions'));
  if ((completeChanged || failureTargetChanged) && isComplete(s) && isFailureTarget(s)) {
    errs.push(invalidOmitValue(cond, 'cannot set Complete=True and FailureTarget=true conditions'));
  }
  if ((completeChanged || completionTimeChanged) && isSet(s.completionTime) && !isComplete(s)) {
    errs.push(field.invalid(child(p, 'completionTime'), s.completionTime, 'cannot set completionTime when there is no Complete=True condition'));
  }
  if ((completeChanged || completionTimeChanged) && !isSet(s.completionTime) && isComplete(s)) {
    errs.push(field.required(child(p, 'completionTime'), 'completionTime is required for Complete jobs'));
  }
  if ((startTimeChanged || completionTimeChanged) && isSet(s.startTime) && isSet(s.completionTime) && Date.parse(str(s.completionTime)) < Date.parse(str(s.startTime))) {
    errs.push(field.invalid(child(p, 'completionTime'), s.completionTime, 'completionTime cannot be set before startTime'));
  }
  if ((failedChanged || failedIndexesChanged) && isFailed(s) && !isFailureTarget(s)) {
    errs.push(invalidOmitValue(cond, 'cannot set Failed=True condition without the FailureTarget=true condition'));
  }
  if (completeChanged && isComplete(s) && !isSuccessCriteriaMet(s)) {
    errs.push(invalidOmitValue(cond, 'cannot set Complete=True condition without the SuccessCriteriaMet=true condition'));
  }
  if ((finishedChanged || activeChanged) && (num(s.active) ?? 0) > 0 && isFinished(s)) {
    errs.push(field.invalid(child(p, 'active'), s.active, 'active>0 is invalid for finished job'));
  }
  if ((finishedChanged || startTimeChanged) && !isSet(s.startTime) && isFinished(s)) {
    errs.push(field.required(child(p, 'startTime'), 'startTime is required for finished job'));
  }
  if ((finishedChanged || uncountedChanged) && isFinished(s)) {
    const u = obj(s.uncountedTerminatedPods);
    if (arr(u.failed).length + arr(u.succeeded).length > 0) {
      errs.push(field.invalid(child(p, 'uncountedTerminatedPods'), s.uncountedTerminatedPods, 'uncountedTerminatedPods needs to be empty for finished job'));
    }
  }
  if (completedIndexesChanged && completions !== undefined) {
    const r = validateIndexesFormat(str(s.completedIndexes), completions);
    if (typeof r === 'string') errs.push(field.invalid(child(p, 'completedIndexes'), str(s.completedIndexes), `error parsing completedIndexes: ${r}`));
  }
  if (failedIndexesChanged && completions !== undefined && isSet(spec.backoffLimitPerIndex) && isSet(s.failedIndexes)) {
    const r = validateIndexesFormat(str(s.failedIndexes), completions);
    if (typeof r === 'string') errs.push(field.invalid(child(p, 'failedIndexes'), s.failedIndexes, `error parsing failedIndexes: ${r}`));
  }
  if (completedIndexesChanged && str(s.completedIndexes) !== '' && !indexed) {
    errs.push(field.invalid(child(p, 'completedIndexes'), s.completedIndexes, 'cannot set non-empty completedIndexes when non-indexed completion mode'));
  }
  if (failedIndexesChanged && !isSet(spec.backoffLimitPerIndex) && isSet(s.failedIndexes)) {
    errs.push(field.invalid(child(p, 'failedIndexes'), s.failedIndexes, 'cannot set non-null failedIndexes when backoffLimitPerIndex is null'));
  }
  if ((failedIndexesChanged || completedIndexesChanged) && completions !== undefined && isSet(s.failedIndexes)) {
    const overlap = failedOverlapsCompleted(str(s.completedIndexes), str(s.failedIndexes), completions);
    if (overlap) errs.push(field.invalid(child(p, 'failedIndexes'), s.failedIndexes, overlap));
  }
  const readyChanged = !semanticEqual(o.ready, s.ready);
  const terminatingChanged = !semanticEqual(o.terminating, s.terminating);
  if ((readyChanged || activeChanged) && isSet(s.ready) && (num(s.ready) ?? 0) > (num(s.active) ?? 0)) {
    errs.push(field.invalid(child(p, 'ready'), s.ready, 'cannot set more ready pods than active'));
  }
  if ((finishedChanged || terminatingChanged) && isFinished(s) && (num(s.terminating) ?? 0) > 0) {
    errs.push(field.invalid(child(p, 'terminating'), s.terminating, 'terminating>0 is invalid for finished job'));
  }
  if (isSuccessCriteriaMet(s) && isFailed(s)) errs.push(invalidOmitValue(cond, 'cannot set SuccessCriteriaMet=True and Failed=true conditions'));
  if (isSuccessCriteriaMet(s) && isFailureTarget(s)) errs.push(invalidOmitValue(cond, 'cannot set SuccessCriteriaMet=True and FailureTarget=true conditions'));
  if (isSet(spec.successPolicy) && !isSuccessCriteriaMet(s) && isComplete(s)) {
    errs.push(invalidOmitValue(cond, 'cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True'));
  }

  // Transitions.
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(o, type) && !conditionTrue(s, type)) errs.push(invalidOmitValue(cond, `cannot disable the terminal ${type}=True condition`));
  }
  if ((num(s.failed) ?? 0) < (num(o.failed) ?? 0)) errs.push(field.invalid(child(p, 'failed'), num(s.failed) ?? 0, 'cannot decrease the failed counter'));
  const scalable = indexed && semanticEqual(spec.completions, spec.parallelism);
  if (!scalable && (num(s.succeeded) ?? 0) < (num(o.succeeded) ?? 0)) {
    errs.push(field.invalid(child(p, 'succeeded'), num(s.succeeded) ?? 0, 'cannot decrease the succeeded counter'));
  }
  if (isSet(s.completionTime) && isSet(o.completionTime) && s.completionTime !== o.completionTime) {
    errs.push(field.invalid(child(p, 'completionTime'), s.completionTime, 'completionTime cannot be mutated'));
  }
  if (startTimeChanged && isSet(o.startTime) && spec.suspend !== true) {
    errs.push(field.required(child(p, 'startTime'), 'startTime cannot be removed for unsuspended job'));
  }
  if (isSuccessCriteriaMet(o) && !isSuccessCriteriaMet(s)) errs.push(invalidOmitValue(cond, 'cannot disable the SuccessCriteriaMet=True condition'));
  if (isComplete(o) && !isSuccessCriteriaMet(o) && isSuccessCriteriaMet(s)) {
    errs.push(invalidOmitValue(cond, 'cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions'));
  }
  return errs;
}

export const jobValidation: KindValidation = {
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
  // ValidateReplicationControllerName: a DNS subdomain (pods get a warning, not an error).
  nameRule: 'subdomain',
};

// batch/v1 Job defaults (SetDefaults_Job): one completion at parallelism one, six retries (or
// unlimited ones when retries are counted per index), labels copied from the template,
// NonIndexed, not suspended, manual selector off, pods replaced once terminating or failed
// (only once failed with a pod failure policy); and the selector generation the registry does
// once the Job has its uid.

import type { KubeObject } from '../object.js';
import { JobLabel } from '../validation/job.js';
import { absent, defaultPodTemplate, ensureObject, isObject, objects, setIfAbsent, type JsonObject } from './groups-common.js';

/** SetDefaults_PodFailurePolicyOnPodConditionsPattern: a pattern's status defaults to True. */
export function setDefaultsPodFailurePolicy(spec: JsonObject): void {
  const policy = spec.podFailurePolicy;
  if (!isObject(policy)) return;
  for (const rule of objects(policy.rules)) {
    for (const pattern of objects(rule.onPodConditions)) {
      if (absent(pattern.status) || pattern.status === '') pattern.status = 'True';
    }
  }
}

export function setDefaultsJob(job: KubeObject): void {
  const spec = ensureObject(job, 'spec');
  if (!spec) return;
  if (absent(spec.completions) && absent(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'backoffLimit', absent(spec.backoffLimitPerIndex) ? 6 : 2147483647);
  const template = isObject(spec.template) ? spec.template : undefined;
  const templateLabels = template && isObject(template.metadata) ? template.metadata.labels : undefined;
  const labels = job.metadata.labels;
  if (isObject(templateLabels) && (!labels || Object.keys(labels).length === 0)) {
    job.metadata.labels = { ...(templateLabels as Record<string, string>) };
  }
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'podReplacementPolicy', absent(spec.podFailurePolicy) ? 'TerminatingOrFailed' : 'Failed');
  setIfAbsent(spec, 'manualSelector', false);
  setDefaultsPodFailurePolicy(spec);
  defaultPodTemplate(spec);
}

/**
 * generateSelector (the job strategy's PrepareForCreate): unless manualSelector, label the pod
 * template with the job's name and uid, legacy and prefixed, and select on the uid. The
 * registry calls this on create after assigning metadata.uid and before validation; labels the
 * user set are kept (validation then rejects a conflicting one).
 */
export function generateJobSelector(job: KubeObject): void {
  const spec = ensureObject(job, 'spec');
  if (!spec || spec.manualSelector === true) return;
  const template = ensureObject(spec, 'template');
  if (!template) return;
  const meta = ensureObject(template, 'metadata');
  if (!meta) return;
  const labels = ensureObject(meta, 'labels');
  if (!labels) return;
  const name = job.metadata.name ?? '';
  const uid = job.metadata.uid ?? '';
  for (const k of [JobLabel.legacyJobName, JobLabel.jobName]) if (!(k in labels)) labels[k] = name;
  for (const k of [JobLabel.legacyControllerUid, JobLabel.controllerUid]) if (!(k in labels)) labels[k] = uid;
  const selector = ensureObject(spec, 'selector');
  if (!selector) return;
  const matchLabels = ensureObject(selector, 'matchLabels');
  if (matchLabels && !(JobLabel.controllerUid in matchLabels)) matchLabels[JobLabel.controllerUid] = uid;
  // Upstream defaults again whenever it reads the Job back from storage, and that copies the
  // now-generated template labels to a Job that had none of its own.
  if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) job.metadata.labels = { ...(labels as Record<string, string>) };
}

// batch/v1 CronJob defaults (SetDefaults_CronJob): Allow concurrent runs, not suspended, three
// successful and one failed Job kept. The job template gets its embedded metadata, pod
// template defaults and pod failure policy defaults, but not the Job defaults: those apply
// when the controller creates each Job.

import type { KubeObject } from '../object.js';
import { defaultEmbeddedMeta, defaultPodTemplate, ensureObject, setIfAbsent, setIfEmpty } from './groups-common.js';
import { setDefaultsPodFailurePolicy } from './job.js';

export function setDefaultsCronJob(cj: KubeObject): void {
  const spec = ensureObject(cj, 'spec');
  if (!spec) return;
  setIfEmpty(spec, 'concurrencyPolicy', 'Allow');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = ensureObject(spec, 'jobTemplate');
  if (!jobTemplate) return;
  defaultEmbeddedMeta(jobTemplate);
  const jobSpec = ensureObject(jobTemplate, 'spec');
  if (!jobSpec) return;
  setDefaultsPodFailurePolicy(jobSpec);
  defaultPodTemplate(jobSpec);
}

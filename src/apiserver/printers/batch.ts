// Jobs and CronJobs: the STATUS column 1.32 added to jobs (Complete, Failed, Terminating,
// Suspended, FailureTarget, Running), COMPLETIONS, DURATION, and the cron SCHEDULE /
// TIMEZONE / SUSPEND / ACTIVE / LAST SCHEDULE columns.

import { humanDuration, parseTimestamp, translateTimestampSince } from '../../machinery/duration.js';
import { ageCell, ageColumn, column, containersColumn, imagesColumn, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { containerCells, formatBoolPointer, formatLabelSelector } from './format.js';
import { at, int, items, list, obj, optBool, optInt, optStr, str } from './json.js';
import type { TablePrinter } from './types.js';

/** A job condition of this type with status True (only the first of a type counts). */
function hasJobCondition(job: unknown, type: string): boolean {
  const condition = list(job, 'status', 'conditions').find((c) => str(c, 'type') === type);
  return condition !== undefined && str(condition, 'status') === 'True';
}

function jobStatus(job: unknown): string {
  if (hasJobCondition(job, 'Complete')) return 'Complete';
  if (hasJobCondition(job, 'Failed')) return 'Failed';
  if (typeof at(job, 'metadata', 'deletionTimestamp') === 'string') return 'Terminating';
  if (hasJobCondition(job, 'Suspended')) return 'Suspended';
  if (hasJobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completionsCell(job: unknown): string {
  const succeeded = int(job, 'status', 'succeeded');
  const completions = optInt(job, 'spec', 'completions');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optInt(job, 'spec', 'parallelism') ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(job: unknown, now: number): string {
  const start = parseTimestamp(at(job, 'status', 'startTime'));
  if (start === undefined) return '';
  const completion = parseTimestamp(at(job, 'status', 'completionTime'));
  return humanDuration((completion ?? now) - start);
}

export const jobPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', apiDoc['batchv1.JobStatus.succeeded']),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    wideColumn('Selector', 'string', apiDoc['batchv1.JobSpec.selector']),
  ],
  row(job, { now }) {
    const { names, images } = containerCells(obj(job, 'spec', 'template', 'spec').containers);
    return [
      nameCell(job),
      jobStatus(job),
      completionsCell(job),
      durationCell(job, now),
      ageCell(job, now),
      names,
      images,
      formatLabelSelector(obj(job, 'spec').selector),
    ];
  },
};

export const cronJobPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Schedule', 'string', apiDoc['batchv1beta1.CronJobSpec.schedule']),
    column('Timezone', 'string', apiDoc['batchv1beta1.CronJobSpec.timeZone']),
    column('Suspend', 'boolean', apiDoc['batchv1beta1.CronJobSpec.suspend']),
    column('Active', 'integer', apiDoc['batchv1beta1.CronJobStatus.active']),
    column('Last Schedule', 'string', apiDoc['batchv1beta1.CronJobStatus.lastScheduleTime']),
    ageColumn,
    containersColumn,
    imagesColumn,
    wideColumn('Selector', 'string', apiDoc['batchv1.JobSpec.selector']),
  ],
  row(cj, { now }) {
    const jobSpec = obj(cj, 'spec', 'jobTemplate', 'spec');
    const { names, images } = containerCells(obj(jobSpec, 'template', 'spec').containers);
    const lastSchedule = at(cj, 'status', 'lastScheduleTime');
    return [
      nameCell(cj),
      str(cj, 'spec', 'schedule'),
      optStr(cj, 'spec', 'timeZone') ?? '<none>',
      formatBoolPointer(optBool(cj, 'spec', 'suspend')),
      items(cj, 'status', 'active').length,
      lastSchedule === undefined || lastSchedule === null ? '<none>' : translateTimestampSince(lastSchedule, now),
      ageCell(cj, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector),
    ];
  },
};

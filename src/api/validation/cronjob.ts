// batch/v1 CronJob validation: the schedule (robfig/cron syntax, and since 1.27 no TZ= prefix:
// the timeZone field replaces it), the time zone, concurrency policy, deadlines, history
// limits, the job template (whose selector is always generated) and the 52-character name
// limit that leaves room for the job-name suffix.

import { field, type FieldError } from '../../machinery/errors.js';
import { loadLocationError, parseCronSchedule } from '../helpers/cron.js';
import type { KubeObject } from '../object.js';
import { validateNonnegative } from './meta.js';
import { validateJobSpecFields } from './job.js';
import { byteLength, child, isSet, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

/** validateScheduleFormat. `allowTZInSchedule` holds on update when the stored schedule had one. */
export function validateSchedule(schedule: string, timeZone: unknown, path: string, allowTZInSchedule = false): FieldError[] {
  const errs: FieldError[] = [];
  const parsed = parseCronSchedule(schedule);
  if (!parsed.ok) errs.push(field.invalid(path, schedule, parsed.error));
  if (allowTZInSchedule && schedule.includes('TZ') && isSet(timeZone)) {
    errs.push(field.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  } else if (!allowTZInSchedule && schedule.includes('TZ')) {
    errs.push(field.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone: an explicit IANA zone name that Go's time.LoadLocation can load. */
export function validateTimeZone(timeZone: unknown, path: string): FieldError[] {
  if (!isSet(timeZone)) return [];
  if (typeof timeZone !== 'string') return [field.invalid(path, timeZone, 'must be a string')];
  if (timeZone.length === 0) return [field.invalid(path, timeZone, 'timeZone must be nil or non-empty string')];
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZoneCharacters.test(part)) {
      return [field.invalid(path, timeZone, `unknown time zone ${timeZone}`)];
    }
  }
  const errs: FieldError[] = [];
  if (timeZone.toLowerCase() === 'local') {
    errs.push(field.invalid(path, timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  const problem = loadLocationError(timeZone);
  if (problem) errs.push(field.invalid(path, timeZone, problem));
  return errs;
}

function validateConcurrencyPolicy(policy: unknown, path: string): FieldError[] {
  switch (policy ?? '') {
    case 'Allow':
    case 'Forbid':
    case 'Replace':
      return [];
    case '':
      return [field.required(path, '')];
    default:
      return [field.notSupported(path, policy, ['Allow', 'Forbid', 'Replace'])];
  }
}

/** ValidateJobTemplateSpec: a Job spec whose selector the CronJob controller generates. */
export function validateJobTemplateSpec(templateRaw: unknown, path: string): FieldError[] {
  const spec = obj(obj(templateRaw).spec);
  const specPath = child(path, 'spec');
  const errs = validateJobSpecFields(spec, specPath);
  if (isSet(spec.selector)) errs.push(field.invalid(child(specPath, 'selector'), spec.selector, '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(field.notSupported(child(specPath, 'manualSelector'), true, ['nil', 'false']));
  return errs;
}

export function validateCronJobSpec(specRaw: unknown, path = 'spec', oldSpecRaw?: unknown): FieldError[] {
  const spec = obj(specRaw);
  const oldSpec = oldSpecRaw === undefined ? undefined : obj(oldSpecRaw);
  const errs: FieldError[] = [];
  const schedule = spec.schedule;
  if (!isSet(schedule) || schedule === '') errs.push(field.required(child(path, 'schedule'), ''));
  else if (typeof schedule !== 'string') errs.push(field.invalid(child(path, 'schedule'), schedule, 'must be a string'));
  else errs.push(...validateSchedule(schedule, spec.timeZone, child(path, 'schedule'), oldSpec !== undefined && str(oldSpec.schedule).includes('TZ')));
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds, child(path, 'startingDeadlineSeconds')));
  if (oldSpec === undefined || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, child(path, 'timeZone')));
  errs.push(...validateConcurrencyPolicy(spec.concurrencyPolicy, child(path, 'concurrencyPolicy')));
  errs.push(...validateJobTemplateSpec(spec.jobTemplate, child(path, 'jobTemplate')));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, child(path, 'successfulJobsHistoryLimit')));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, child(path, 'failedJobsHistoryLimit')));
  return errs;
}

/** The controller appends an 11-character `-<timestamp>` to name Jobs (at most 63 characters). */
export const maxCronJobNameLength = 52;

/** ValidateCronJobCreate. */
export function validateCronJob(cj: KubeObject): FieldError[] {
  const errs = validateCronJobSpec(cj.spec);
  const name = str(cj.metadata?.name);
  if (byteLength(name) > maxCronJobNameLength) {
    errs.push(field.invalid('metadata.name', name, `must be no more than ${maxCronJobNameLength} characters`));
  }
  return errs;
}

/**
 * What ValidateCronJobUpdate adds to the create rules (which validate() applies on update as
 * well, and stored objects already satisfy): a TZ= schedule accepted long ago may not be
 * combined with the timeZone field.
 */
export function validateCronJobUpdate(cj: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(cj.spec);
  const schedule = str(spec.schedule);
  if (str(obj(old.spec).schedule).includes('TZ') && schedule.includes('TZ') && isSet(spec.timeZone)) {
    return [field.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule')];
  }
  return [];
}

export const cronJobValidation: KindValidation = {
  validate: validateCronJob,
  validateUpdate: validateCronJobUpdate,
  nameRule: 'subdomain',
};

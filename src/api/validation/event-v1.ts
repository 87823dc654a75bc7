// events.k8s.io/v1 Event validation. Upstream validates the internal (core-shaped) Event, so
// the messages name core fields (involvedObject.namespace, message, reportingController…)
// even for events.k8s.io requests; this does the same after converting. Events written
// through this API get the strict rules: eventTime, a reporting controller and instance, an
// action and reason, and none of the deprecated fields.

import { field, type FieldError } from '../../machinery/errors.js';
import { eventsV1ToCoreEvent } from '../conversion/event.js';
import type { KubeObject } from '../object.js';
import { isDNS1123Subdomain, isQualifiedName } from './formats.js';
import { validateImmutableField } from './meta.js';
import { byteLength, isInt, isSet, jsonEqual, obj, str } from './shape.js';
import type { KindValidation } from './types.js';

const reportingInstanceLengthLimit = 128;
const actionLengthLimit = 128;
const reasonLengthLimit = 128;
const noteLengthLimit = 1024;

/** The event in core/v1 shape, whichever version it arrives in. */
function asCore(ev: KubeObject): Record<string, unknown> {
  return (String(ev.apiVersion ?? '').startsWith('events.k8s.io/') || 'regarding' in ev || 'note' in ev ? eventsV1ToCoreEvent(ev) : ev) as Record<
    string,
    unknown
  >;
}

const hasTime = (v: unknown) => typeof v === 'string' && v !== '';

/** legacyValidateEvent: what every Event, old or new style, must satisfy. */
export function validateEventLegacy(ev: KubeObject): FieldError[] {
  const e = asCore(ev);
  const errs: FieldError[] = [];
  const namespace = str(ev.metadata?.namespace);
  const involvedNamespace = str(obj(e.involvedObject).namespace);
  if (!hasTime(e.eventTime)) {
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') {
        errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
      }
    } else if (namespace !== involvedNamespace) {
      errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
    }
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
    }
    const controller = str(e.reportingComponent);
    if (controller === '') errs.push(field.required('reportingController', ''));
    for (const msg of isQualifiedName(controller)) errs.push(field.invalid('reportingController', controller, msg));
    const instance = str(e.reportingInstance);
    if (instance === '') errs.push(field.required('reportingInstance', ''));
    if (byteLength(instance) > reportingInstanceLengthLimit) {
      errs.push(field.invalid('reportingInstance', '', `can have at most ${reportingInstanceLengthLimit} characters`));
    }
    const action = str(e.action);
    if (action === '') errs.push(field.required('action', ''));
    if (byteLength(action) > actionLengthLimit) errs.push(field.invalid('action', '', `can have at most ${actionLengthLimit} characters`));
    const reason = str(e.reason);
    if (reason === '') errs.push(field.required('reason', ''));
    if (byteLength(reason) > reasonLengthLimit) errs.push(field.invalid('reason', '', `can have at most ${reasonLengthLimit} characters`));
    if (byteLength(str(e.message)) > noteLengthLimit) errs.push(field.invalid('message', '', `can have at most ${noteLengthLimit} characters`));
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(field.invalid('namespace', namespace, msg));
  return errs;
}

function validateSeries(e: Record<string, unknown>): FieldError[] {
  if (!isSet(e.series)) return [];
  const series = obj(e.series);
  const errs: FieldError[] = [];
  if (!(isInt(series.count) && series.count >= 2)) errs.push(field.invalid('series.count', '', 'should be at least 2'));
  if (!hasTime(series.lastObservedTime)) errs.push(field.required('series.lastObservedTime', ''));
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1: the legacy rules and the strict ones. */
export function validateEventV1(ev: KubeObject): FieldError[] {
  const e = asCore(ev);
  const errs = [...validateEventLegacy(ev), ...validateSeries(e)];
  if (!hasTime(e.eventTime)) errs.push(field.required('eventTime', ''));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(field.invalid('type', '', `has invalid value: ${str(e.type)}`));
  if (hasTime(e.firstTimestamp)) errs.push(field.invalid('firstTimestamp', '', 'needs to be unset'));
  if (hasTime(e.lastTimestamp)) errs.push(field.invalid('lastTimestamp', '', 'needs to be unset'));
  if (isInt(e.count) && e.count !== 0) errs.push(field.invalid('count', '', 'needs to be unset'));
  const source = obj(e.source);
  if (str(source.component) !== '' || str(source.host) !== '') errs.push(field.invalid('source', '', 'needs to be unset'));
  return errs;
}

/** ValidateEventUpdate for events.k8s.io/v1: what an event says may not change once recorded. */
export function validateEventV1Update(ev: KubeObject, old: KubeObject): FieldError[] {
  const e = asCore(ev);
  const o = asCore(old);
  const errs: FieldError[] = [];
  if (!jsonEqual(e.series, o.series)) errs.push(...validateSeries(e));
  const immutable: [string, string][] = [
    ['involvedObject', 'involvedObject'],
    ['reason', 'reason'],
    ['message', 'message'],
    ['source', 'source'],
    ['firstTimestamp', 'firstTimestamp'],
    ['lastTimestamp', 'lastTimestamp'],
    ['count', 'count'],
    ['type', 'type'],
    ['eventTime', 'eventTime'],
    ['action', 'action'],
    ['related', 'related'],
    ['reportingComponent', 'reportingController'],
    ['reportingInstance', 'reportingInstance'],
  ];
  for (const [f, path] of immutable) errs.push(...validateImmutableField(e[f], o[f], path));
  return errs;
}

export const eventV1Validation: KindValidation = {
  validate: validateEventV1,
  validateUpdate: validateEventV1Update,
  nameRule: 'subdomain',
};

// Event in its two API versions: core/v1 (what `kubectl get events` reads) and
// events.k8s.io/v1 (what new-style recorders write). Both are views of one stored object, so
// conversion is lossless: regarding ⇄ involvedObject, note ⇄ message,
// reportingController ⇄ reportingComponent and deprecatedSource/FirstTimestamp/LastTimestamp/
// Count ⇄ source/firstTimestamp/lastTimestamp/count. Fields come out as the API server
// serialises them, including the ones Go always writes (`eventTime: null`, `source: {}`).

import type { KubeObject } from '../object.js';

type Json = Record<string, unknown>;

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Copies `from[src]` to `to[dst]` when it holds a value (Go's omitempty). */
function copyIfSet(to: Json, dst: string, from: Json, src: string): void {
  const v = from[src];
  if (present(v) && !(typeof v === 'number' && v === 0)) to[dst] = v;
}

/** core/v1 Event → events.k8s.io/v1 Event. */
export function coreEventToEventsV1(ev: KubeObject): KubeObject {
  const e = ev as Json;
  const out: Json = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: ev.metadata };
  out.eventTime = e.eventTime ?? null;
  copyIfSet(out, 'series', e, 'series');
  copyIfSet(out, 'reportingController', e, 'reportingComponent');
  copyIfSet(out, 'reportingInstance', e, 'reportingInstance');
  copyIfSet(out, 'action', e, 'action');
  copyIfSet(out, 'reason', e, 'reason');
  out.regarding = e.involvedObject ?? {};
  copyIfSet(out, 'related', e, 'related');
  copyIfSet(out, 'note', e, 'message');
  copyIfSet(out, 'type', e, 'type');
  out.deprecatedSource = e.source ?? {};
  out.deprecatedFirstTimestamp = e.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = e.lastTimestamp ?? null;
  copyIfSet(out, 'deprecatedCount', e, 'count');
  return out as KubeObject;
}

/** events.k8s.io/v1 Event → core/v1 Event. */
export function eventsV1ToCoreEvent(ev: KubeObject): KubeObject {
  const e = ev as Json;
  const out: Json = { apiVersion: 'v1', kind: 'Event', metadata: ev.metadata };
  out.involvedObject = e.regarding ?? {};
  copyIfSet(out, 'reason', e, 'reason');
  copyIfSet(out, 'message', e, 'note');
  out.source = e.deprecatedSource ?? {};
  out.firstTimestamp = e.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = e.deprecatedLastTimestamp ?? null;
  copyIfSet(out, 'count', e, 'deprecatedCount');
  copyIfSet(out, 'type', e, 'type');
  out.eventTime = e.eventTime ?? null;
  copyIfSet(out, 'series', e, 'series');
  copyIfSet(out, 'action', e, 'action');
  copyIfSet(out, 'related', e, 'related');
  out.reportingComponent = typeof e.reportingController === 'string' ? e.reportingController : '';
  out.reportingInstance = typeof e.reportingInstance === 'string' ? e.reportingInstance : '';
  return out as KubeObject;
}

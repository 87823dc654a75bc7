// `kubectl get events`: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and in wide form
// SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME. Both core/v1 and events.k8s.io/v1 Events print
// alike, because Kubernetes prints the one internal Event type both versions convert to.

import type { KubeObject } from '../../api/object.js';
import { parseTimestamp, translateTimestampSince } from '../../machinery/duration.js';
import { column, nameCell, nameColumn, wideColumn } from './columns.js';
import { apiDoc } from './api-doc.js';
import { at, int, obj, optObj, str } from './json.js';
import type { Json } from './json.js';
import type { ColumnDefinition, TablePrinter } from './types.js';

/** The fields of an events.k8s.io/v1 Event under their core/v1 names. */
export function eventsV1AsCore(event: KubeObject): Json {
  return {
    metadata: event.metadata,
    involvedObject: obj(event, 'regarding'),
    reason: event.reason,
    message: event.note,
    source: obj(event, 'deprecatedSource'),
    firstTimestamp: event.deprecatedFirstTimestamp,
    lastTimestamp: event.deprecatedLastTimestamp,
    count: event.deprecatedCount,
    type: event.type,
    eventTime: event.eventTime,
    series: event.series,
    reportingComponent: event.reportingController,
    reportingInstance: event.reportingInstance,
  };
}

/** "kubelet, node-1": the source component and host, else the reporting controller and instance. */
function sourceCell(event: Json): string {
  const component = str(event, 'source', 'component') || str(event, 'reportingComponent');
  const instance = str(event, 'source', 'host') || str(event, 'reportingInstance');
  return instance === '' ? component : `${component}, ${instance}`;
}

function eventCells(event: Json, now: number): unknown[] {
  const firstSeen =
    parseTimestamp(at(event, 'firstTimestamp')) === undefined
      ? translateTimestampSince(at(event, 'eventTime'), now)
      : translateTimestampSince(at(event, 'firstTimestamp'), now);
  let lastSeen = parseTimestamp(at(event, 'lastTimestamp')) === undefined ? firstSeen : translateTimestampSince(at(event, 'lastTimestamp'), now);
  let count = int(event, 'count');
  const series = optObj(event, 'series');
  if (series) {
    lastSeen = translateTimestampSince(series.lastObservedTime, now);
    count = int(series, 'count');
  } else if (count === 0) {
    // Singleton events of the new API leave the count unset.
    count = 1;
  }
  const kind = str(event, 'involvedObject', 'kind').toLowerCase();
  const name = str(event, 'involvedObject', 'name');
  return [
    lastSeen,
    str(event, 'type'),
    str(event, 'reason'),
    name === '' ? kind : `${kind}/${name}`,
    str(event, 'involvedObject', 'fieldPath'),
    sourceCell(event),
    str(event, 'message').trim(),
    firstSeen,
    count,
    nameCell(event),
  ];
}

const eventColumns: ColumnDefinition[] = [
  column('Last Seen', 'string', apiDoc['corev1.Event.lastTimestamp']),
  column('Type', 'string', apiDoc['corev1.Event.type']),
  column('Reason', 'string', apiDoc['corev1.Event.reason']),
  column('Object', 'string', apiDoc['corev1.Event.involvedObject']),
  wideColumn('Subobject', 'string', apiDoc['corev1.ObjectReference.fieldPath']),
  wideColumn('Source', 'string', apiDoc['corev1.Event.source']),
  column('Message', 'string', apiDoc['corev1.Event.message']),
  wideColumn('First Seen', 'string', apiDoc['corev1.Event.firstTimestamp']),
  wideColumn('Count', 'string', apiDoc['corev1.Event.count']),
  { ...nameColumn, priority: 1 },
];

/** Whether an Event is in the events.k8s.io shape (by apiVersion, else by its fields). */
function isEventsV1(event: KubeObject): boolean {
  const apiVersion = str(event, 'apiVersion');
  if (apiVersion !== '') return apiVersion.startsWith('events.k8s.io/');
  return event.involvedObject === undefined && (event.regarding !== undefined || event.note !== undefined);
}

/** Events of either API: the shape is read from the object, since both share one store. */
export const eventPrinter: TablePrinter = {
  columns: eventColumns,
  row(event, { now }) {
    return eventCells(isEventsV1(event) ? eventsV1AsCore(event) : event, now);
  },
};

export const eventsV1EventPrinter = eventPrinter;

// Wire schema of k8s.io/api events/v1 as Kubernetes 1.32 encodes it; the format is described in
// ../wire-schema.ts. Field numbers follow upstream's generated.proto; names, order and
// flags follow the Go structs' json tags, so decoding can reproduce Go's JSON exactly.

export const eventsV1 = `
package events.v1 events.k8s.io/v1
@Event
  metadata 1 meta.v1.ObjectMeta
  eventTime 2 MicroTime
  series 3 EventSeries ?*
  reportingController 4 string ?
  reportingInstance 5 string ?
  action 6 string ?
  reason 7 string ?
  regarding 8 core.v1.ObjectReference ?
  related 9 core.v1.ObjectReference ?*
  note 10 string ?
  type 11 string ?
  deprecatedSource 12 core.v1.EventSource ?
  deprecatedFirstTimestamp 13 Time ?
  deprecatedLastTimestamp 14 Time ?
  deprecatedCount 15 int32 ?
EventSeries
  count 1 int32
  lastObservedTime 2 MicroTime
`;

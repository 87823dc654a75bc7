// Version codecs: a resource served in more than one version (autoscaling v2 and v1) or by
// two groups over one storage (core and events.k8s.io Events) converts at the edge; the
// registry works on the storage version only.

import type { ResourceType } from '../../api/scheme.js';
import type { VersionCodec } from './store.js';

import type { KubeObject } from '../../api/object.js';
import { hpaV1ToV2, hpaV2ToV1 } from '../../api/conversion/hpa.js';
import { coreEventToEventsV1, eventsV1ToCoreEvent } from '../../api/conversion/event.js';

const codecs = new Map<string, VersionCodec>();

const withTypeMeta = (obj: KubeObject, apiVersion: string, kind: string): KubeObject =>
  obj.apiVersion === apiVersion && obj.kind === kind ? obj : { ...obj, apiVersion, kind };

// HorizontalPodAutoscalers are stored as autoscaling/v2; v1 clients see a conversion.
codecs.set('autoscaling/horizontalpodautoscalers', {
  toStorage: (obj, version) => withTypeMeta(version === 'v1' ? hpaV1ToV2(obj) : obj, 'autoscaling/v2', 'HorizontalPodAutoscaler'),
  fromStorage: (obj, version) => (version === 'v1' ? withTypeMeta(hpaV2ToV1(obj), 'autoscaling/v1', 'HorizontalPodAutoscaler') : withTypeMeta(obj, 'autoscaling/v2', 'HorizontalPodAutoscaler')),
});

// events.k8s.io/v1 Events live in the core Events' storage, in core form.
codecs.set('events.k8s.io/events', {
  toStorage: (obj) => withTypeMeta(eventsV1ToCoreEvent(obj), 'v1', 'Event'),
  fromStorage: (obj) => withTypeMeta(coreEventToEventsV1(obj), 'events.k8s.io/v1', 'Event'),
});

export function registerCodec(group: string, plural: string, codec: VersionCodec): void {
  codecs.set(`${group}/${plural}`, codec);
}

export function codecFor(r: ResourceType): VersionCodec | undefined {
  return codecs.get(`${r.group}/${r.plural}`);
}

// The store the API server writes to: a log of revisions in the manner of etcd and kine.
// Every write gets the next global revision, which is the object's resourceVersion. Reads can
// be at the current or an older revision; watches replay from a revision and then stream.
// Backends (SQLite, etcd) implement this one interface and pass one conformance suite
// (storage.case.test.ts).

import type { KubeObject } from '../api/object.js';

export interface StoredObject {
  key: string;
  /** The revision of the last write to this key: its resourceVersion. */
  revision: number;
  /** The revision that created this incarnation of the key. */
  createRevision: number;
  /** The object, with metadata.resourceVersion set. Shared: never change it in place. */
  value: KubeObject;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type StorageEvent =
  | {
      type: WatchEventType;
      key: string;
      revision: number;
      /** The new state; for DELETED, the last state with resourceVersion = the delete revision. */
      value: KubeObject;
      /** The state before this event, for MODIFIED and DELETED. */
      prevValue?: KubeObject;
    }
  | {
      /** Every event up to `revision` that matches the watch has been delivered. */
      type: 'PROGRESS';
      revision: number;
    };

export interface ListOptions {
  /** Read at this revision instead of the current one. */
  revision?: number;
  /** Start after this key (exclusive): the continue token of a paged list. */
  afterKey?: string;
  /** Return at most this many matching items. */
  limit?: number;
  /** Only items for which this returns true count toward `limit`. */
  filter?: (value: KubeObject) => boolean;
}

export interface ListResult {
  items: StoredObject[];
  /** The revision the list was read at. */
  revision: number;
  /** The last key returned when more matching items may follow (pagination). */
  continueAfter?: string;
  /** How many keys under the prefix follow, when known. */
  remaining?: number;
}

export interface WatchOptions {
  /** Deliver events with revision > sinceRevision. */
  sinceRevision: number;
  signal: AbortSignal;
  /** When idle this long, yield a PROGRESS event (for watch bookmarks). */
  progressIntervalMs?: number;
}

export const StorageErrorCode = {
  KeyExists: 'KeyExists',
  NotFound: 'NotFound',
  Conflict: 'Conflict',
  Compacted: 'Compacted',
  Unavailable: 'Unavailable',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
    /** For Conflict: the current revision; for Compacted: the compacted revision. */
    readonly revision = 0,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}

export interface Storage {
  /** Creates key; fails with KeyExists if it exists. */
  create(key: string, value: KubeObject): Promise<StoredObject>;
  /** The object at key, now or at an older revision; undefined if absent. */
  get(key: string, revision?: number): Promise<StoredObject | undefined>;
  /** Objects whose keys start with prefix, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Replaces key if its revision is still expectedRevision; Conflict or NotFound otherwise. */
  update(key: string, expectedRevision: number, value: KubeObject): Promise<StoredObject>;
  /** Deletes key (if at expectedRevision, when given); returns the last state. */
  delete(key: string, expectedRevision?: number): Promise<StoredObject>;
  /** Events under prefix after sinceRevision; Compacted if that history is gone. */
  watch(prefix: string, options: WatchOptions): AsyncIterable<StorageEvent>;
  /** The newest committed revision. */
  currentRevision(): Promise<number>;
  /** The oldest revision reads and watches can still ask for, minus one. */
  compactedRevision(): Promise<number>;
  /** Forgets history at and below revision (the current state of every key is kept). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

/** The key range [prefix, end) for a prefix scan: the prefix with its last byte incremented. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

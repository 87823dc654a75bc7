// The JSON text of stored objects, kept beside them for a while. A stored object never changes
// (see StoredObject), and a fresh one is serialised many times at once: in the answer to the
// write that made it and in every watcher's event. The store records each object it hands out
// here (with its text when it has just written it), and the HTTP layer asks for the text
// instead of running JSON.stringify again.
//
// Only the most recently remembered texts are kept, up to a budget: holding every stored
// object's text for as long as the object lives costs as much memory again as the objects'
// own JSON (about 1 GB for 100,000 pods), for lists that are rare next to writes and watches.
// Only objects the store has marked are remembered: anything else is serialised afresh, so
// an object that may still change can never be answered with stale text.

import { sharedInterner } from './interning.js';

/** What is known of a stored object's text: the text, or null while it is not held. */
interface TextBox {
  json: string | null;
  /** Which remember() holds the text (texts are forgotten in the order remembered). */
  seq: number;
}

const texts = new WeakMap<object, TextBox>();

/** Characters of remembered text kept at most; beyond it the oldest are forgotten. */
const budgetChars = 32 * 1024 * 1024;
// The boxes whose texts are held, oldest first from `head`, with the remember() that filled
// each and its length. Boxes, not the objects: a held text never keeps its object alive.
let held: TextBox[] = [];
let heldSeqs: number[] = [];
let heldLengths: number[] = [];
let head = 0;
let heldChars = 0;
let nextSeq = 0;

function remember(box: TextBox, json: string): void {
  box.json = json;
  box.seq = ++nextSeq;
  held.push(box);
  heldSeqs.push(box.seq);
  heldLengths.push(json.length);
  heldChars += json.length;
  while (heldChars > budgetChars && head < held.length) {
    const oldest = held[head];
    if (oldest.seq === heldSeqs[head]) oldest.json = null;
    heldChars -= heldLengths[head];
    head++;
  }
  if (head > 1024 && head * 2 > held.length) {
    held = held.slice(head);
    heldSeqs = heldSeqs.slice(head);
    heldLengths = heldLengths.slice(head);
    head = 0;
  }
}

/**
 * Marks `value` as a stored object that nobody changes any more; `json`, when given, must be
 * exactly JSON.stringify(value). Without it the text is computed on first use.
 */
export function markStored(value: object, json?: string): void {
  const box: TextBox = { json: null, seq: 0 };
  texts.set(value, box);
  if (json !== undefined) remember(box, json);
}

/**
 * JSON.stringify(value), from the remembered text when value is a stored object. `keep`
 * false (for lists, which walk many objects once each) uses a held text but does not hold a
 * new one, so one list does not push out the texts of fresh writes that watches are sending.
 */
export function storedJson(value: unknown, keep = true): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const box = texts.get(value);
  if (box?.json) return box.json;
  const json = JSON.stringify(value);
  if (box && keep) remember(box, json);
  return json;
}

/** Whether JSON.stringify then JSON.parse would give back an equal object: plain data only. */
export function isPlainJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null ? isPlainContainer(value) : isPlainScalar(value);
}

function isPlainScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    default:
      return false;
  }
}

function isPlainContainer(value: object): boolean {
  // Interned subtrees (a spec shared with other objects) are plain data by construction.
  if (sharedInterner.has(value)) return true;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' ? item !== null && !isPlainContainer(item) : !isPlainScalar(item)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key in value) {
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' ? child !== null && !isPlainContainer(child) : !isPlainScalar(child)) return false;
  }
  return true;
}

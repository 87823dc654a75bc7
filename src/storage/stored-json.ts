// The JSON text of stored objects, kept beside them. A stored object never changes (see
// StoredObject), and the same one is serialised many times: in the answer to the write that
// made it, in every watcher's event, in every list and get that returns it. The store records
// each object it hands out here (with its text when it has just written it), and the HTTP
// layer asks for the text instead of running JSON.stringify again.
//
// Only objects the store has marked are remembered: anything else is serialised afresh, so
// an object that may still change can never be answered with stale text.

const texts = new WeakMap<object, string | null>();

/**
 * Marks `value` as a stored object that nobody changes any more; `json`, when given, must be
 * exactly JSON.stringify(value). Without it the text is computed on first use.
 */
export function markStored(value: object, json?: string): void {
  texts.set(value, json ?? null);
}

/** JSON.stringify(value), from the remembered text when value is a stored object. */
export function storedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const known = texts.get(value);
  if (known) return known;
  const json = JSON.stringify(value);
  if (known === null) texts.set(value, json);
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

// The pod-template-hash that names a Deployment's ReplicaSets (`web-5d4f8b7c9`): FNV-32a over
// the pod template (plus the collision count, as 8 little-endian bytes), printed as a decimal
// number and re-encoded with the "safe" alphabet of generated names, as controller.ComputeHash.
//
// Upstream feeds the hasher Go's spew dump of the typed struct; we feed it a canonical JSON of
// the template instead (sorted keys, empty values dropped), so the names have upstream's shape
// and stability (the same template always gives the same name) but not its exact digits.

/** The alphabet of generated names and safe-encoded hashes (k8s.io/apimachinery/pkg/util/rand). */
export const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet, avoiding vowels (and words). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += safeAlphabet[ch.codePointAt(0)! % safeAlphabet.length];
  return out;
}

/**
 * The value with null, {} and [] removed at every depth: Kubernetes treats a nil map or slice
 * and an empty one as the same (Semantic.DeepEqual), and an omitted struct serialises to nothing.
 */
export function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(pruneEmpty).map((x) => (x === undefined ? null : x));
    return items.length ? items : undefined;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = pruneEmpty((v as Record<string, unknown>)[k]);
      if (x !== undefined) out[k] = x;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** JSON with sorted keys and empty values dropped: equal for semantically equal templates. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(pruneEmpty(v) ?? {});
}

export function computeHash(template: unknown, collisionCount?: number): string {
  const body = Buffer.from(canonicalJson(template), 'utf8');
  let h = fnv32a(body);
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = Buffer.alloc(8);
    extra.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}

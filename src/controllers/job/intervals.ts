// Sets of completion indexes as Indexed Jobs keep them: sorted, merged intervals, written
// `1,3-5,7` in status.completedIndexes and status.failedIndexes (two neighbours are written
// `3,4`, three or more as a range).

export interface Interval {
  first: number;
  last: number;
}

export class OrderedIntervals {
  constructor(readonly intervals: readonly Interval[] = []) {}

  /** parseIndexesFromString: unparsable pieces are skipped, indexes ≥ completions dropped. */
  static parse(text: string | undefined, completions: number): OrderedIntervals {
    if (!text) return new OrderedIntervals();
    const out: Interval[] = [];
    for (const piece of text.split(',')) {
      const limits = piece.split('-');
      const first = atoi(limits[0]);
      if (first === undefined) continue;
      if (first >= completions) break;
      let last = first;
      if (limits.length > 1) {
        const l = atoi(limits[1]);
        if (l === undefined) continue;
        last = Math.min(l, completions - 1);
      }
      const prev = out[out.length - 1];
      if (prev && prev.last === first - 1) prev.last = last;
      else out.push({ first, last });
    }
    return new OrderedIntervals(out);
  }

  static of(indexes: Iterable<number>): OrderedIntervals {
    return new OrderedIntervals().withIndexes(indexes);
  }

  /** A new set with these indexes added. */
  withIndexes(indexes: Iterable<number>): OrderedIntervals {
    const sorted = [...new Set(indexes)].sort((a, b) => a - b);
    return this.merge(new OrderedIntervals(sorted.map((i) => ({ first: i, last: i }))));
  }

  merge(other: OrderedIntervals): OrderedIntervals {
    const out: Interval[] = [];
    const push = (iv: Interval) => {
      const last = out[out.length - 1];
      if (!last || iv.first > last.last + 1) out.push({ ...iv });
      else if (last.last < iv.last) last.last = iv.last;
    };
    let i = 0;
    let j = 0;
    const a = this.intervals;
    const b = other.intervals;
    while (i < a.length && j < b.length) {
      if (a[i].first < b[j].first) push(a[i++]);
      else push(b[j++]);
    }
    while (i < a.length) push(a[i++]);
    while (j < b.length) push(b[j++]);
    return new OrderedIntervals(out);
  }

  total(): number {
    return this.intervals.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
  }

  has(ix: number): boolean {
    let lo = 0;
    let hi = this.intervals.length;
    while (hi > lo) {
      const mid = lo + ((hi - lo) >> 1);
      if (this.intervals[mid].last >= ix) hi = mid;
      else lo = mid + 1;
    }
    return hi < this.intervals.length && this.intervals[hi].first <= ix;
  }

  get length(): number {
    return this.intervals.length;
  }

  toString(): string {
    return this.intervals
      .map((iv) => (iv.last === iv.first ? `${iv.first}` : iv.last === iv.first + 1 ? `${iv.first},${iv.last}` : `${iv.first}-${iv.last}`))
      .join(',');
  }
}

/** Go's strconv.Atoi, undefined where it fails. */
function atoi(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The completion index annotation of a Pod, or -1 when absent or invalid. */
export function completionIndexOf(annotations: Record<string, string> | undefined, key: string): number {
  const v = annotations?.[key];
  if (v === undefined) return -1;
  const n = atoi(v);
  return n === undefined || n < 0 ? -1 : n;
}

/** matchSucceededIndexesRule: every required index succeeded, or at least succeededCount of them. */
export function matchSucceededIndexesRule(required: OrderedIntervals, succeeded: OrderedIntervals, succeededCount: number | undefined): boolean {
  let contains = 0;
  let s = 0;
  let r = 0;
  const ri = required.intervals;
  const si = succeeded.intervals;
  while (r < ri.length && s < si.length) {
    const overlap = Math.min(ri[r].last, si[s].last) - Math.max(ri[r].first, si[s].first) + 1;
    if (overlap > 0) contains += overlap;
    if (si[s].last < ri[r].last) s++;
    else if (si[s].last > ri[r].last) r++;
    else {
      s++;
      r++;
    }
  }
  return contains === required.total() || (succeededCount !== undefined && contains >= succeededCount);
}

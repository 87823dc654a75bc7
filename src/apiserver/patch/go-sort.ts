// Go's sort.SliceStable, step for step. Strategic merge patch orders list items with a
// comparator that is not a strict weak order (it answers "less" for every pair it cannot
// place), so the result depends on the exact sequence of comparisons and swaps Go makes.
// Reproducing the algorithm (insertion-sorted blocks of 20, then SymMerge) gives the same
// order as the Kubernetes API server; Array.prototype.sort would not.

export type Less<T> = (a: T, b: T) => boolean;

const BLOCK_SIZE = 20;

/** Sorts `items` in place, stably, exactly as Go's sort.SliceStable would. */
export function sliceStable<T>(items: T[], less: Less<T>): void {
  const n = items.length;
  const lessAt = (i: number, j: number): boolean => less(items[i], items[j]);
  const swap = (i: number, j: number): void => {
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  };

  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
    }
  };

  const swapRange = (a: number, b: number, count: number): void => {
    for (let i = 0; i < count; i++) swap(a + i, b + i);
  };

  // Turns x u v y into x v u y, where u = [a, m) and v = [m, b).
  const rotate = (a: number, m: number, b: number): void => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };

  // Merges the sorted runs [a, m) and [m, b) (Kim & Kutzner's SymMerge, as in Go).
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n2 = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n2 - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n2 - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n2 - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  let blockSize = BLOCK_SIZE;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);

  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

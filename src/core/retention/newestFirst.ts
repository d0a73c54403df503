// The order restic's `ApplyPolicy` walks the snapshots in (`sort.Stable(list)`): newest first, equal
// instants in input order. A comparison sort of 100 000 snapshots would be the slowest step of a run, so
// this takes the shortcuts real histories allow: they are usually ordered already, or spread out in time.
//
// Each pass over the snapshots is a function of its own that ends with the loop: V8 compiles a long loop
// while it runs (on-stack replacement), and code after the loop that has not run yet would make that
// compiled code bail out on every call.
//
// Reads of typed arrays use `!`: every index here is in range by construction, which the compiler's
// noUncheckedIndexedAccess cannot see.

/** Insertion sort beats `sort` on buckets up to this size. */
const SMALL_BUCKET = 16;

/**
 * Input indices by instant `(ms, ns)`, newest first, equal instants in input order. O(n) when the input is
 * already ordered either way; otherwise a bucket sort on the millisecond (O(n) for spread-out histories)
 * with a comparison sort inside each bucket, so never worse than O(n log n).
 */
export function sortNewestFirst(ms: Float64Array, ns: Float64Array): Int32Array {
  const n = ms.length;
  // One pass for the order and the range: on a first call every pass starts in V8's slower tiers, so
  // fewer passes over the snapshots cost less than the same work spread over several.
  const { shape, min, max } = scan(ms, ns);
  switch (shape) {
    case 'newest first':
      return inputOrder(n);
    case 'oldest first':
      return inputOrder(n).reverse();
  }
  // Newer first, then the earlier input position: the order of a stable sort.
  const compare = (a: number, b: number): number => ms[b]! - ms[a]! || ns[b]! - ns[a]! || a - b;
  if (!(max > min)) return inputOrder(n).sort(compare); // one millisecond: only the ns tell them apart
  // Bucket k holds the instants of the k-th of n equal slices of [max, min], newest slice first. The
  // slices follow time, so sorting each bucket sorts the whole.
  const bucket = new Int32Array(n);
  const start = runningTotal(bucketsOf(ms, min, max, bucket)); // start[k]: where bucket k begins in the sorted order
  const order = byBucket(bucket, start);
  sortBuckets(order, start, compare);
  return order;
}

/** 0, 1, … n - 1. */
function inputOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * Whether the input is already in the stable newest-first order (instants never increase), or exactly in
 * its reverse (instants strictly increase: with a tie, reversing would swap the tied snapshots); and the
 * earliest and latest millisecond.
 */
function scan(ms: Float64Array, ns: Float64Array): { shape: 'newest first' | 'oldest first' | 'no'; min: number; max: number } {
  let newestFirst = true;
  let oldestFirst = true;
  let min = ms.length > 0 ? ms[0]! : Number.POSITIVE_INFINITY;
  let max = ms.length > 0 ? ms[0]! : Number.NEGATIVE_INFINITY;
  for (let i = 1; i < ms.length; i++) {
    const t = ms[i]!;
    if (t < min) min = t;
    if (t > max) max = t;
    const later = t - ms[i - 1]! || ns[i]! - ns[i - 1]!; // > 0: snapshot i is newer than i - 1
    if (later > 0) newestFirst = false;
    else oldestFirst = false;
  }
  return { shape: newestFirst ? 'newest first' : oldestFirst ? 'oldest first' : 'no', min, max };
}

/**
 * Each snapshot's bucket into `bucket`, 0 … n - 1: newest at 0, oldest at n - 1. Returns `sizes`:
 * `sizes[k + 1]` is how many snapshots bucket k holds (`sizes[0]` = 0), so that the running total is
 * where each bucket starts.
 */
function bucketsOf(ms: Float64Array, min: number, max: number, bucket: Int32Array): Int32Array {
  const n = ms.length;
  const scale = (n - 1) / (max - min);
  const sizes = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const k = Math.min(n - 1, Math.floor((max - ms[i]!) * scale));
    bucket[i] = k;
    sizes[k + 1]!++;
  }
  return sizes;
}

/** In place: each value plus all before it. */
function runningTotal(values: Int32Array): Int32Array {
  for (let k = 1; k < values.length; k++) values[k]! += values[k - 1]!;
  return values;
}

/** Input indices by bucket; within a bucket in input order. */
function byBucket(bucket: Int32Array, start: Int32Array): Int32Array {
  const order = new Int32Array(bucket.length);
  const next = start.slice(0, bucket.length); // where each bucket's next snapshot goes
  for (let i = 0; i < bucket.length; i++) order[next[bucket[i]!]!++] = i;
  return order;
}

/** Sorts each bucket of `order` in place (bucket k is `order[start[k] … start[k + 1] - 1]`). */
function sortBuckets(order: Int32Array, start: Int32Array, compare: (a: number, b: number) => number): void {
  for (let k = 0; k < order.length; k++) if (start[k + 1]! - start[k]! > 1) sortRange(order, start[k]!, start[k + 1]!, compare);
}

/** Sorts `order[from … to - 1]` in place. */
function sortRange(order: Int32Array, from: number, to: number, compare: (a: number, b: number) => number): void {
  if (to - from < 2) return;
  if (to - from > SMALL_BUCKET) {
    order.subarray(from, to).sort(compare);
    return;
  }
  for (let x = from + 1; x < to; x++) {
    const v = order[x]!;
    let y = x - 1;
    for (; y >= from && compare(order[y]!, v) > 0; y--) order[y + 1] = order[y]!;
    order[y + 1] = v;
  }
}

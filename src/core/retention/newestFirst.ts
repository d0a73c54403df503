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
  switch (presorted(ms, ns)) {
    case 'newest first':
      return inputOrder(n);
    case 'oldest first':
      return inputOrder(n).reverse();
  }
  // Newer first, then the earlier input position: the order of a stable sort.
  const compare = (a: number, b: number): number => ms[b]! - ms[a]! || ns[b]! - ns[a]! || a - b;
  const min = earliest(ms);
  const max = latest(ms);
  if (!(max > min)) return inputOrder(n).sort(compare); // one millisecond: only the ns tell them apart
  // Bucket k holds the instants of the k-th of n equal slices of [max, min], newest slice first. The
  // slices follow time, so sorting each bucket sorts the whole.
  const bucket = bucketsOf(ms, min, max);
  const start = runningTotal(bucketSizes(bucket)); // start[k]: where bucket k begins in the sorted order
  const order = byBucket(bucket, start);
  for (let k = 0; k < n; k++) sortRange(order, start[k]!, start[k + 1]!, compare);
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
 * its reverse (instants strictly increase: with a tie, reversing would swap the tied snapshots).
 */
function presorted(ms: Float64Array, ns: Float64Array): 'newest first' | 'oldest first' | 'no' {
  let newestFirst = true;
  let oldestFirst = true;
  for (let i = 1; i < ms.length && (newestFirst || oldestFirst); i++) {
    const later = ms[i]! - ms[i - 1]! || ns[i]! - ns[i - 1]!; // > 0: snapshot i is newer than i - 1
    if (later > 0) newestFirst = false;
    else oldestFirst = false;
  }
  return newestFirst ? 'newest first' : oldestFirst ? 'oldest first' : 'no';
}

function earliest(ms: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ms.length; i++) if (ms[i]! < min) min = ms[i]!;
  return min;
}

function latest(ms: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ms.length; i++) if (ms[i]! > max) max = ms[i]!;
  return max;
}

/** Each snapshot's bucket, 0 … n - 1: newest at 0, oldest at n - 1. */
function bucketsOf(ms: Float64Array, min: number, max: number): Int32Array {
  const n = ms.length;
  const scale = (n - 1) / (max - min);
  const bucket = new Int32Array(n);
  for (let i = 0; i < n; i++) bucket[i] = Math.min(n - 1, Math.floor((max - ms[i]!) * scale));
  return bucket;
}

/** `sizes[k + 1]`: how many snapshots bucket k holds (`sizes[0]` = 0), so that the running total is where each bucket starts. */
function bucketSizes(bucket: Int32Array): Int32Array {
  const sizes = new Int32Array(bucket.length + 1);
  for (let i = 0; i < bucket.length; i++) sizes[bucket[i]! + 1]!++;
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

import HeapModule

/// The timer scheduler's waiting elements in deadline order: which one is first, and take it.
///
/// A single binary heap of every sleeper made each tick walk from the root to a leaf and back, under the
/// scheduler's lock: with thousands of timers most of that walk is memory the processor no longer caches, a
/// few misses per tick. Timers re-arm for about one interval ahead, so here the elements due within the next
/// ``span`` go into buckets of 2^50 attoseconds (about 1.13 ms) by their deadline, appended unsorted: the
/// bucket a timer re-arms into is the one its neighbours just appended to, whose end is in the cache. Only the
/// elements before ``firstBucket`` (the bucket being taken from, and anything armed for earlier) are kept in a
/// heap, `near`, which stays as small as one bucket; the elements beyond the buckets wait in `far`, a heap
/// too, and move into buckets as the buckets move on.
///
/// The order is exact (deadline, then arrival): buckets only decide which elements are compared with which.
package struct TimerQueue {
    /// log2 of a bucket's width in attoseconds (2^50 as ≈ 1.13 ms).
    static let bucketShift = 50
    /// How many buckets there are (a power of two): 4,096 span about 4.6 s ahead.
    static let bucketCount = 4_096

    /// The buckets, indexed by bucket number modulo ``bucketCount`` (made at the first use).
    private var buckets: [[TimerScheduler.Entry]] = []
    /// The bucket number of the first bucket; every element of `near` is due before it, every element of
    /// `buckets` in it or the ``bucketCount`` - 1 after it, every element of `far` later.
    private var firstBucket: Int64 = 0
    private var near = Heap<TimerScheduler.Entry>()
    private var far = Heap<TimerScheduler.Entry>()
    /// How many elements the buckets hold.
    private var bucketed = 0

    /// How many elements are in the heap of the first ones (for tests: it should stay about one bucket).
    package var nearCount: Int { self.near.count }

    /// An empty queue.
    package init() {}

    /// How many elements there are.
    package private(set) var count = 0

    /// The bucket number of `entry`'s deadline; deadlines past about 5 × 10^15 s (160 million years) share the last one (capped
    /// well below `Int64.max`, so that moving past it cannot overflow).
    private static func bucket(of entry: TimerScheduler.Entry) -> Int64 {
        Swift.min(Int64(clamping: entry.deadline.attoseconds >> Self.bucketShift), Int64.max >> 1)
    }

    /// Adds `entry`.
    package mutating func insert(_ entry: TimerScheduler.Entry) {
        self.count += 1
        self.place(entry, bucket: Self.bucket(of: entry))
    }

    private mutating func place(_ entry: TimerScheduler.Entry, bucket: Int64) {
        if bucket < self.firstBucket {
            self.near.insert(entry)
        } else if bucket - self.firstBucket < Int64(Self.bucketCount) {
            if self.buckets.isEmpty {
                self.buckets = Array(repeating: [], count: Self.bucketCount)
            }
            self.buckets[Int(bucket & Int64(Self.bucketCount - 1))].append(entry)
            self.bucketed += 1
        } else {
            self.far.insert(entry)
        }
    }

    /// The first element (earliest deadline, then earliest generation), or `nil` when there is none.
    ///
    /// Mutating: finding it may move the next bucket into the heap of the first elements.
    package mutating func first() -> TimerScheduler.Entry? {
        while self.near.isEmpty {
            guard self.advance() else { return nil }
        }
        return self.near.min
    }

    /// Removes and returns the first element (see ``first()``).
    @discardableResult
    package mutating func removeFirst() -> TimerScheduler.Entry? {
        guard self.first() != nil, let entry = self.near.popMin() else { return nil }
        self.count -= 1
        return entry
    }

    /// Moves the next non-empty bucket into `near`; `false` when there are no elements beyond `near`.
    private mutating func advance() -> Bool {
        if self.bucketed == 0 {
            guard let next = self.far.min else { return false }
            // Nothing in the buckets: jump to the first element beyond them instead of walking empty buckets.
            self.firstBucket = Swift.max(self.firstBucket, Self.bucket(of: next))
            self.refill()
        }
        while true {
            let index = Int(self.firstBucket & Int64(Self.bucketCount - 1))
            self.firstBucket += 1
            guard !self.buckets[index].isEmpty else { continue }
            // The drained bucket gives its storage away (kept, every bucket would in time hold its largest size).
            let bucket = self.buckets[index]
            self.buckets[index] = []
            self.bucketed -= bucket.count
            self.near.insert(contentsOf: bucket)
            self.refill()
            return true
        }
    }

    /// Moves the elements of `far` that the buckets now cover into them.
    private mutating func refill() {
        while let next = self.far.min {
            let bucket = Self.bucket(of: next)
            guard bucket - self.firstBucket < Int64(Self.bucketCount) else { return }
            _ = self.far.popMin()
            self.place(next, bucket: bucket)
        }
    }

    /// Keeps only the elements for which `isIncluded` is true.
    package mutating func filter(_ isIncluded: (TimerScheduler.Entry) -> Bool) {
        self.near = Heap(self.near.unordered.filter(isIncluded))
        self.far = Heap(self.far.unordered.filter(isIncluded))
        self.bucketed = 0
        for index in self.buckets.indices where !self.buckets[index].isEmpty {
            self.buckets[index].removeAll { !isIncluded($0) }
            self.bucketed += self.buckets[index].count
        }
        self.count = self.near.count + self.far.count + self.bucketed
    }
}
